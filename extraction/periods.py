"""What a part of a report looks back on or plans: its kind and the years it covers.

A part names a year ("2023年工作回顾"), a span ("2019—2023年", "“十三五”时期"), or a time relative
to the report's year ("过去一年", "过去五年", "今年", "the past five years").
"""

from __future__ import annotations

import re

from cppcc_search.cjk import chinese_number, chinese_year
from cppcc_search.fiveyear import plan_years
from extraction.text import ascii_digits

_REVIEW_RE = re.compile(
    r"回顾|总结|成就|过去|一年来|五年来|年来|去年|情况|本届|"
    r"review|looking back|achievement|retrospect|accomplish",
    re.I,
)
_PLAN_RE = re.compile(
    r"任务|部署|建议|意见|要求|目标|安排|计划|打算|展望|思路|今年|明年|今后|未来|"
    r"task|plan|priorit|ahead|goal|target|next step|coming year",
    re.I,
)
_LAST_YEAR_RE = re.compile(r"过去一年|去年|一年来|last year|past year|previous year", re.I)
_THIS_YEAR_RE = re.compile(r"今年|本年|this year|coming year", re.I)
_YEAR_RE = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_YEAR_SPAN_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年?\s*(?:—|–|-|－|~|～|至|到|to)\s*((?:19|20)\d{2})(?!\d)"
)
_CN_YEAR_RE = re.compile(r"([〇零一二三四五六七八九]{4})年")
_NUMBER = r"(\d{1,2}|[一二三四五六七八九十两]{1,3})"
# "过去五年", "五年来", "本届" (a committee's or government's five-year term) look back over
# several whole years before the report's; "今后五年" plans the report's year and those after.
_PAST_YEARS_RE = re.compile(rf"过去{_NUMBER}年|(?<![\d一二三四五六七八九十])({_NUMBER})年来")
_PAST_YEARS_EN_RE = re.compile(
    r"(?:past|last|previous)\s+(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+years",
    re.I,
)
_NEXT_YEARS_RE = re.compile(rf"(?:今后|未来|此后){_NUMBER}年")
_NEXT_YEARS_EN_RE = re.compile(
    r"(?:next|coming)\s+(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+years", re.I
)
_TERM_RE = re.compile(r"本届|this term", re.I)
TERM_YEARS = 5
_EN_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


def part_kind(title: str) -> str:
    """review, plan or other, from a part's heading."""
    if _REVIEW_RE.search(title):
        return "review"
    if _PLAN_RE.search(title):
        return "plan"
    return "other"


def _count(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return _EN_NUMBERS.get(text.lower()) or chinese_number(text)


def _relative_span(title: str, report_year: int) -> tuple[int, int] | None:
    """Several years counted from the report's year: back ("过去五年") or ahead ("今后五年")."""
    for pattern in (_PAST_YEARS_RE, _PAST_YEARS_EN_RE):
        match = pattern.search(title)
        count = _count(next(g for g in match.groups() if g)) if match else None
        if count and count > 1:
            return report_year - count, report_year - 1
    for pattern in (_NEXT_YEARS_RE, _NEXT_YEARS_EN_RE):
        match = pattern.search(title)
        count = _count(match[1]) if match else None
        if count and count > 1:
            return report_year, report_year + count - 1
    if _TERM_RE.search(title) and part_kind(title) == "review":
        return report_year - TERM_YEARS, report_year - 1
    return None


def period_span(title: str, report_year: int | None) -> tuple[int | None, int | None]:
    """(first year, last year) a part reviews or plans; the first is None for a single year.

    A span's last year is the one a review ends with ("过去五年" in a 2023 report: 2018–2022).
    """
    digits = ascii_digits(title)
    span = _YEAR_SPAN_RE.search(digits)
    if span:
        return int(span[1]), int(span[2])  # "2019—2023年工作回顾" reviews up to its last year
    plan = plan_years(title)
    if plan:
        return plan
    if report_year is not None:
        relative = _relative_span(title, report_year)
        if relative:
            return relative
    match = _YEAR_RE.search(digits)
    if match:
        return None, int(match[1])
    cn = _CN_YEAR_RE.search(title)
    if cn:
        return None, chinese_year(cn[1])
    if report_year is None:
        return None, None
    if _LAST_YEAR_RE.search(title):
        return None, report_year - 1
    if _THIS_YEAR_RE.search(title):
        return None, report_year
    return None, None


def period_year(title: str, report_year: int | None) -> int | None:
    """The year a part reviews or plans (a span's last year)."""
    return period_span(title, report_year)[1]
