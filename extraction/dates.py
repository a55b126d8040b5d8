"""Recognise dates written in Chinese, English and ISO forms, and pull dates out of URLs."""

from __future__ import annotations

import re
from datetime import date

from cppcc_search.cjk import chinese_number, chinese_year
from extraction.text import ascii_digits

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
NUMERIC_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
)
# A span's second day ("March 4-11, 2024", "4–11 March 2024") is skipped: a span is dated by
# its first day. "23-Nov-2022" is how some English state media write a byline's date.
_DAY_SPAN = r"(?:\s*[-–—~]\s*\d{1,2}(?:st|nd|rd|th)?)?"
ENGLISH_DATE_RE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_NAMES})\.?\s*(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?{_DAY_SPAN},?\s*"
    rf"(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?{_DAY_SPAN}\s+(?P<m2>{_MONTH_NAMES})\.?,?\s+"
    rf"(?P<y2>\d{{4}})"
    rf"|(?P<d3>\d{{1,2}})-(?P<m3>{_MONTH_NAMES})-(?P<y3>\d{{4}}))(?!\d)",
    re.IGNORECASE,
)
CHINESE_DATE_RE = re.compile(
    r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
TIME_RE = re.compile(r"\d{1,2}:\d{2}")
_URL_DATE_RES = (
    re.compile(r"/t(\d{4})(\d{2})(\d{2})_"),  # TRS article names
    re.compile(r"/(\d{4})-(\d{2})/(\d{2})/"),  # xinhua, gov.cn
    re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})/"),  # Hanweb art/2019/3/6, WordPress
    re.compile(r"/(\d{4})/(\d{2})(\d{2})/"),  # people.cn /n1/2019/0306/
    re.compile(r"/(\d{4})(\d{2})/(\d{2})/"),  # /a/201903/06/
    re.compile(r"/(\d{4})-(\d{2})-(\d{2})(?:/|\.|_)"),
    re.compile(r"/(\d{4})_(\d{2})_(\d{2})/"),
    re.compile(r"/(\d{4})(\d{2})(\d{2})/"),
    re.compile(r"[/_-](\d{4})(\d{2})(\d{2})[_-]\d"),  # /20190306_123.html, /art_20190306-1
)


def make_date(year: int, month: int, day: int) -> str | None:
    """ISO ``YYYY-MM-DD`` for a plausible calendar date, else None."""
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, str]]:
    """Every date in ``text`` as (position, ISO date), in order of position."""
    text = ascii_digits(text)
    found: list[tuple[int, str]] = []
    for match in CHINESE_DATE_RE.finditer(text):
        year, month, day = (
            chinese_year(match[1]),
            chinese_number(match[2]),
            chinese_number(match[3]),
        )
        iso = make_date(year, month, day) if year and month and day else None
        if iso:
            found.append((match.start(), iso))
    for match in NUMERIC_DATE_RE.finditer(text):
        iso = make_date(int(match[1]), int(match[2]), int(match[3]))
        if iso:
            found.append((match.start(), iso))
    for match in ENGLISH_DATE_RE.finditer(text):
        month = (match["m1"] or match["m2"] or match["m3"]).lower()
        day = match["d1"] or match["d2"] or match["d3"]
        year = match["y1"] or match["y2"] or match["y3"]
        iso = make_date(int(year), _MONTHS[month], int(day))
        if iso:
            found.append((match.start(), iso))
    return sorted(found)


def first_date(text: str) -> str | None:
    """The first date written in ``text``, or None."""
    dates = find_dates(text)
    return dates[0][1] if dates else None


def date_from_url(url: str) -> str | None:
    """A date spelled in a URL's path (``/t20190918_…``, ``/2024-05/13/``, ``/2016/11/22/``)."""
    for pattern in _URL_DATE_RES:
        match = pattern.search(url)
        if match:
            iso = make_date(int(match[1]), int(match[2]), int(match[3]))
            if iso:
                return iso
    return None
