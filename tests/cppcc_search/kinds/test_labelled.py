"""The hand-labelled sections: well formed, translations agree, the benchmark meets its targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.section_kinds import review_plan_agreement
from cppcc_search.kinds import classify_report, vocabulary
from tests.bench_support import run_bench
from tests.cppcc_search.kinds.labelled import LabelledReport, load, parse


@pytest.fixture(scope="module")
def labelled(shared_dir: Path) -> dict[str, LabelledReport]:
    return {item.id: item for item in load(shared_dir)}


def titled_kinds(item: LabelledReport) -> list[str]:
    return [kind for kind in classify_report(item.report) if kind is not None]


def test_labels_are_known_codes_and_splits_are_named() -> None:
    entries = parse()
    codes = set(vocabulary().codes)
    assert sum(len(entry.lines) for entry in entries) >= 150
    for entry in entries:
        assert entry.split in ("dev", "heldout"), entry.id
        for kind, title, _ in entry.lines:
            assert kind in codes, (entry.id, title, kind)


def test_both_languages_are_labelled(labelled: dict[str, LabelledReport]) -> None:
    by_language: dict[str, int] = {}
    for item in labelled.values():
        count = sum(label is not None for label in item.labels)
        by_language[item.report.language] = by_language.get(item.report.language, 0) + count
    assert by_language["zh"] >= 150 and by_language["en"] >= 100


def test_every_labelled_page_meets_its_labels(labelled: dict[str, LabelledReport]) -> None:
    # load() checks titles one by one; here, that no page or fixture lost its labels
    assert all(any(item.labels) for item in labelled.values())


def test_translations_get_the_originals_kinds(labelled: dict[str, LabelledReport]) -> None:
    pairs = [item for item in labelled.values() if item.pair]
    assert len(pairs) >= 5
    for item in pairs:
        original = labelled[item.pair]
        assert item.report.language != original.report.language
        assert titled_kinds(item) == titled_kinds(original), item.id


def test_the_demo_changzhou_translation_gets_the_originals_kinds(
    labelled: dict[str, LabelledReport],
) -> None:
    zh = titled_kinds(labelled["demo-changzhou-2024"])
    en = titled_kinds(labelled["demo-changzhou-en-2024"])
    # The English page translates review sections 1-3 and plan sections 1-2 of the Chinese one.
    assert en == zh[0:4] + zh[5:8]


def test_government_chapters_in_english_get_the_chinese_kinds(
    labelled: dict[str, LabelledReport],
) -> None:
    """The real 2024 report's ten task chapters against an English rendering of them."""
    zh = labelled["gov-2024"]
    tasks = [
        kind
        for section, kind in zip(zh.report.sections, classify_report(zh.report), strict=True)
        if section.level == 2
    ]
    en = titled_kinds(labelled["fx-gov-en-2024"])
    assert len(tasks) == 10
    assert en[3:] == tasks


def test_review_and_plan_of_one_report_share_kinds_for_one_area(
    labelled: dict[str, LabelledReport],
) -> None:
    """Review and plan sections a person gave one kind: the classifier gives them one kind too."""
    agreeing, compared = review_plan_agreement(list(labelled.values()))
    assert compared >= 100
    assert agreeing / compared >= 0.95, (agreeing, compared)


def test_the_benchmark_prints_its_figures_and_passes(shared_dir: Path) -> None:
    done = run_bench("section_kinds.py", str(shared_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    for figure in ("accuracy.overall", "accuracy.split.heldout", "numbered_sections_in_other"):
        assert figure in done.stdout
    assert "section kinds: pass" in done.stdout


def test_the_benchmark_needs_its_data(tmp_path: Path) -> None:
    done = run_bench("section_kinds.py", str(tmp_path / "none"), timeout=60)
    assert done.returncode == 2 and "missing" in done.stderr
