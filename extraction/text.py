"""Small text helpers shared by the extraction stages: whitespace, CJK detection, years."""

from __future__ import annotations

import re

from cppcc_search.cjk import CJK_CLASS, count_cjk

_SPACE_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_LATIN_RE = re.compile(r"[A-Za-z]")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Chinese text needs no spaces: one between two characters (or full-width brackets) is layout,
# such as a two-character name spaced out to line up with three-character ones (李 强).
_CJK_SPACE_RE = re.compile(rf"(?<=[{CJK_CLASS}（）])\s+(?=[{CJK_CLASS}（）])")


def clean_text(text: str) -> str:
    """Collapse whitespace (ideographic indent spaces included) into single spaces and trim."""
    text = text.replace("\u3000", " ")
    return _SPACE_RE.sub(" ", text).strip()


def squeeze_cjk_spaces(text: str) -> str:
    """Drop spaces between two CJK characters ("李 强" → "李强"), kept elsewhere."""
    return _CJK_SPACE_RE.sub("", text)


# Word processors set a thin space between Chinese and Latin or digits ("2019 年"); a PDF
# keeps it as a space the text never had.
_CJK_EDGE_SPACE_RE = re.compile(
    rf"(?<=[{CJK_CLASS}，。、；：？！“”（）])[ \u00a0](?=[A-Za-z0-9])"
    rf"|(?<=[A-Za-z0-9%])[ \u00a0](?=[{CJK_CLASS}，。、；：？！“”（）])"
)


def unspace_cjk(text: str) -> str:
    """Chinese text without the spaces layout put between Chinese and Latin letters or digits
    ("2019 年 1 月" → "2019年1月"); text that is mostly Latin keeps its spaces, and so do
    spaces between Chinese characters ("市长 林远航")."""
    if cjk_ratio(text) <= 0.5:
        return text
    return _CJK_EDGE_SPACE_RE.sub("", text)


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among CJK and Latin letters (0.0 when there are none)."""
    cjk = count_cjk(text)
    latin = len(_LATIN_RE.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def ascii_digits(text: str) -> str:
    """Turn full-width digits into ASCII ones."""
    return text.translate(_FULLWIDTH_DIGITS)
