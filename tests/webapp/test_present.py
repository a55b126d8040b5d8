"""The web app's pure helpers: parameters, URL state, highlighting, charts."""

from __future__ import annotations

import itertools

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from indexer.errors import QueryError
from indexer.search.types import SearchResponse, TrendPoint, TrendSeries, YearRange
from webapp.archive import BannerInfo, render_archive
from webapp.charts import (
    DIGIT_WIDTH,
    FONT_SIZE,
    LABEL_GAP,
    NARROW,
    trend_chart,
    value_axis,
)
from webapp.highlight import highlight, term_pattern
from webapp.params import Limits, UrlState, parse_search_args, year_range_arg
from webapp.present import pagination
from webapp.settings import SETTINGS, default_config
from webapp.views.trends import parse_terms

LIMITS = Limits(
    default_per_page=20, max_per_page=100, max_query_length=500, max_filter_values=50, max_page=10
)


def parse(pairs: list[tuple[str, str]]):
    return parse_search_args(MultiDict(pairs), LIMITS)


def test_search_args_become_a_request_with_every_filter():
    request = parse(
        [
            ("q", " 新能源 "),
            ("year", "2019"),
            ("year", "2021..2023"),
            ("part", "plan"),
            ("committee", "全国政协"),
            ("committee", "全国政协"),
            ("language", "zh"),
            ("sort", "newest"),
            ("page", "2"),
            ("per_page", "50"),
        ]
    )
    assert request.query == "新能源"
    assert request.years == (YearRange(2019, 2019), YearRange(2021, 2023))
    assert request.parts == ("plan",)
    assert request.committees == ("全国政协",)  # duplicates collapse
    assert (request.sort, request.page, request.per_page) == ("newest", 2, 50)


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("page", "abc")], "page must be a whole number"),
        ([("page", "0")], "page must be between 1 and 10"),
        ([("per_page", "101")], "per_page must be between 1 and 100"),
        ([("sort", "random")], "unknown sort"),
        ([("year", "20x9")], "not a year"),
        ([("part", "future")], "unknown part"),
        ([("language", "fr")], "unknown language"),
        ([("q", "x" * 501)], "too long"),
        ([("q", "a\x00b")], "NUL"),
        ([("committee", str(i)) for i in range(51)], "too many committee values"),
    ],
)
def test_bad_search_args_raise_a_query_error_that_says_why(pairs, message):
    with pytest.raises(QueryError, match=message):
        parse(pairs)


def test_year_range_boxes_become_one_year_value():
    assert year_range_arg(MultiDict({"year_from": "2019", "year_to": "2021"})) == "2019..2021"
    assert year_range_arg(MultiDict({"year_from": "2022", "year_to": ""})) == "2022..9999"
    assert year_range_arg(MultiDict({"year_from": "", "year_to": ""})) is None
    with pytest.raises(QueryError):
        year_range_arg(MultiDict({"year_from": "abc"}))


def test_url_state_toggles_values_and_keeps_a_canonical_order():
    state = UrlState.from_args(
        MultiDict([("page", "3"), ("language", "zh"), ("q", "养老"), ("junk", "x")])
    )
    assert state.query_string() == "q=%E5%85%BB%E8%80%81&language=zh&page=3"
    added = state.toggled("year", "2020")
    assert added.pairs == [("q", "养老"), ("year", "2020"), ("language", "zh")]
    assert added.toggled("year", "2020").pairs == [("q", "养老"), ("language", "zh")]
    assert state.replaced("page", None).url("/search") == "/search?q=%E5%85%BB%E8%80%81&language=zh"
    assert UrlState([]).url("/search") == "/search"


def test_highlight_escapes_before_marking():
    pattern = term_pattern(["script", "养老"])
    out = highlight('<script>alert("x")</script> 社区养老', pattern)
    assert isinstance(out, Markup)
    assert str(out) == (
        "&lt;<mark>script</mark>&gt;alert(&#34;x&#34;)&lt;/<mark>script</mark>&gt; "
        "社区<mark>养老</mark>"
    )
    assert str(highlight("<b>", None)) == "&lt;b&gt;"
    assert term_pattern(["", "  "]) is None


def test_trend_chart_draws_one_linked_bar_per_term_and_year():
    series = [
        TrendSeries("a", [TrendPoint(2019, 3, 100, 30.0), TrendPoint(2020, 0, 50, 0.0)]),
        TrendSeries("b", [TrendPoint(2019, 1, 100, 10.0), TrendPoint(2020, 5, 50, 100.0)]),
    ]
    chart = trend_chart(series, "hits", "t", lambda term, year, kind: f"/s?q={term}&year={year}")
    # The count axis runs 0, 2, 4, 6: whole steps, its top above the largest bar (5).
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4", "6"]
    assert [(b.href, round(b.height, 1)) for b in chart.bars] == [
        ("/s?q=a&year=2019", 108.0),
        ("/s?q=b&year=2019", 36.0),
        ("/s?q=b&year=2020", 180.0),
    ]
    assert [t.label for t in chart.x_ticks] == ["2019", "2020"]


