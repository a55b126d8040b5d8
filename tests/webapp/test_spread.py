"""The spread page and /api/spread over the sample index (four bodies at three levels)."""

from __future__ import annotations

import re

from indexer.search.types import SpreadYear
from webapp.spread import NARROW, WIDE, count_axis, spread_chart


def test_api_spread_gives_first_uses_and_every_year(web_client) -> None:
    data = web_client.get("/api/spread?q=新能源&expand=0").get_json()
    assert data["query"] == "新能源"
    assert [(f["body_id"], f["level"], f["year"]) for f in data["first"]] == [
        ("cppcc-national", "national", 2019),
        ("cppcc-320400", "municipal", 2020),
        ("cppcc-320000", "provincial", 2022),
    ]
    assert data["first"][0]["name"]["zh"] and data["first"][0]["name"]["en"]
    years = [y["year"] for y in data["years"]]
    assert years == list(range(years[0], years[-1] + 1))
    last = data["years"][-1]
    assert last["bodies"] == sum(last["by_level"].values()) == 3
    # Translated, the term also finds the English report of Wuxi that speaks of new energy.
    translated = web_client.get("/api/spread?q=新能源").get_json()
    assert ("cppcc-320200", "municipal", 2022) in [
        (f["body_id"], f["level"], f["year"]) for f in translated["first"]
    ]


def test_api_spread_takes_the_search_filters_and_needs_a_term(web_client) -> None:
    data = web_client.get("/api/spread?q=新能源&level=municipal").get_json()
    assert {f["level"] for f in data["first"]} == {"municipal"}
    missing = web_client.get("/api/spread")
    assert missing.status_code == 400 and "q is required" in missing.get_json()["error"]


def test_spread_page_charts_bodies_per_year_and_lists_first_uses(web_client) -> None:
    html = web_client.get("/spread?q=新能源").get_data(as_text=True)
    assert html.count('<figure class="chart">') == 2  # the desktop and the phone layout
    assert "level-national" in html and "level-municipal" in html
    assert "政协常州市委员会" in html and "CPPCC Changzhou Municipal Committee" in html
    assert "/api/spread?q=" in html
    assert "No report uses" in web_client.get("/spread?q=不存在的词").get_data(as_text=True)
    assert "When each body" in web_client.get("/spread").get_data(as_text=True)


def test_spread_page_escapes_the_term(web_client) -> None:
    html = web_client.get("/spread?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in html


def test_count_axis_has_whole_number_ticks() -> None:
    assert count_axis(0) == (1, 1)
    assert count_axis(3) == (1, 3)
    assert count_axis(7) == (2, 8)
    assert count_axis(13) == (5, 15)
    assert count_axis(180) == (50, 200)


def test_chart_slots_every_year_and_labels_fit_the_layout() -> None:
    years = [
        SpreadYear(y, 1 if y in (1978, 2020) else 0, {"national": 1 if y in (1978, 2020) else 0})
        for y in range(1978, 2026)
    ]
    for layout in (WIDE, NARROW):
        chart = spread_chart(years, "t", lambda year, level: f"/search?year={year}", layout)
        assert len(chart.bars) == 2  # empty years draw nothing but keep their slots
        slot = (layout.width - layout.left - layout.right) / len(years)
        assert abs((chart.bars[1].x - chart.bars[0].x) - slot * (2020 - 1978)) < 1e-6
        assert len(chart.x_ticks) <= layout.year_labels + 1
        assert all(re.fullmatch(r"\d+", tick.label) for tick in chart.y_ticks)
