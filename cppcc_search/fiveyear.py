"""The five-year plans: the years the plan a text names covers ("“十四五”时期" → 2021–2025)."""

from __future__ import annotations

import re

from cppcc_search.cjk import chinese_number

# The n-th five-year plan ("十三五", "13th Five-Year Plan"): the first two began in 1953 and 1958,
# the third in 1966 after three years of readjustment, each later one five years after the last.
PLAN_PERIOD_RE = re.compile(r"“?[\"']?([一二三四五六七八九十]{1,3})五”?[\"']?(?:时期|规划|期间)")
PLAN_PERIOD_EN_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+Five-Year Plan", re.I)
_PLAN_STARTS = {1: 1953, 2: 1958}
THIRD_PLAN_YEAR = 1966


def plan_years(text: str) -> tuple[int, int] | None:
    """(first year, last year) of the first five-year plan the text names, or None."""
    match = PLAN_PERIOD_RE.search(text)
    number = chinese_number(match[1]) if match else None
    if number is None:
        match = PLAN_PERIOD_EN_RE.search(text)
        number = int(match[1]) if match else None
    if not number:
        return None
    start = _PLAN_STARTS.get(number, THIRD_PLAN_YEAR + 5 * (number - 3))
    return start, start + 4
