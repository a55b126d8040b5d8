"""Series ids and translations paired on both sides."""

from __future__ import annotations

from dataclasses import replace

from cppcc_search.bodies import link_versions, series_id
from cppcc_search.models import Report


def report(rid: str, language: str, **changes) -> Report:
    base = Report(
        id=rid, url=f"http://x.cn/{rid}", urls=[f"http://x.cn/{rid}"], title="t",
        date="2024-01-20", year=2024, language=language, doc_type="work report",
        committee=None, level="municipal", speaker=None, meeting_date="2024-01-15",
        encoding="utf-8", body_id="cppcc-320400", body_kind="cppcc",
    )  # fmt: skip
    return replace(base, **changes)


def test_series_ids_name_the_body_and_the_type():
    assert series_id("cppcc-320400", "proposal work report") == "cppcc-320400/proposal-work-report"
    assert series_id("government-national", "government work report") == (
        "government-national/government-work-report"
    )


def test_versions_are_listed_on_both_sides():
    zh, en = report("zh", "zh"), report("en", "en")
    other_year = report("zh-2023", "zh", year=2023)
    other_body = report("wx", "en", body_id="cppcc-320200")
    assert link_versions([zh, en, other_year, other_body]) == 2
    assert (zh.versions, en.versions) == (["en"], ["zh"])
    assert other_year.versions == other_body.versions == []


def test_no_versions_across_meetings_types_or_for_news():
    zh, en = report("zh", "zh"), report("en", "en", meeting_date="2024-03-04")
    proposal = report("p", "en", doc_type="proposal work report")
    news_zh, news_en = report("n1", "zh", doc_type="news"), report("n2", "en", doc_type="news")
    assert link_versions([zh, en, proposal, news_zh, news_en]) == 0
    undated = report("en2", "en", meeting_date=None)
    assert link_versions([zh, undated]) == 2  # one date missing: the same report
