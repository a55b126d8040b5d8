"""The hand-aligned plan tasks (followup_labelled.txt): parsed, their reports extracted, and each
label resolved to the paragraph of the next report's review it names.

Reports come from ../shared's gov-zh mirror through the real extractor, so the labels are checked
against the sections the product really gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cppcc_search.models import Report
from tests.cppcc_search.kinds.labelled import gov_zh_reports

LABELLED_FILE = Path(__file__).with_name("followup_labelled.txt")
_PAIR = re.compile(r"^== gov-zh/(\d{4}) -> gov-zh/(\d{4}) \| (dev|heldout)$")
_SPACES = re.compile(r"\s+")


class LabelledDataError(ValueError):
    """The labelled file and the reports it labels disagree."""


@dataclass(frozen=True)
class PassageLabel:
    """A review paragraph named by its section's heading and its first words."""

    section: str
    opening: str
    primary: bool  # '=': the passage is about the task; '~': it reports on it in passing

    def matches(self, title: str | None, text: str) -> bool:
        """Whether a paragraph (under heading ``title``) is the one this label names: it opens
        with the label's words under the label's heading, or, for a paragraph that opens with
        its own heading ("（六）坚持…"), under any heading; a section whose heading opens with the
        words is the paragraph that a later extractor has made a heading of."""
        opening = squash(self.opening)
        if squash(text).startswith(opening):
            return squash(title or "") == squash(self.section) or opening.startswith("（")
        return squash(title or "").startswith(opening)


@dataclass
class LabelledTask:
    title: str
    passages: list[PassageLabel] = field(default_factory=list)
    none: bool = False

    @property
    def primary(self) -> list[PassageLabel]:
        return [p for p in self.passages if p.primary]


@dataclass
class LabelledPair:
    year: int
    next_year: int
    split: str
    tasks: list[LabelledTask] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.year}->{self.next_year}"


@dataclass
class LoadedPair:
    """A labelled pair with its two reports, as the extractor gives them."""

    labels: LabelledPair
    report: Report
    following: Report


def squash(text: str) -> str:
    return _SPACES.sub("", text)


def parse(path: Path = LABELLED_FILE) -> list[LabelledPair]:
    """The pairs of the labelled file, without their reports."""
    pairs: list[LabelledPair] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        if line.startswith("== "):
            match = _PAIR.match(line)
            if not match:
                raise LabelledDataError(f"{where}: expected '== gov-zh/Y -> gov-zh/Y | split'")
            pairs.append(LabelledPair(int(match[1]), int(match[2]), match[3]))
        elif line.startswith("task | "):
            if not pairs:
                raise LabelledDataError(f"{where}: a task before any pair")
            pairs[-1].tasks.append(LabelledTask(line.removeprefix("task | ").strip()))
        elif not pairs or not pairs[-1].tasks:
            raise LabelledDataError(f"{where}: a passage before any task")
        elif line == "none":
            pairs[-1].tasks[-1].none = True
        elif line[:2] in ("= ", "~ ") and " | " in line:
            section, opening = (part.strip() for part in line[2:].split(" | ", 1))
            pairs[-1].tasks[-1].passages.append(PassageLabel(section, opening, line[0] == "="))
        else:
            raise LabelledDataError(f"{where}: expected '= SECTION | OPENING', '~ …' or 'none'")
    return pairs


def load(shared_dir: Path, path: Path = LABELLED_FILE) -> list[LoadedPair]:
    """Every labelled pair with its reports extracted from the gov-zh mirror."""
    reports = gov_zh_reports(shared_dir)
    loaded = []
    for pair in parse(path):
        missing = [year for year in (pair.year, pair.next_year) if year not in reports]
        if missing:
            raise LabelledDataError(f"{pair.name}: no gov-zh report for {missing}")
        loaded.append(LoadedPair(pair, reports[pair.year], reports[pair.next_year]))
    return loaded


def review_paragraphs(report: Report) -> list[tuple[str | None, str]]:
    """Every paragraph of the report's review parts, with its section's heading."""
    return [
        (section.title, paragraph.strip())
        for section in report.sections
        if section.part_kind == "review"
        for paragraph in section.text.split("\n")
        if paragraph.strip()
    ]


def is_labelled(labels: list[PassageLabel], title: str | None, text: str) -> bool:
    """Whether a passage the aligner returned is one of ``labels``."""
    return any(label.matches(title, text) for label in labels)
