"""The search contract on both engines: the same reports indexed into Whoosh and into a real
SolrCloud (through the CLI, as a user would), then every answer compared.

Chinese strings are also checked against substring truth, so agreeing is not enough: both must
be right.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from cppcc_search.cli import main
from cppcc_search.models import Report
from cppcc_search.settings import DataPaths, EngineSettings
from indexer.engines import open_search_service
from indexer.errors import QueryError
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest, SearchResponse, YearRange
from indexer.solr.service import SolrSearchService
from tests.indexer.reports import build_index, reports_containing
from tests.indexer.solr.conftest import Cluster
from tests.indexer.solr.corpus import contract_reports

pytestmark = pytest.mark.slow

# Exact Chinese strings: single characters, two-character words, long strings.
CHINESE_STRINGS = [
    "党",
    "粮",
    "改革",
    "粮食",
    "计划经济",
    "乡村振兴",
    "开发新能源",
    "新能源",
    "人工智能",
    "社会主义现代化强国",
    "中华人民共和国宪法",
]
CHINESE_QUERIES = [
    *CHINESE_STRINGS,
    '"计划经济"',
    "乡村 振兴",
    "乡村振兴 OR 计划经济",
    "新能源 -汽车",
    "经济 -计划",
    "title:决议",
    "section:工作回顾",
    "新能源 2015..2020",
    "粮食 1978..",
    "改革开放 -title:决议 OR 人工智能",
]
ENGLISH_QUERIES = [
    "energy",
    "Energies",
    "consultation",
    "consultations",
    "people livelihood",
    '"new energy"',
    '"new energy vehicles"',
    "energy OR elderly",
    "energy -vehicles",
    "title:committee",
    "section:review",
    "care 2021..2022",
    "CPPCC 2024",
    "democratic parties",
]
FILTERED = [
    SearchRequest(query="新能源", years=(YearRange(2015, 2020),)),
    SearchRequest(query="改革", years=(YearRange(1990, 1999), YearRange(2020, 2025))),
    SearchRequest(query="", sections=("工作回顾",)),
    SearchRequest(query="", languages=("en",), parts=("review",)),
    SearchRequest(query="energy", levels=("municipal",), years=(YearRange(2023, 2023),)),
    SearchRequest(query="", committees=("国务院",), doc_types=("resolution",)),
    SearchRequest(query="经济", years=(YearRange(1800, 1900),)),
]


@pytest.fixture(scope="module")
def reports(shared_dir: Path) -> list[Report]:
    return contract_reports(shared_dir)


@pytest.fixture(scope="module")
def paths(reports: list[Report], tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("contract") / "data").ensure()
    build_index(paths, reports)
    return paths


@pytest.fixture(scope="module")
def engine(solr_cluster: Cluster, paths: DataPaths) -> EngineSettings:
    """The reports indexed into the cluster by ``cppcc-search index --engine solr --init``."""
    environ = {"CPPCC_SEARCH_ENGINE": "solr", "CPPCC_SEARCH_ENGINE_URL": solr_cluster.url}
    started = time.perf_counter()
    assert main(["index", "--init", "--data-dir", str(paths.root)], environ=environ) == 0
    print(f"\nSolr index built in {time.perf_counter() - started:.1f} s")
    return EngineSettings("solr", solr_cluster.url)


@pytest.fixture(scope="module")
def whoosh(paths: DataPaths) -> SearchService:
    service = SearchService.open(paths)
    yield service
    service.close()


@pytest.fixture(scope="module")
def solr(paths: DataPaths, engine: EngineSettings) -> SolrSearchService:
    service = open_search_service(paths, engine)
    assert isinstance(service, SolrSearchService)
    return service


def everything(service: object, request: SearchRequest) -> SearchResponse:
    """Every match on one page (the contract corpus has fewer than 1,000 sections)."""
    response = service.search(replace(request, per_page=1000))  # type: ignore[attr-defined]
    assert response.total <= 1000
    return response


def facet_counts(response: SearchResponse) -> dict[str, list[tuple[object, int, bool, object]]]:
    """Every facet's values, counts, selections and labels (body and region names, kinds)."""
    return {
        name: [(value.value, value.count, value.selected, value.label) for value in values]
        for name, values in response.facets.items()
    }


