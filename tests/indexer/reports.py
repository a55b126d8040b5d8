"""Reports for index and search tests, made directly from ../shared's real corpus.

The Wikisource corpus is turned into Report objects here (paragraphs split at blank lines, the
licence notice dropped, "一、…" lines as level-1 sections) so the index tests do not depend on the
extraction pipeline.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from cppcc_search.kinds import classify_report
from cppcc_search.models import Report, Section, write_documents
from cppcc_search.settings import DataPaths
from indexer.index.documents import report_documents
from indexer.index.schema import build_schema

CORPUS_NAME = "corpus/gov_work_reports_zh.jsonl"
_HEADING = re.compile(r"^[一二三四五六七八九十]+、[^。；]{1,40}$")
_LICENCE_START = "本作品是中华人民共和国"


def paragraphs_of(content: str) -> list[str]:
    """Paragraphs split at blank lines; a single newline inside one is a wiki-link artefact."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", content):
        text = block.replace("\n", "").strip()
        if not text:
            continue
        if text.startswith(_LICENCE_START) or "公有领域" in text or "Public domain" in text:
            break
        paragraphs.append(text)
    return paragraphs


def sections_of(paragraphs: list[str]) -> list[Section]:
    """Level-1 sections at "一、…" headings; the text before the first is an untitled section."""
    sections: list[Section] = []
    title: str | None = None
    body: list[str] = []

    def close() -> None:
        if title is not None or body:
            sections.append(
                Section(
                    len(sections), 1 if title else 0, title, None, "other", None, "\n".join(body)
                )
            )

    for paragraph in paragraphs:
        if _HEADING.match(paragraph):
            close()
            title, body = paragraph, []
        else:
            body.append(paragraph)
    close()
    return sections


def corpus_report(record: dict) -> Report:
    """One corpus line as a Report."""
    year = int(record["year"]) if record.get("year") else None
    report_id = hashlib.sha1(record["url"].encode("utf-8")).hexdigest()[:16]
    # The State Council's reports and the NPC's resolutions approving them.
    kind = "government" if year else "npc"
    report = Report(
        id=report_id,
        url=record["url"],
        urls=[record["url"]],
        title=record["title"],
        date=f"{year}-03-05" if year else None,
        year=year,
        language="zh",
        doc_type="government work report" if year else "resolution",
        committee="国务院",
        level="national",
        speaker=None,
        meeting_date=None,
        encoding="utf-8",
        body_id=f"{kind}-national",
        body_kind=kind,
        series_id=f"{kind}-national/{'government-work-report' if year else 'resolution'}",
        sections=sections_of(paragraphs_of(record["content"])),
    )
    return with_kinds(report)


def with_kinds(report: Report) -> Report:
    """The report with its sections' kinds, as extraction gives them."""
    for section, kind in zip(report.sections, classify_report(report), strict=True):
        section.kind = kind
    return report


def corpus_reports(shared_dir: Path) -> list[Report]:
    """All 72 corpus reports."""
    path = shared_dir / CORPUS_NAME
    with path.open(encoding="utf-8") as handle:
        return [corpus_report(json.loads(line)) for line in handle if line.strip()]


def chinese_report(
    report_id: str, texts: list[str], titles: list[str | None] | None = None, title: str = "报告"
) -> Report:
    """A small Chinese report of the given section texts (and headings)."""
    titles = titles or [None] * len(texts)
    return Report(
        id=report_id,
        url=f"http://example.org/{report_id}",
        urls=[f"http://example.org/{report_id}"],
        title=title,
        date="2020-03-05",
        year=2020,
        language="zh",
        doc_type="other",
        committee="政协",
        level="national",
        speaker=None,
        meeting_date=None,
        encoding=None,
        sections=[
            Section(i, 1, heading, None, "other", None, text)
            for i, (heading, text) in enumerate(zip(titles, texts, strict=True))
        ],
    )


def english_report(report_id: str, year: int, sections: Iterable[tuple[str, str, str]]) -> Report:
    """A small English report; sections are (title, part_kind, text)."""
    return Report(
        id=report_id,
        url=f"http://example.org/{report_id}.html",
        urls=[f"http://example.org/{report_id}.html"],
        title=f"Work report of the city committee {year}",
        date=f"{year}-01-15",
        year=year,
        language="en",
        doc_type="work report",
        committee="Changzhou CPPCC",
        level="municipal",
        speaker=None,
        meeting_date=None,
        encoding="utf-8",
        body_id="cppcc-320400",
        body_kind="cppcc",
        body_name="政协常州市委员会",
        region=["江苏省", "常州市"],
        series_id="cppcc-320400/work-report",
        sections=[
            Section(i, 1, title, None, kind, year, text)
            for i, (title, kind, text) in enumerate(sections)
        ],
    )


def write_reports(paths: DataPaths, reports: Iterable[Report]) -> None:
    """Write the documents file that ``index_documents`` reads."""
    write_documents(paths.documents, reports)


