"""The reports both engines index for the contract tests: the 72 Chinese government work
reports of ../shared and the real English Changzhou CPPCC report, as Report objects."""

from __future__ import annotations

import re
from pathlib import Path

from cppcc_search.models import Report, Section
from tests.indexer.reports import ENERGY_REPORTS, corpus_reports

ENGLISH_NAME = "corpus/changzhou_cppcc_2024_work_report_en.txt"
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")
_PARTS = {"2023 work review": ("review", 2023), "Main tasks in 2024": ("plan", 2024)}


def changzhou_report(shared_dir: Path) -> Report:
    """The English report: its two parts, each numbered heading a section (the heading of a
    main task runs into its first paragraph: the heading is its first sentence)."""
    lines = (shared_dir / ENGLISH_NAME).read_text(encoding="utf-8").splitlines()
    title = lines[2].strip()
    body = lines[6 : lines.index("Scan to open the current page on your phone")]
    sections: list[Section] = []
    part, kind, period = None, "other", None
    heading: str | None = None
    text: list[str] = []

    def close() -> None:
        if heading is not None or text:
            level = 1 if heading else 0
            sections.append(
                Section(len(sections), level, heading, part, kind, period, "\n".join(text))
            )

    for line in (line.strip() for line in body):
        if not line:
            continue
        if line in _PARTS:
            close()
            part, (kind, period), heading, text = line, _PARTS[line], line, []
        elif match := _NUMBERED.match(line):
            close()
            first, _, rest = match.group(2).partition(".")
            heading, text = f"{match.group(1)}. {first}", [rest] if rest else []
        else:
            text.append(line)
    close()
    return Report(
        id="changzhou-2024-en",
        url="http://example.org/changzhou-2024-en",
        urls=["http://example.org/changzhou-2024-en"],
        title=title,
        date="2024-01-20",
        year=2024,
        language="en",
        doc_type="work report",
        committee="15th Changzhou Municipal Committee",
        level="municipal",
        speaker="Dai Yuan",
        meeting_date="2024-01-15",
        encoding="utf-8",
        sections=sections,
    )


def contract_reports(shared_dir: Path) -> list[Report]:
    """Chinese and English reports: the corpus, the Changzhou report, three small ones."""
    return [*corpus_reports(shared_dir), changzhou_report(shared_dir), *ENERGY_REPORTS]
