"""The years a part of a report covers: one year, a span, or several years counted back."""

from __future__ import annotations

import pytest

from cppcc_search.models import Section
from extraction.periods import part_kind, period_span


@pytest.mark.parametrize(
    ("title", "report_year", "kind", "span"),
    [
        ("一、过去五年工作回顾", 2023, "review", (2018, 2022)),
        ("一、五年来的主要工作", 2023, "review", (2018, 2022)),
        ("一、过去5年的工作", 2018, "review", (2013, 2017)),
        ("一、本届政协工作回顾", 2023, "review", (2018, 2022)),
        ("一、十年来的工作回顾", 2024, "review", (2014, 2023)),
        ("I. Review of the Past Five Years", 2023, "review", (2018, 2022)),
        ("一、2018—2022年工作回顾", 2023, "review", (2018, 2022)),
        ("一、“十三五”时期的主要成就", 2021, "review", (2016, 2020)),
        ("二、“十四五”时期主要目标任务", 2021, "plan", (2021, 2025)),
        ("二、今后五年的主要任务", 2023, "plan", (2023, 2027)),
        ("一、过去一年工作回顾", 2024, "review", (None, 2023)),
        ("二、2024年主要任务", 2024, "plan", (None, 2024)),
        ("三、关于社会主义建设", 2024, "other", (None, None)),
        ("一、过去五年工作回顾", None, "review", (None, None)),
    ],
)
def test_period_span(title: str, report_year: int | None, kind: str, span: tuple) -> None:
    assert part_kind(title) == kind
    assert period_span(title, report_year) == span


def test_period_start_reads_from_older_documents_as_null() -> None:
    old = {
        "ordinal": 0,
        "level": 1,
        "title": "一、过去五年工作回顾",
        "part": None,
        "part_kind": "review",
        "period_year": 2022,
        "text": "",
    }
    assert Section.from_dict(old).period_start is None
    assert Section.from_dict({**old, "period_start": 2018}).period_start == 2018
    with pytest.raises(TypeError, match="period_start"):
        Section.from_dict({**old, "period_start": "2018"})
