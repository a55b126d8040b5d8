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


# Numerals written in Chinese, for headings and dates ("十三五", "一九五八年", "二月五日").
_CN_DIGITS = {
    "○": 0,
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral up to 99 ("十二" → 12), or None."""
    if not text:
        return None
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _CN_DIGITS.get(head, 0) if head else 1
        ones = _CN_DIGITS.get(tail, 0) if tail else 0
        if (head and head not in _CN_DIGITS) or (tail and tail not in _CN_DIGITS):
            return None
        return tens * 10 + ones
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return None


def chinese_year(text: str) -> int | None:
    """A year written digit by digit in Chinese ("一九五八" → 1958), or None."""
    if len(text) != 4 or any(ch not in _CN_DIGITS for ch in text):
        return None
    return int("".join(str(_CN_DIGITS[ch]) for ch in text))
