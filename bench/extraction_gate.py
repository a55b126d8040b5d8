"""Extraction quality gate: runs the extractor over the shared golden pages and checks the floors.

Run as ``python bench/extraction_gate.py``: prints every figure, exits 1 if one falls below its
pinned floor (2 if ../shared is missing). The floors are what the extractor achieved when they were
pinned; raise them when it gets better, never lower them to pass.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cppcc_search.models import Report  # noqa: E402
from extraction.grouping import PageInput, group_pages  # noqa: E402
from extraction.pipeline import extract_page  # noqa: E402
from tests.extraction.support import (  # noqa: E402
    CHANGZHOU_URL,
    changzhou_checks,
    render_changzhou_page,
)

GOV_ZH_HOST = "http://gov-zh.test"
GOV_ZH_BOILERPLATE = (
    "扫一扫在手机打开当前页",
    "分享到",
    "打印",
    "字号",
    "字体：",
    "上一篇",
    "下一篇",
    "相关文章",
    "热点专题",
    "阅读排行",
    "ICP备",
    "公网安备",
    "版权所有",
    "本网站所载文件属于公有领域",
    "网站标识码",
    "当前位置",
    "加入收藏",
)
FLOORS = {
    "gov_zh.documents": 72,
    "gov_zh.title": 72,
    "gov_zh.date": 72,
    "gov_zh.year": 72,
    "gov_zh.first_paragraph": 72,
    "gov_zh.last_paragraph": 72,
    "gov_zh.heading_f1": 0.98,  # issue 4 asks 0.97; 0.9885 measured when pinned
    "gov_zh.boilerplate_free": 72,
    "gov_zh.non_articles_rejected": 1.0,
    "real_html.title": 11,  # issue 4 asks 10 of 11
    "real_html.date": 11,
    "real_html.empty_body_recognised": 1,
    "real_html.boilerplate_free": 11,
    "changzhou.marked_checks_passed": 14,
    "changzhou.plain_checks_passed": 14,
}


@dataclass
class GateResult:
    """Figures measured by the gate, and what failed."""

    figures: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def below_floor(self) -> list[str]:
        """Names of figures under their pinned floor."""
        return [name for name, floor in FLOORS.items() if self.figures.get(name, 0) < floor]


def _compact(text: str) -> str:
    # Zero-width spaces count as whitespace: some truth paragraphs are a lone U+200B, which no
    # reader sees and the extractor rightly drops.
    return re.sub(r"[\s\u200b]", "", text)


def _heading_counts(report: Report, truth: dict) -> tuple[int, int, int]:
    found = [_compact(s.title or "") for s in report.sections if s.level == 1]
    expected = [_compact(s["title"]) for s in truth["sections"]]
    remaining = list(expected)
    hits = 0
    for title in found:
        if title in remaining:
            remaining.remove(title)
            hits += 1
    return hits, len(found), len(expected)


def _f1(hits: int, found: int, expected: int) -> float:
    if found == expected == 0:
        return 1.0
    precision = hits / found if found else 0.0
    recall = hits / expected if expected else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def gov_zh_pages(site: Path) -> list[PageInput]:
    """Every HTML file of the mirror as a page (path order; print copy and all)."""
    pages = []
    for path in sorted((site / "www").rglob("*.html")):
        url = GOV_ZH_HOST + "/" + path.relative_to(site / "www").as_posix()
        pages.append(PageInput(url=url, body=path.read_bytes()))
    return pages


def check_gov_zh(site: Path, result: GateResult) -> None:
    """The gov-zh mirror against truth.jsonl."""
    truth = {
        row["path"]: row
        for row in map(json.loads, (site / "truth.jsonl").read_text("utf-8").splitlines())
    }
    pages = gov_zh_pages(site)
    reports, failures = group_pages((page, extract_page(page.body, page.url)) for page in pages)
    by_path: dict[str, Report] = {}
    for report in reports:
        for url in report.urls:
            by_path[url.removeprefix(GOV_ZH_HOST)] = report
    counts = dict.fromkeys(("title", "date", "year", "first", "last", "clean"), 0)
    hits = found = expected = 0
    for path, row in truth.items():
        report = by_path.get(path)
        if report is None:
            result.notes.append(f"gov-zh: no document for {path}")
            continue
        body = _compact(report.body_text())
        counts["title"] += report.title == row["title"]
        counts["date"] += report.date == row["date"]
        counts["year"] += report.year == row["year"]
        counts["first"] += _compact(row["first_paragraph"]) in body
        counts["last"] += _compact(row["last_paragraph"]) in body
        dirty = [s for s in GOV_ZH_BOILERPLATE if s in report.body_text()]
        counts["clean"] += not dirty
        if dirty:
            result.notes.append(f"gov-zh: boilerplate {dirty} in {path}")
        h, f, e = _heading_counts(report, row)
        hits, found, expected = hits + h, found + f, expected + e
        if h != f or h != e:
            result.notes.append(f"gov-zh: headings {h}/{f} found, {e} expected in {path}")
    article_urls = {GOV_ZH_HOST + path for path in truth}
    print_copies = {p.url for p in pages if "/print/" in p.url}
    others = [p.url for p in pages if p.url not in article_urls | print_copies]
    leaked = [url for r in reports for url in r.urls if url in others]
    result.notes.extend(f"gov-zh: a non-article became a document: {url}" for url in leaked)
    figures = result.figures
    figures["gov_zh.documents"] = len(reports) if len(reports) == len(truth) else 0
    figures["gov_zh.documents_found"] = len(reports)
    for key, name in (("title", "title"), ("date", "date"), ("year", "year")):
        figures[f"gov_zh.{name}"] = counts[key]
    figures["gov_zh.first_paragraph"] = counts["first"]
    figures["gov_zh.last_paragraph"] = counts["last"]
    figures["gov_zh.boilerplate_free"] = counts["clean"]
    figures["gov_zh.heading_f1"] = round(_f1(hits, found, expected), 4)
    figures["gov_zh.non_articles_rejected"] = 1.0 - len(leaked) / max(1, len(others))
    figures["gov_zh.failures"] = len(failures)


def check_real_html(fixtures: Path, result: GateResult) -> None:
    """The real saved pages against truth.json."""
    rows = json.loads((fixtures / "truth.json").read_text("utf-8"))
    counts = dict.fromkeys(("title", "date", "empty", "clean"), 0)
    for row in rows:
        url = "http://" + row["file"]
        page = extract_page((fixtures / row["file"]).read_bytes(), url)
        if not row["has_body"]:
            counts["empty"] += page.report is None
            if page.report is not None:
                result.notes.append(f"real-html: {row['file']} has no body but gave a document")
            continue
        report = page.report
        if report is None:
            result.notes.append(f"real-html: no document for {row['file']}: {page.failure}")
            continue
        counts["title"] += report.title == row["title"]
        counts["date"] += report.date == row["date"]
        if report.title != row["title"] or report.date != row["date"]:
            result.notes.append(
                f"real-html: {row['file']}: title {report.title!r} date {report.date}"
            )
        body = report.body_text()
        dirty = [s for s in row.get("must_not_contain", []) if s in body]
        counts["clean"] += not dirty
        if dirty:
            result.notes.append(f"real-html: boilerplate {dirty} in {row['file']}")
    result.figures["real_html.title"] = counts["title"]
    result.figures["real_html.date"] = counts["date"]
    result.figures["real_html.empty_body_recognised"] = counts["empty"]
    result.figures["real_html.boilerplate_free"] = counts["clean"]


def check_changzhou(shared: Path, result: GateResult) -> None:
    """The Changzhou English report rendered as a page by the test fixture."""
    for variant, marked in (("marked", True), ("plain", False)):
        page = extract_page(render_changzhou_page(shared, marked), CHANGZHOU_URL)
        checks = changzhou_checks(page.report)
        result.figures[f"changzhou.{variant}_checks_passed"] = sum(checks.values()) - 1
        result.figures[f"changzhou.{variant}_checks_total"] = len(checks) - 1
        result.notes.extend(
            f"changzhou ({variant}): failed {name}" for name, ok in checks.items() if not ok
        )


def run_gate(shared: Path) -> GateResult:
    """Measure every figure of the gate."""
    result = GateResult()
    check_gov_zh(shared / "sites" / "gov-zh", result)
    check_real_html(shared / "fixtures" / "real-html", result)
    check_changzhou(shared, result)
    return result


def main(argv: list[str] | None = None) -> int:
    """Print the figures and return 0 if all are at or above their floors."""
    args = sys.argv[1:] if argv is None else argv
    shared = Path(args[0]) if args else REPO_ROOT.parent / "shared"
    if not shared.is_dir():
        print(f"extraction gate: {shared} is missing; it holds the golden pages", file=sys.stderr)
        return 2
    result = run_gate(shared)
    for name, value in result.figures.items():
        floor = FLOORS.get(name)
        mark = "" if floor is None else f"  (floor {floor}){'  BELOW' if value < floor else ''}"
        print(f"{name:36} {value}{mark}")
    for note in result.notes:
        print("  note:", note)
    failed = result.below_floor()
    print("extraction gate:", "FAIL " + ", ".join(failed) if failed else "pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
