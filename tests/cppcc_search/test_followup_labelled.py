"""The hand-aligned plan tasks: well formed, resolved against the product's own extraction, and
the aligner's precision@1 over them at or above the floor bench/followup.py pins."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cppcc_search.followup import plan_tasks
from tests.bench_support import run_bench
from tests.cppcc_search.followup_labelled import (
    LabelledDataError,
    LoadedPair,
    load,
    parse,
    review_paragraphs,
    squash,
)


@pytest.fixture(scope="module")
def pairs(shared_dir: Path) -> list[LoadedPair]:
    return load(shared_dir)


def test_the_issue_asks_for_60_tasks_of_5_pairs_with_2016_and_2019() -> None:
    labelled = parse()
    assert len(labelled) >= 5 and sum(len(p.tasks) for p in labelled) >= 60
    assert {(2016, 2017), (2019, 2021)} <= {(p.year, p.next_year) for p in labelled}
    assert {p.split for p in labelled} == {"dev", "heldout"}
    for pair in labelled:
        for task in pair.tasks:
            assert task.passages or task.none, (pair.name, task.title)
            assert not (task.passages and task.none), (pair.name, task.title)


def test_every_label_names_a_plan_task_and_one_review_paragraph(pairs) -> None:
    for item in pairs:
        tasks = {squash(t.title) for t in plan_tasks(item.report)}
        paragraphs = review_paragraphs(item.following)
        for task in item.labels.tasks:
            assert squash(task.title) in tasks, (item.labels.name, task.title)
            for label in task.passages:
                found = [text for title, text in paragraphs if label.matches(title, text)]
                assert len(found) == 1, (item.labels.name, label.opening, len(found))


def test_a_passage_is_labelled_once_per_task() -> None:
    for pair in parse():
        for task in pair.tasks:
            counts = Counter(label.opening for label in task.passages)
            assert max(counts.values(), default=1) == 1, (pair.name, task.title)


def test_a_malformed_line_names_its_place(tmp_path: Path) -> None:
    path = tmp_path / "labels.txt"
    path.write_text("== gov-zh/2016 -> gov-zh/2017 | dev\n= 一、回顾 | 开头\n", encoding="utf-8")
    with pytest.raises(LabelledDataError, match=r"labels\.txt:2: a passage before any task"):
        parse(path)


def test_followup_precision_meets_its_floor(shared_dir: Path) -> None:
    result = run_bench("followup.py", str(shared_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "follow-up precision@1" in result.stdout and "heldout: precision@1" in result.stdout