def reports_containing(reports: Iterable[Report], term: str) -> set[str]:
    """Substring truth: ids of the reports whose body text contains the term."""
    return {report.id for report in reports if term in report.body_text()}


def build_index(
    paths: DataPaths, reports: Iterable[Report], rebuild: bool = False, workers: int = 0
) -> None:
    """Write the reports and index them (in-process unless given worker processes)."""
    from indexer.index.build import index_documents

    write_reports(paths, reports)
    index_documents(paths, rebuild=rebuild, workers=workers)


ENERGY_REPORTS = [
    english_report(
        "en-2023",
        2023,
        [
            (
                "2023 work review",
                "review",
                "We promoted new energy vehicles and renewable energies.",
            ),
            (
                "Main tasks in 2024",
                "plan",
                "Care for the elderly; energy saving in public buildings.",
            ),
        ],
    ),
    english_report(
        "en-2022",
        2022,
        [
            ("2022 work review", "review", "The private economy grew. Energy prices were high."),
            ("Main tasks in 2023", "plan", "Ecology first: protect rivers. Vehicles that are new."),
        ],
    ),
    english_report(
        "en-2021",
        2021,
        [("1. Elderly care", "review", "Elderly care homes <script>alert(1)</script> & services.")],
    ),
]


def whoosh_ranking(paths: DataPaths, query: str) -> list[tuple[str, float]]:
    """Reference ranking: Whoosh's own searcher.search over the query's matches, all of them."""
    from whoosh import index as whoosh_index

    from indexer.index.generations import read_pointer
    from indexer.search.matching import query_docs
    from indexer.search.queries import compile_query
    from indexer.search.querylang import parse_query

    compiled = compile_query(parse_query(query))
    ix = whoosh_index.open_dir(str(paths.index_dir / read_pointer(paths.index_dir)))
    with ix.searcher() as searcher:
        matches = set(query_docs(searcher, compiled.query))
        results = searcher.search(compiled.positive, limit=None, filter=matches)
        return [(hit["doc_id"], hit.score) for hit in results]


def service_ranking(service: object, query: str) -> list[tuple[str, float]]:
    """The service's relevance ranking of every match (ids and scores)."""
    from indexer.search.types import SearchRequest

    response = service.search(SearchRequest(query=query, per_page=1000))  # type: ignore[attr-defined]
    return [(hit.id, hit.score) for hit in response.results]


def report_ids(service: object, query: str) -> set[str]:
    """The reports among the first 100 sections a query finds."""
    from indexer.search.types import SearchRequest

    response = service.search(SearchRequest(query=query, per_page=100))  # type: ignore[attr-defined]
    return {hit.report_id for hit in response.results}


def _dated(report: Report, year: int) -> Report:
    return dataclasses.replace(report, year=year, date=f"{year}-03-05")


# A small archive in both languages on the same topics, worded as the two languages word them.
BILINGUAL_REPORTS = [
    _dated(
        chinese_report(
            "zh-2021",
            ["大力发展新能源汽车产业，推广新能源。", "推进乡村振兴，发展数字经济。"],
            ["一、产业", "二、乡村"],
        ),
        2021,
    ),
    _dated(
        chinese_report(
            "zh-2022",
            ["新能源装机容量增长，能源结构优化。", "完善养老服务体系，发展普惠养老。"],
        ),
        2022,
    ),
    _dated(
        chinese_report(
            "zh-2023",
            [
                "加强生态文明建设。",
                "提高提案办理质量，开展民主监督。",
                "能源安全得到保障，推动高质量发展。",
            ],
        ),
        2023,
    ),
    _dated(
        chinese_report(
            "zh-2020", ["民营经济持续发展，优化营商环境。", "新能源车销量增长，充电桩建设加快。"]
        ),
        2020,
    ),
    english_report(
        "en-2021",
        2021,
        [
            ("Industry", "review", "We promoted new energy vehicles and wind power."),
            ("Countryside", "review", "Rural revitalization made progress in every county."),
        ],
    ),
    english_report(
        "en-2022",
        2022,
        [
            ("Energy", "review", "New energy capacity grew; energy storage was built."),
            ("Wellbeing", "plan", "Elderly care services will improve."),
        ],
    ),
    english_report(
        "en-2023",
        2023,
        [
            ("Ecology", "review", "Members made proposals on ecological civilization."),
            (
                "Oversight",
                "review",
                "Democratic supervision of energy security went on, for high-quality development.",
            ),
        ],
    ),
]


def segment_per_report(directory: Path, reports: Iterable[Report], compound: bool = False):
    """A Whoosh index written by Whoosh's own writer, one commit (so one segment) per report,
    nothing merged."""
    index = whoosh_index.create_in(str(directory), build_schema())
    for report in reports:
        writer = index.writer(compound=compound)
        for document in report_documents(report):
            writer.add_document(**document)
        writer.commit(merge=False)
    return index
