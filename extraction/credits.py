"""Credit lines: who wrote, edited, checked and published a page ("责任编辑：王明", "来源：新华社",
"(Web editor: Liang Jun)"), and the same credits trailing a paragraph. They are the page's
metadata, never the article's text. The labels are data (``credit_labels`` in the profile).
"""

from __future__ import annotations

import re
from functools import lru_cache

from cppcc_search.cjk import CJK_CLASS
from extraction.dates import find_dates
from extraction.text import cjk_ratio

MAX_CREDIT_LINE = 160
MAX_CREDIT_VALUE = 40
# A value is a name, an outlet or a date: no sentence ends inside it.
_SENTENCE_RE = re.compile(r"[。！？!?；;]|[，,].*[，,].*[，,]")
_BRACKETS = "【】[]()（）〔〕<>《》"
_SEPARATORS = " \t|｜/·•,，;；:：-—_"
_TIME_RE = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
# Pieces of a credit line are set apart by bars, wide spaces or brackets
# ("【纠错】 【责任编辑：…】").
_PIECE_SPLIT_RE = re.compile(r"\s*[|｜]\s*|\s{2,}|\u3000+|(?<=[】\]])\s*(?=[【\[])")
_BYLINE_RE = re.compile(r"^By\s+([A-Z].*)$")
_TOOL_RE = re.compile(r"^[【\[]?[^】\]]{1,4}[】\]]?$")  # "【纠错】" before "【责任编辑：…】"
_NAME_JOINERS = frozenset(("and", "of", "the", "de", "van", "von"))
MAX_OUTLET = 12
MAX_OUTLET_WORDS = 4


@lru_cache(maxsize=16)
def _patterns(labels: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a label opening a credit, a bracketed credit ending a paragraph) for these labels."""
    names = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    # A label stands at the start of the line or after a separator; Chinese ones may be followed
    # by a space instead of a colon ("责任编辑 王明").
    label = (
        rf"(?:(?<=^)|(?<=[\s|｜/【\[(（,，;；]))(?P<label>{names})"
        rf"(?:\s*[:：]\s*|(?<=[{CJK_CLASS}])\s+)"
    )
    value = rf"[^（）()【】\[\]]{{1,{MAX_CREDIT_VALUE}}}"
    trailer = rf"\s*[（(【\[]\s*(?:{names})\s*[:：]{value}[）)】\]]\s*$"
    return re.compile(label, re.IGNORECASE), re.compile(trailer, re.IGNORECASE)


def _is_date_or_time(text: str) -> bool:
    """Whether a piece of a credit line holds only a date and a time."""
    if not find_dates(text):
        return bool(_TIME_RE.match(text.strip()))
    return len(re.sub(r"[\d\s:：\-/.年月日时分秒]", "", text)) <= 2


def _names(value: str) -> bool:
    """Whether English words are names (capitalised, or a few words), not a sentence."""
    words = re.findall(r"[A-Za-z][\w'’.-]*", value)
    if len(words) <= 3:
        return True
    capitalised = sum(1 for word in words if word[0].isupper() or word in _NAME_JOINERS)
    return len(words) <= 8 and capitalised * 4 >= len(words) * 3


def _short_value(value: str) -> bool:
    value = value.strip(_SEPARATORS + _BRACKETS + " ")
    if len(value) > MAX_CREDIT_VALUE or _SENTENCE_RE.search(value):
        return False
    return cjk_ratio(value) > 0.5 or _names(value)


def _credits(piece: str, label: re.Pattern[str]) -> bool | None:
    """True for "label: value" credits (a date may come first), None for a piece with no label,
    False for a piece that is text."""
    found = list(label.finditer(piece))
    if not found:
        return None
    lead = piece[: found[0].start()].strip(_SEPARATORS + _BRACKETS)
    if lead and not (_is_date_or_time(lead) or _TOOL_RE.match(lead)):
        return False
    ends = [match.start() for match in found[1:]] + [len(piece)]
    values = [piece[match.end() : end] for match, end in zip(found, ends, strict=True)]
    if cjk_ratio(piece) <= 0.5 and any(not value.strip() for value in values):
        return False  # "Editor:" alone is a word in a sentence's place, not a credit
    return all(_short_value(value) for value in values)


def _neutral(piece: str) -> bool:
    """A piece a credit line may hold besides credits: a date, a byline, an outlet's name."""
    if _is_date_or_time(piece):
        return True
    byline = _BYLINE_RE.match(piece)
    if byline:
        return _names(byline[1]) and len(byline[1]) <= MAX_CREDIT_VALUE
    if cjk_ratio(piece) > 0.5:
        return len(piece) <= MAX_OUTLET and not re.search(r"[，。！？；、,.!?;]", piece)
    words = piece.split()
    return len(words) <= MAX_OUTLET_WORDS and all(w[0].isupper() for w in words if w[0].isalpha())


def is_credit_line(text: str, labels: tuple[str, ...]) -> bool:
    """Whether a line is nothing but credits: labelled short values, a byline, perhaps a date
    ("2019年03月06日 08:15 来源：人民网", "责任编辑：王明 审核：李华", "(Editor: Li Yan)",
    "By Xu Wei | China Daily | Updated: 2022-11-23 09:13")."""
    line = text.strip()
    if not line or len(line) > MAX_CREDIT_LINE or not labels:
        return False
    label = _patterns(labels)[0]
    pieces = [p for p in _PIECE_SPLIT_RE.split(line.strip(_BRACKETS + " ")) if p.strip()]
    credited = False
    for piece in pieces:
        piece = piece.strip(_BRACKETS + " ")
        verdict = _credits(piece, label)
        if verdict is False:
            return False
        if verdict is None:
            if not _neutral(piece):
                return False
            credited = credited or bool(_BYLINE_RE.match(piece))
        credited = credited or bool(verdict)
    return credited


def strip_credit_trailer(text: str, labels: tuple[str, ...]) -> str:
    """A paragraph without the bracketed credits it ends with ("…。（责任编辑：王明）")."""
    if not labels:
        return text
    trailer = _patterns(labels)[1]
    while True:
        match = trailer.search(text)
        if not match or match.start() == 0:
            return text
        text = text[: match.start()].rstrip()
