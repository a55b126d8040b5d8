"""What counts as a Chinese character: one definition for extraction, indexing and the web app.

CJK Unified Ideographs, Extension A, the compatibility ideographs and Extensions B–F (rare
characters in names and places are in Extension B, and an archive must not split words at them).
"""

from __future__ import annotations

import re

# (first, last) code points of each block, inclusive.
CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # Unified Ideographs
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x2EBEF),  # Extensions B-F
)
CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES)
CJK_CHAR = re.compile(f"[{CJK_CLASS}]")
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


def is_cjk_char(char: str) -> bool:
    """True for one Chinese character."""
    code = ord(char)
    return any(low <= code <= high for low, high in CJK_RANGES)


def is_cjk(text: str) -> bool:
    """True when the text is one run of Chinese characters."""
    return bool(CJK_RUN.fullmatch(text))


def count_cjk(text: str) -> int:
    """How many Chinese characters the text holds."""
    return len(CJK_CHAR.findall(text))