def assert_same_answers(whoosh: SearchService, solr: SolrSearchService, request: SearchRequest):
    """The same sections, facets, resolved names and translations on both engines."""
    expected, found = everything(whoosh, request), everything(solr, request)
    assert found.total == expected.total, request
    assert {h.id for h in found.results} == {h.id for h in expected.results}, request
    assert facet_counts(found) == facet_counts(expected), request
    assert found.terms == expected.terms
    assert [f.to_dict() for f in found.filters] == [f.to_dict() for f in expected.filters]
    assert [t.to_dict() for t in found.translations] == [
        t.to_dict() for t in expected.translations
    ], request
    return expected, found


@pytest.mark.parametrize("query", CHINESE_QUERIES + ENGLISH_QUERIES)
def test_same_sections_and_facets(whoosh, solr, query):
    expected, _ = assert_same_answers(whoosh, solr, SearchRequest(query=query))
    assert expected.total > 0, f"{query!r} should match something in the contract corpus"


@pytest.mark.parametrize("query", ["the", "of the", "title:of"])
def test_same_refusal_of_nothing_searchable(whoosh, solr, query):
    with pytest.raises(QueryError) as expected:
        whoosh.search(SearchRequest(query=query))
    with pytest.raises(QueryError) as found:
        solr.search(SearchRequest(query=query))
    assert str(found.value) == str(expected.value)


@pytest.mark.parametrize("term", CHINESE_STRINGS)
def test_chinese_strings_match_exactly_the_reports_that_contain_them(solr, reports, term):
    # The string itself, not its translations (which the English report holds).
    request = SearchRequest(query=term, expand=False)
    found = {hit.report_id for hit in everything(solr, request).results}
    assert found == reports_containing(reports, term)


@pytest.mark.parametrize("request_", FILTERED, ids=lambda r: repr(r.query))
def test_multi_select_facets_and_filters(whoosh, solr, request_):
    assert_same_answers(whoosh, solr, request_)


def test_chinese_snippets_are_identical(whoosh, solr):
    for query in ("新能源", "乡村振兴 OR 计划经济", "党"):
        expected = {h.id: h.snippet for h in everything(whoosh, SearchRequest(query=query)).results}
        found = {h.id: h.snippet for h in everything(solr, SearchRequest(query=query)).results}
        assert found == expected
        assert all("<mark>" in snippet for snippet in found.values())


def test_english_snippets_mark_the_stemmed_words(solr):
    hits = everything(solr, SearchRequest(query="consultations", expand=False)).results
    assert hits
    for hit in hits:  # consultation, consultations, consultative: all stem to "consult"
        assert "<mark>consult" in hit.snippet.lower()


def test_sorting_and_paging(whoosh, solr):
    for sort in ("newest", "oldest"):
        request = SearchRequest(query="粮食", sort=sort, per_page=1000)
        expected = [(h.year, h.date) for h in whoosh.search(request).results]
        assert [(h.year, h.date) for h in solr.search(request).results] == expected
    pages = [solr.search(SearchRequest(query="改革", page=p, per_page=7)) for p in (1, 2, 3)]
    ids = [hit.id for page in pages for hit in page.results]
    assert len(ids) == len(set(ids)) == 21
    assert pages[0].total == whoosh.search(SearchRequest(query="改革")).total


@pytest.mark.parametrize("terms", [["新能源", "计划经济"], ["人民公社", "energy"], ["改革 -开放"]])
def test_same_trends(whoosh, solr, reports, terms):
    for by_part in (False, True):
        request = SearchRequest(languages=("zh",)) if "energy" not in terms else None
        expected = whoosh.trends(terms, by_part, request)
        found = solr.trends(terms, by_part, request)
        assert found.query == expected.query
        for mine, theirs in zip(found.series, expected.series, strict=True):
            assert [p.to_dict() for p in mine.points] == [p.to_dict() for p in theirs.points]
            assert (mine.first is None) == (theirs.first is None)
            if mine.first is not None:
                assert mine.first.year == theirs.first.year
                first = next(r for r in reports if r.id == mine.first.report_id)
                assert first.year == mine.first.year


def test_did_you_mean(whoosh, solr):
    for query in ("enrgy", "consultaton", "新能原", "计划经挤", "乡村振新"):
        expected = whoosh.search(SearchRequest(query=query)).suggestion
        assert solr.search(SearchRequest(query=query)).suggestion == expected, query
    assert solr.search(SearchRequest(query="consultaton")).suggestion == "consultation"


