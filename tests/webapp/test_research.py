"""The research tools over the product's own extraction of ../shared's gov-zh mirror: promise
against delivery, figures over time (the API, the pages)."""

from __future__ import annotations

import random
from pathlib import Path

import cn2an
import pytest
from flask import Flask

from cppcc_search.followup import review_passages, terms
from cppcc_search.models import Report
from cppcc_search.settings import DataPaths
from extraction.pipeline import extract_page
from tests.indexer.reports import build_index
from webapp import create_app

pytestmark = pytest.mark.slow  # one index of the 72 extracted reports per module


@pytest.fixture(scope="module")
def reports(shared_dir: Path) -> list[Report]:
    site = shared_dir / "sites/gov-zh/www"
    found = []
    for page in sorted((site / "zfgzbg").rglob("t*.html")):
        result = extract_page(page.read_bytes(), f"http://gov.example/{page.relative_to(site)}")
        if result.report is not None:
            found.append(result.report)
    return found


@pytest.fixture(scope="module")
def app(reports, tmp_path_factory) -> Flask:
    paths = DataPaths(tmp_path_factory.mktemp("research") / "data").ensure()
    build_index(paths, reports)
    flask_app = create_app({"TESTING": True}, paths=paths)
    yield flask_app
    flask_app.extensions["cppcc_search"].close()


def report_of(reports, year: int) -> Report:
    return next(r for r in reports if r.year == year and r.doc_type == "government work report")


@pytest.mark.parametrize(("year", "next_year"), [(2016, 2017), (2019, 2021)])
def test_followup_matches_most_plan_tasks_with_passages_that_share_their_words(
    app, reports, year, next_year
):
    """The issue's held-out check: 2019's report is followed by 2021's (no 2020 report)."""
    client = app.test_client()
    report = report_of(reports, year)
    data = client.get(f"/api/followup/{report.id}").get_json()
    assert data["report_id"] == report.id
    assert data["next_report_id"] == report_of(reports, next_year).id
    matched = [p for p in data["pairs"] if p["review"]]
    assert len(data["pairs"]) >= 8 and len(matched) >= 0.6 * len(data["pairs"])
    for pair in data["pairs"]:
        assert set(pair["plan"]) == {"ordinal", "title"}
        for item in pair["review"]:
            assert set(item) == {"ordinal", "title", "passage", "score"}
    # Matched pairs share far more words than a task and a random passage of the review.
    sections = {s.ordinal: s for s in report.sections}
    paragraphs = [p.text for p in review_passages(report_of(reports, next_year), year)]
    rng = random.Random(17)

    def shared(ordinal: int, passage: str) -> int:
        section = sections[ordinal]
        return len(set(terms(f"{section.title}{section.text}")) & set(terms(passage)))

    aligned = sum(shared(p["plan"]["ordinal"], p["review"][0]["passage"]) for p in matched)
    random_pairs = sum(shared(p["plan"]["ordinal"], rng.choice(paragraphs)) for p in matched)
    assert aligned > 1.8 * random_pairs


def test_followup_page_shows_two_columns_and_the_unreported(app, reports):
    report = report_of(reports, 2017)
    html = app.test_client().get(f"/report/{report.id}/followup").get_data(as_text=True)
    assert "承诺与落实 Promise against delivery" in html
    assert "（一）用改革的办法深入推进“三去一降一补”" in html
    assert "Promises nothing reports on" in html
    last = report_of(reports, 2025)
    assert "no later report" in app.test_client().get(f"/report/{last.id}/followup").get_data(
        as_text=True
    )
    assert app.test_client().get("/api/followup/nope").status_code == 404


def test_gdp_growth_is_found_for_many_years_with_values_from_their_sentences(app):
    data = app.test_client().get("/api/figures?q=国内生产总值增长").get_json()
    series = next(s for s in data["series"] if s["label"] == "国内生产总值增长")
    assert series["unit"] == "%" and series["body_id"]
    outcomes = {p["year"] for p in series["points"] if p["part_kind"] == "review"}
    targets = {p["year"] for p in series["points"] if p["part_kind"] == "plan"}
    assert len(outcomes) >= 10 and len(targets) >= 10
    for point in series["points"]:
        assert 0 < point["value"] < 20
        # As digits, or in words ("百分之十三点四" in the reports of the early 1990s).
        words = cn2an.an2cn(f"{point['value']:g}")
        assert f"{point['value']:g}" in point["text"] or f"百分之{words}" in point["text"]


def test_figures_page_charts_targets_against_outcomes(app):
    client = app.test_client()
    html = client.get("/figures?q=国内生产总值增长").get_data(as_text=True)
    assert '<figure class="chart">' in html and "part-plan" in html and "part-review" in html
    assert client.get("/api/figures").status_code == 400
    assert client.get("/api/figures?q=不存在的指标").get_json()["series"] == []