def test_trend_chart_gives_every_year_a_slot_so_gaps_stay_visible():
    series = [TrendSeries("节能减排", [TrendPoint(2007, 4, 9, 1.0), TrendPoint(2010, 2, 9, 1.0)])]
    chart = trend_chart(series, "hits", "t", lambda term, year, kind: str(year))
    first, last = chart.bars
    slot = (chart.right - chart.left) / 4  # 2007, 2008, 2009, 2010
    assert last.x - first.x == pytest.approx(3 * slot)


@pytest.mark.parametrize("span", [(2019, 2020), (2007, 2024), (1954, 2025), (1900, 2025)])
def test_year_labels_never_overlap_wide_or_narrow(span):
    series = [TrendSeries("a", [TrendPoint(year, 1, 9, 1.0) for year in range(*span)])]
    wide = trend_chart(series, "hits", "t", lambda term, year, kind: "")
    assert wide.narrow is not None and wide.narrow.width == NARROW.width
    for chart in (wide, wide.narrow):
        positions = [tick.position for tick in chart.x_ticks]
        assert positions and positions == sorted(positions)
        width = FONT_SIZE * DIGIT_WIDTH * 4
        assert all(b - a >= width + LABEL_GAP for a, b in itertools.pairwise(positions))
        years = [int(tick.label) for tick in chart.x_ticks]
        assert len({b - a for a, b in itertools.pairwise(years)}) <= 1  # one round step


@pytest.mark.parametrize("maximum", [1, 2, 3, 5, 7, 9, 12, 33, 260, 1234])
def test_count_axes_have_whole_number_ticks(maximum):
    axis = value_axis(maximum, whole=True)
    assert axis[0] == 0 and axis[-1] >= maximum and len(axis) <= 5
    assert all(value == int(value) for value in axis)
    assert len({b - a for a, b in itertools.pairwise(axis)}) == 1


def test_trend_chart_stacks_parts_when_asked():
    point = TrendPoint(2019, 4, 100, 40.0, by_part={"review": 3, "plan": 1})
    chart = trend_chart(
        [TrendSeries("a", [point])], "per_1000", "t", lambda t, y, k: f"{y}-{k}", by_part=True
    )
    review, plan = chart.bars
    assert (review.href, plan.href) == ("2019-review", "2019-plan")
    assert review.y == pytest.approx(plan.y + plan.height)  # plan sits on top of review
    assert review.height == pytest.approx(3 * plan.height)


def test_rate_axes_round_up_in_steps_of_one_two_or_five():
    assert value_axis(0.04, whole=False) == [0, 0.01, 0.02, 0.03, 0.04]
    assert value_axis(37.5, whole=False) == [0, 10, 20, 30, 40]
    assert value_axis(0, whole=True) == [0, 1]


def test_trend_terms_split_at_commas_without_duplicates():
    assert parse_terms(["新能源，养老", "energy, 养老"], 8, 50) == ["新能源", "养老", "energy"]
    with pytest.raises(QueryError, match="too many terms"):
        parse_terms([",".join(str(i) for i in range(9))], 8, 50)


def test_archive_rendering_removes_active_content_and_adds_a_banner():
    hostile = (
        "<html><head><script>alert(1)</script><meta http-equiv='refresh' content='0;url=/x'>"
        "</head><body onload='alert(2)'><p onclick='alert(3)'>正文 text</p>"
        "<iframe src='http://evil/'></iframe><form action='/post'><input name=a></form>"
        "<a href='/next.html'>next</a><a href='javascript:alert(4)'>js</a></body></html>"
    )
    info = BannerInfo(
        original_url="http://site.example/a.html?x=<b>",
        final_url="http://site.example/a.html?x=<b>",
        fetched_at="2024-01-02T03:04:05Z",
        status=200,
        encoding="gbk",
        search_url="http://127.0.0.1/",
    )
    page = render_archive(hostile, info)
    lowered = page.lower()
    for banned in ("<script", "onload", "onclick", "<iframe", "<form", "javascript:", "refresh"):
        assert banned not in lowered
    assert "正文 text" in page
    assert 'href="http://site.example/next.html"' in page  # links made absolute to the source
    assert "存档副本 Archived capture" in page and "2024-01-02T03:04:05Z" in page
    assert "x=&lt;b&gt;" in page  # the URL in the banner is escaped


def test_every_setting_has_a_default_and_help():
    config = default_config()
    assert set(config) == {s.name for s in SETTINGS}
    assert all(s.help for s in SETTINGS)


def test_pagination_shows_neighbours_first_last_and_gaps():
    response = SearchResponse(query="x", total=200, page=7, per_page=10)
    pager = pagination(response, UrlState([("q", "x"), ("page", "7")]), "/search")
    assert [link.number for link in pager.links] == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert [link.number for link in pager.links if link.current] == [7]
    assert pager.previous == "/search?q=x&page=6" and pager.next == "/search?q=x&page=8"
    first = pagination(SearchResponse("x", 5, 1, 10), UrlState([("q", "x")]), "/search")
    assert (first.previous, first.next, len(first.links)) == (None, None, 1)
    assert pager.links[0].url == "/search?q=x"  # page 1 has no page argument