def test_report_view_committees_stats_and_terms(whoosh, solr, reports):
    for report in (reports[0], reports[40], reports[-4]):
        assert solr.get_report(report.id) == whoosh.get_report(report.id) == report
        assert solr.committee_reports(report.committee) == whoosh.committee_reports(
            report.committee
        )
    assert solr.get_report("no-such-report") is None
    assert solr.get_report(f"{reports[0].id}#0") is None  # a section is not a report
    assert solr.stats() == whoosh.stats()
    query = 'Energies "new vehicles" -china 新能源 2015..2020'
    assert solr.query_terms(query) == whoosh.query_terms(query)


def test_cli_search_json_on_solr(paths, solr_cluster, capsys):
    environ = {"CPPCC_SEARCH_ENGINE_URL": solr_cluster.url}
    argv = ["search", "新能源", "--json", "--per-page", "1000", "--data-dir", str(paths.root)]
    assert main([*argv, "--engine", "solr"], environ=environ) == 0
    on_solr = json.loads(capsys.readouterr().out)
    assert main(argv, environ=environ) == 0  # Whoosh stays the default
    on_whoosh = json.loads(capsys.readouterr().out)
    assert on_solr["total"] == on_whoosh["total"] > 0
    assert on_solr["facets"] == on_whoosh["facets"]
    assert sorted(r["id"] for r in on_solr["results"]) == sorted(
        r["id"] for r in on_whoosh["results"]
    )


# -- bodies, regions, section kinds, translations, grouped pages (issues 10-12, 15) --------------

# Filters given by name and by code: each resolves (and is reported) the same way on both.
NAMED_FILTERS = [
    SearchRequest(query="", committees=("15th Changzhou Municipal Committee",)),
    SearchRequest(query="改革", committees=("国务院", "政协常州市委员会")),
    SearchRequest(query="", regions=("江苏",)),
    SearchRequest(query="development", regions=("常州",), languages=("en",)),
    SearchRequest(query="", regions=("320000", "no such place")),
    SearchRequest(query="经济", sections=("overview",)),
    SearchRequest(query="", sections=("proposals", "民生")),
    SearchRequest(query="energy", levels=("national", "municipal"), doc_types=("work report",)),
]
CROSS_LANGUAGE = ["new energy", "elderly care", "consultation", "养老", "新能源", "协商"]
HYPHENATED = ["high-quality", "highquality", '"two-way"', "twoway", "hearttoheart", "non-party"]


def held_out_terms(language: str, count: int = 20) -> list[str]:
    """Policy terms no test above names: a fixed fifth of the lexicon's pairs (by a hash of
    the English term), in one language, in table order."""
    import hashlib

    from cppcc_search.lexicon.pairs import policy_pairs

    chosen = []
    for pair in policy_pairs():
        digest = hashlib.blake2b(pair.english.encode("utf-8"), digest_size=4).digest()
        if digest[0] % 5 == 1:
            chosen.append(pair.chinese if language == "zh" else pair.english)
    return list(dict.fromkeys(chosen))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_held_out_terms_find_the_same_reports(whoosh, solr, language):
    checked = 0
    for term in held_out_terms(language):
        if not whoosh.search(SearchRequest(query=term, expand=False)).total:
            continue  # not in the contract corpus
        expected, found = assert_same_answers(whoosh, solr, SearchRequest(query=term))
        assert {h.report_id for h in found.results} == {h.report_id for h in expected.results}
        checked += 1
        if checked == 20:
            break
    assert checked >= 8, f"too few held-out {language} terms occur in the contract corpus"


@pytest.mark.parametrize("query", CROSS_LANGUAGE)
def test_queries_are_also_searched_in_the_other_language(whoosh, solr, query):
    _, found = assert_same_answers(whoosh, solr, SearchRequest(query=query))
    assert found.translations, query
    assert {h.language for h in found.results} == {"zh", "en"}, query
    alone = assert_same_answers(whoosh, solr, SearchRequest(query=query, expand=False))[1]
    assert alone.total < found.total
    off = found.translations[0].renderings[:1]
    fewer = assert_same_answers(whoosh, solr, SearchRequest(query=query, renderings_off=off))[1]
    assert fewer.translations[0].off == off


