"""The hand-labelled sections (labelled_sections.txt): parsed, and their reports rebuilt.

Pages from ../shared, the demo site and the golden pages go through the real extractor, so the
labels are checked against the sections the product really gives; fixtures are built here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cppcc_search.models import Report, Section
from extraction.pipeline import extract_page
from tests.extraction.support import CHANGZHOU_URL, render_changzhou_page

LABELLED_FILE = Path(__file__).with_name("labelled_sections.txt")
REPO_ROOT = Path(__file__).resolve().parents[3]
GOV_ZH_HOST = "http://gov-zh.test"
_SPACES = re.compile(r"\s+")


class LabelledDataError(ValueError):
    """The labelled file and the sections it labels disagree."""


@dataclass
class LabelledReport:
    """One labelled report: its sections and, for each titled one, the kind a person gave it."""

    id: str
    source: str
    split: str
    pair: str | None
    report: Report
    # one per section of report.sections; None for untitled sections
    labels: list[str | None]


@dataclass
class _Entry:
    id: str
    source: str
    split: str
    pair: str | None
    lines: list[tuple[str, str, str | None]] = field(default_factory=list)  # kind, title, spec
    texts: list[list[str]] = field(default_factory=list)


def parse(path: Path = LABELLED_FILE) -> list[_Entry]:
    """The entries of the labelled file, without their reports."""
    entries: list[_Entry] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        if line.startswith("== "):
            fields = [part.strip() for part in line[3:].split("|")]
            pair = next((f[5:] for f in fields[3:] if f.startswith("pair=")), None)
            entries.append(_Entry(fields[0], fields[1], fields[2], pair))
        elif line.startswith("> "):
            if not entries or not entries[-1].texts:
                raise LabelledDataError(f"{where}: text before any section")
            entries[-1].texts[-1].append(line[2:])
        else:
            parts = [part.strip() for part in line.split("|")]
            if not entries or len(parts) not in (2, 3):
                raise LabelledDataError(f"{where}: expected 'kind | title'")
            spec = parts[1] if len(parts) == 3 else None
            entries[-1].lines.append((parts[0], parts[-1], spec))
            entries[-1].texts.append([])
    return entries


def load(shared_dir: Path, path: Path = LABELLED_FILE) -> list[LabelledReport]:
    """Every labelled report, its sections extracted or built, its labels aligned to them."""
    return [_resolve(entry, shared_dir) for entry in parse(path)]


def _resolve(entry: _Entry, shared_dir: Path) -> LabelledReport:
    if entry.source.startswith("fixture:"):
        report = _fixture_report(entry)
    else:
        report = _source_report(entry.source, shared_dir)
    labels: list[str | None] = [None] * len(report.sections)
    # Each label names the next titled section with its title; titled sections the extractor
    # has learnt to find since the labels were written stay unlabelled (None) and unscored.
    position = 0
    for kind, title, _spec in entry.lines:
        while position < len(report.sections) and _squash(
            report.sections[position].title or ""
        ) != _squash(title):
            position += 1
        if position == len(report.sections):
            raise LabelledDataError(f"{entry.id}: no section {title!r} (in label order)")
        labels[position] = kind
        position += 1
    return LabelledReport(entry.id, entry.source, entry.split, entry.pair, report, labels)


def _fixture_report(entry: _Entry) -> Report:
    _, language, doc_type, level = entry.source.split(":")
    sections = [Section(0, 0, None, None, "other", None, "")]
    for (_, title, spec), text in zip(entry.lines, entry.texts, strict=True):
        if spec is None:
            raise LabelledDataError(f"{entry.id}: fixture line without 'level part_kind'")
        level_text, part_kind = spec.split()
        sections.append(
            Section(len(sections), int(level_text), title, None, part_kind, None, "\n".join(text))
        )
    return Report(
        id=entry.id,
        url=f"http://fixture.test/{entry.id}",
        urls=[f"http://fixture.test/{entry.id}"],
        title=entry.id,
        date=None,
        year=None,
        language=language,
        doc_type=doc_type,
        committee=None,
        level=level,
        speaker=None,
        meeting_date=None,
        encoding="utf-8",
        sections=sections,
    )


def _source_report(source: str, shared_dir: Path) -> Report:
    kind, _, rest = source.partition("/")
    if kind == "gov-zh":
        report = gov_zh_reports(shared_dir).get(int(rest))
    elif kind == "demo":
        path = REPO_ROOT / "demo" / "site" / rest
        report = extract_page(path.read_bytes(), f"http://demo.test/{rest}").report
    elif kind == "golden":
        page = REPO_ROOT / "tests" / "extraction" / "golden" / f"{rest}.html"
        expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
        report = extract_page(page.read_bytes(), expected["url"]).report
    elif kind == "changzhou-en":
        report = extract_page(render_changzhou_page(shared_dir), CHANGZHOU_URL).report
    else:
        raise LabelledDataError(f"unknown source {source!r}")
    if report is None:
        raise LabelledDataError(f"{source}: the extractor gave no report")
    return report


@cache
def gov_zh_reports(shared_dir: Path) -> dict[int, Report]:
    """The mirror's government work reports by year (resolutions left out)."""
    www = shared_dir / "sites" / "gov-zh" / "www"
    reports: dict[int, Report] = {}
    for page in sorted((www / "zfgzbg").glob("*/t*.html")):
        url = f"{GOV_ZH_HOST}/{page.relative_to(www).as_posix()}"
        report = extract_page(page.read_bytes(), url).report
        if report and report.doc_type == "government work report" and report.year:
            reports[report.year] = report
    return reports


def _squash(title: str) -> str:
    return _SPACES.sub("", title)
