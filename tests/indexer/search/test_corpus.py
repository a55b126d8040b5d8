"""Search answers checked against the real corpus: substring truth, facets, filters, sorting."""

from __future__ import annotations

from pathlib import Path

import pytest

from cppcc_search.kinds import section_kinds
from cppcc_search.models import Report
from cppcc_search.settings import DataPaths
from indexer.errors import QueryError
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest, YearRange
from tests.indexer.reports import build_index, corpus_reports, reports_containing

pytestmark = pytest.mark.slow  # one real index of the 72 reports, built once per module

TERMS = ["计划经济", "乡村振兴", "新能源", "开发新能源", "改革开放", "人工智能", "粮食", "党"]


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> list[Report]:
    return corpus_reports(shared_dir)


@pytest.fixture(scope="module")
def service(corpus: list[Report], tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    paths = DataPaths(tmp_path_factory.mktemp("corpus") / "data").ensure()
    build_index(paths, corpus)
    service = SearchService.open(paths)
    yield service
    service.close()


def found_reports(service: SearchService, query: str, **filters: object) -> set[str]:
    response = service.search(SearchRequest(query=query, per_page=1000, **filters))
    assert response.total <= 1000
    return {hit.report_id for hit in response.results}


@pytest.mark.parametrize("term", TERMS)
def test_reports_found_match_substring_truth(service, corpus, term):
    truth = reports_containing(corpus, term)
    found = found_reports(service, term)
    assert truth, f"{term} should occur in the corpus"
    recall = len(found & truth) / len(truth)
    precision = len(found & truth) / len(found)
    assert recall >= 0.95 and precision >= 0.95, (term, recall, precision)


@pytest.mark.parametrize("term", TERMS[:5])
def test_year_facet_lists_exactly_the_years_of_the_reports(service, corpus, term):
    truth_years = {r.year for r in corpus if r.year and term in r.body_text()}
    response = service.search(SearchRequest(query=term))
    facet_years = {value.value for value in response.facets["year"]}
    assert facet_years == truth_years
    assert sum(v.count for v in response.facets["year"]) <= response.total
    assert [v.value for v in response.facets["year"]] == sorted(facet_years, reverse=True)


def test_word_and_finds_more_than_the_exact_string(service, corpus):
    exact = found_reports(service, "乡村振兴")
    both_words = found_reports(service, "乡村 振兴")
    assert exact == reports_containing(corpus, "乡村振兴")
    assert exact < both_words
    # both words in one section (a section is the unit that matches)
    truth_and = {
        r.id
        for r in corpus
        for s in r.sections
        if all(w in f"{s.title or ''}\n{s.text}" for w in ("乡村", "振兴"))
    }
    assert both_words == truth_and


def test_quoted_chinese_is_the_same_exact_string(service):
    assert found_reports(service, '"计划经济"') == found_reports(service, "计划经济")


def test_or_and_exclusion(service, corpus):
    either = found_reports(service, "乡村振兴 OR 计划经济")
    assert either == reports_containing(corpus, "乡村振兴") | reports_containing(corpus, "计划经济")
    response = service.search(SearchRequest(query="新能源 -汽车", per_page=1000))
    assert response.total > 0
    assert all("汽车" not in hit.snippet for hit in response.results)


def test_year_range_in_query_and_as_filter(service, corpus):
    truth = {
        r.id for r in corpus if r.year and 2015 <= r.year <= 2020 and "新能源" in r.body_text()
    }
    assert found_reports(service, "新能源 2015..2020") == truth
    assert found_reports(service, "新能源", years=(YearRange(2015, 2020),)) == truth


def test_selected_year_keeps_the_other_years_counts(service):
    everything = service.search(SearchRequest(query="新能源"))
    chosen = everything.facets["year"][0].value
    narrowed = service.search(SearchRequest(query="新能源", years=(YearRange(chosen, chosen),)))
    assert narrowed.total == everything.facets["year"][0].count
    assert [(v.value, v.count) for v in narrowed.facets["year"]] == [
        (v.value, v.count) for v in everything.facets["year"]
    ]
    assert [v.value for v in narrowed.facets["year"] if v.selected] == [chosen]
    assert {hit.year for hit in narrowed.results} == {chosen}


def test_section_facet_counts_kinds_with_labels(service):
    response = service.search(SearchRequest(query="", per_page=5))
    kinds = {v.value: v for v in response.facets["section"]}
    assert kinds["overview"].count >= 3  # "一、2024年工作回顾", "一、2023年工作回顾", …
    assert kinds["overview"].label == {"zh": "总体情况", "en": "Overview"}
    assert set(kinds) <= {kind["code"] for kind in section_kinds()}
    narrowed = service.search(SearchRequest(query="", sections=("工作回顾",), per_page=50))
    assert narrowed.total == kinds["overview"].count
    assert [(f.given, f.values) for f in narrowed.filters] == [("工作回顾", ["overview"])]
    assert all(hit.section_kind == "overview" for hit in narrowed.results)


def test_sort_newest_and_oldest(service, corpus):
    newest = service.search(SearchRequest(query="粮食", sort="newest", per_page=30)).results
    oldest = service.search(SearchRequest(query="粮食", sort="oldest", per_page=30)).results
    newest_years = [hit.year or 0 for hit in newest]
    oldest_years = [hit.year for hit in oldest if hit.year]
    assert newest_years == sorted(newest_years, reverse=True)
    assert oldest_years == sorted(oldest_years)
    years = [r.year for r in corpus if r.year and "粮食" in r.body_text()]
    assert newest_years[0] == max(years) and oldest_years[0] == min(years)


def test_paging_is_disjoint_and_total_stable(service):
    first = service.search(SearchRequest(query="粮食", per_page=10, page=1))
    second = service.search(SearchRequest(query="粮食", per_page=10, page=2))
    beyond = service.search(SearchRequest(query="粮食", per_page=10, page=999))
    assert first.total == second.total == beyond.total > 20
    assert not {h.id for h in first.results} & {h.id for h in second.results}
    assert beyond.results == []
    scores = [h.score for h in first.results + second.results]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_grouped_pages_count_reports(service, sort):
    """Grouped, a page holds per_page reports with their best sections; pages are disjoint
    and together hold every matching report once, in the order of its best section."""
    everything = service.search(SearchRequest(query="粮食", sort=sort, per_page=1000))
    matching: dict[str, int] = {}
    for hit in everything.results:
        matching[hit.report_id] = matching.get(hit.report_id, 0) + 1
    seen: list[str] = []
    page = 1
    while True:
        response = service.search(
            SearchRequest(query="粮食", sort=sort, per_page=7, page=page, per_report=2)
        )
        assert response.total == everything.total and response.reports == len(matching)
        reports = list(dict.fromkeys(hit.report_id for hit in response.results))
        if not reports:
            break
        assert len(reports) <= 7 and response.pages == -(-len(matching) // 7)
        for report in reports:
            hits = [hit for hit in response.results if hit.report_id == report]
            assert len(hits) == min(2, matching[report]) == min(2, response.report_matches[report])
            assert response.report_matches[report] == matching[report]
        seen.extend(reports)
        page += 1
    assert seen == list(matching)  # each report once, ranked by its best section


def test_snippets_mark_the_term(service):
    response = service.search(SearchRequest(query="开发新能源"))
    assert response.results
    assert "<mark>开发新能源</mark>" in response.results[0].snippet
    assert response.results[0].url.startswith("https://zh.wikisource.org/")


def test_contract_json_shape(service):
    data = service.search(SearchRequest(query="新能源")).to_dict()
    assert set(data) == {
        "query",
        "total",
        "page",
        "per_page",
        "results",
        "facets",
        "suggestion",
        "filters",
        "translations",
    }
    assert set(data["results"][0]) == {
        "id",
        "report_id",
        "title",
        "section_title",
        "section_kind",
        "body_id",
        "versions",
        "year",
        "date",
        "url",
        "passage_url",
        "snippet",
        "snippet_text",
        "part_kind",
        "committee",
        "language",
    }
    assert [v["value"] for v in data["facets"]["part"]] == ["other"]
    assert all(isinstance(v["value"], int) for v in data["facets"]["year"])


def test_report_is_rebuilt_from_the_index(service, corpus):
    original = corpus[5]
    assert service.get_report(original.id) == original
    assert service.get_report("no-such-report") is None
    section_id = f"{original.id}#1"
    assert service.get_report(section_id) is None


def test_committee_reports_and_stats(service, corpus):
    listed = service.committee_reports("国务院")
    assert len(listed) == len(corpus)
    assert [r.year or 0 for r in listed] == sorted((r.year or 0 for r in listed), reverse=True)
    stats = service.stats()
    assert (stats.reports, stats.first_year, stats.last_year) == (72, 1954, 2025)
    assert stats.sections == sum(len(r.sections) for r in corpus)


def test_trends_count_hits_per_year(service, corpus):
    trends = service.trends(["新能源", "计划经济"], by_part=True)
    series = trends.series[0]
    search = service.search(SearchRequest(query="新能源"))
    assert sum(p.hits for p in series.points) == search.total
    for point in series.points:
        assert point.per_1000 == round(point.hits * 1000 / point.total, 2)
        assert sum(point.by_part.values()) == point.hits
    first_year = min(r.year for r in corpus if r.year and "新能源" in r.body_text())
    assert series.first is not None and series.first.year == first_year
    data = trends.to_dict()
    assert data["query"] == ["新能源", "计划经济"] and len(data["series"]) == 2


def test_trends_reject_an_empty_term(service):
    with pytest.raises(QueryError):
        service.trends([" "])


def test_did_you_mean(service):
    response = service.search(SearchRequest(query="乡村振新"))
    assert response.total == 0
    assert response.suggestion == "乡村振兴"
    assert service.search(SearchRequest(query="乡村振兴")).suggestion is None


def test_empty_query_lists_every_section_newest_first(service, corpus):
    response = service.search(SearchRequest(query=""))
    assert response.total == sum(len(r.sections) for r in corpus)
    assert response.results[0].year == 2025


def ranked_page(service, query: str) -> list[tuple[str, float]]:
    """Page 3 of a query, asked afresh (the memo cleared): (section id, rounded score) pairs."""
    service.clear_query_cache()
    response = service.search(SearchRequest(query=query, per_page=5, page=3))
    return [(hit.id, round(hit.score, 4)) for hit in response.results]


@pytest.mark.parametrize(
    "query",
    [
        "粮食", "新能源 OR 计划经济", "社会主义市场经济 -农业", "改革 开放 发展",
        "农业 OR 工业 OR 科技",
    ],
)  # fmt: skip
def test_the_three_rankers_agree(service, monkeypatch, query):
    """The block-wise ranker, one pass over Whoosh's matchers and Whoosh's own top-N search
    give the same page; each path is forced in turn and seen to run (ANDs and ORs of three
    clauses included: the block-wise ranker adds them as Whoosh's matcher trees do)."""
    from indexer.search import run as searching

    ran: list[str] = []

    def counting(name, function):
        def counted(*args, **kwargs):
            result = function(*args, **kwargs)
            ran.append(name if result is not None else f"{name}: declined")
            return result

        return counted

    real_top_ranked, real_scored_matches = searching.top_ranked, searching.scored_matches
    monkeypatch.setattr(searching, "top_ranked", counting("blocks", real_top_ranked))
    blocks = ranked_page(service, query)
    monkeypatch.setattr(searching, "top_ranked", lambda *args: None)
    monkeypatch.setattr(searching, "scored_matches", counting("one pass", real_scored_matches))
    monkeypatch.setattr(searching, "SINGLE_PASS_MAX", 10**9)
    one_pass = ranked_page(service, query)
    monkeypatch.setattr(searching, "SINGLE_PASS_MAX", -1)  # Whoosh's own top-N ranking
    whoosh_top = ranked_page(service, query)
    assert [name for name in ran if "declined" not in name] == ["blocks", "one pass"]
    assert len(one_pass) == 5  # every query here finds more than 15 sections
    assert one_pass == whoosh_top
    if "blocks" in ran:
        assert blocks == one_pass