@pytest.mark.parametrize("query", ["new energy", "养老"])
def test_a_report_opened_from_a_hit_marks_the_same_renderings(whoosh, solr, query):
    request = SearchRequest(query=query)
    marked = solr.highlight_terms(request)
    assert set(marked) == set(whoosh.highlight_terms(request))
    renderings = solr.search(request).translations[0].renderings
    assert renderings  # each marked whole (a Chinese string) or word by word (English words)
    assert all(r in marked or set(r.split()) <= set(marked) for r in renderings)


@pytest.mark.parametrize("request_", NAMED_FILTERS, ids=lambda r: repr(r))
def test_body_region_and_kind_filters_and_facets(whoosh, solr, request_):
    _, found = assert_same_answers(whoosh, solr, request_)
    labelled = [v for f in ("committee", "region", "section") for v in found.facets[f]]
    assert labelled and all(v.label for v in labelled if v.count)


def test_names_that_name_nothing_are_reported_alike(whoosh, solr):
    request = SearchRequest(query="", committees=("no such committee",))
    _, found = assert_same_answers(whoosh, solr, request)
    assert found.total == 0 and found.filters[0].values == []
    with pytest.raises(QueryError) as on_whoosh:
        whoosh.search(SearchRequest(query="", sections=("no such kind of section",)))
    with pytest.raises(QueryError) as on_solr:
        solr.search(SearchRequest(query="", sections=("no such kind of section",)))
    assert str(on_solr.value) == str(on_whoosh.value)


@pytest.mark.parametrize("query", HYPHENATED)
def test_hyphenated_words_match_their_spaced_and_joined_forms(whoosh, solr, query):
    expected, _ = assert_same_answers(whoosh, solr, SearchRequest(query=query))
    assert expected.total > 0


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_pages_of_reports(whoosh, solr, sort):
    """Grouped by report: the same reports, each with the same number of matching sections."""
    for query in ("改革", "energy", "新能源"):
        seen: dict[str, dict[str, int]] = {}
        for name, service in (("whoosh", whoosh), ("solr", solr)):
            request = SearchRequest(query=query, sort=sort, per_page=7, per_report=2)
            first = service.search(request)
            matches = dict(first.report_matches)
            for page in range(2, first.pages + 1):
                matches.update(service.search(replace(request, page=page)).report_matches)
            assert len(matches) == first.reports
            assert len(first.results) <= 2 * 7
            seen[name] = matches
        assert seen["solr"] == seen["whoosh"], (query, sort)


def test_snippets_and_passage_links_are_identical(whoosh, solr):
    for query in ("新能源", "养老", "consultations", '"new energy vehicles"', "energy OR elderly"):
        expected = {
            h.id: (h.snippet, h.passage_url)
            for h in everything(whoosh, SearchRequest(query=query)).results
        }
        found = {
            h.id: (h.snippet, h.passage_url)
            for h in everything(solr, SearchRequest(query=query)).results
        }
        assert found == expected, query
        assert all(url for _, url in found.values())


def test_bodies_and_their_report_lists(whoosh, solr, reports):
    assert solr.bodies() == whoosh.bodies()
    assert len(solr.bodies()) >= 2
    for body in whoosh.bodies():
        assert solr.body(body["id"]) == whoosh.body(body["id"])
        assert solr.body_reports(body["id"]) == whoosh.body_reports(body["id"])
    assert solr.body("no-such-body") is None
    for series in {r.series_id for r in reports if r.series_id}:
        assert solr.series_reports(series) == whoosh.series_reports(series)
        assert solr.series_reports(series)


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(committees=("国务院",)),
        SearchRequest(regions=("江苏",)),
        SearchRequest(sections=("overview",)),
    ],
    ids=repr,
)
def test_trends_with_translations_and_named_filters(whoosh, solr, request_):
    terms = ["new energy", "改革", "elderly care"]
    expected = whoosh.trends(terms, True, request_)
    found = solr.trends(terms, True, request_)
    assert [s.to_dict() for s in found.series] == [s.to_dict() for s in expected.series]
    assert all(series.translations for series in found.series)


def test_research_tools_that_need_whoosh_say_so(solr, reports):
    for call in (
        lambda: solr.spread("新能源"),
        lambda: solr.followup(reports[0].id),
        lambda: solr.figures("粮食"),
    ):
        with pytest.raises(QueryError, match="--engine whoosh"):
            call()
