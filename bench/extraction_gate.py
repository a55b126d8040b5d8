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
from extraction.pipeline import PageResult, extract_page  # noqa: E402
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
    "gov_zh.level2_recall": 0.98,  # issue 14 asks 0.9; 0.9846 measured when pinned
    "real_html.title": 11,  # issue 4 asks 10 of 11
    "real_html.date": 11,
    "real_html.empty_body_recognised": 1,
    "real_html.boilerplate_free": 11,
    "changzhou.marked_checks_passed": 15,
    "changzhou.plain_checks_passed": 15,
    "articles_kept": 1.0,  # no article page the gate knows is rejected (issue 14)
    # The golden pages (tests/extraction/golden: 12 from issue 4, 41 in CMS families' styles
    # from issue 14), all right when pinned.
    "golden.documents": 45,
    "golden.metadata_right": 45,
    "golden.sections_right": 45,
    "golden.body_right": 45,
    "golden.boilerplate_free": 45,
    "golden.non_articles_rejected": 8,
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


# A level-2 heading of the reports: a paragraph of its own, "（一）" numbered, one short sentence
# ("（一）继续创新和完善宏观调控，确保经济运行在合理区间。"); longer numbered paragraphs run their
# text on after the heading's sentence and are items, not headings.
_LEVEL2_RE = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
MAX_LEVEL2_HEADING = 50


def level2_headings(corpus: Path) -> dict[str, list[str]]:
    """The standalone "（一）…" headings of each corpus report, by its title."""
    found: dict[str, list[str]] = {}
    for line in corpus.read_text("utf-8").splitlines():
        row = json.loads(line)
        paragraphs = [p.replace("\n", "").strip() for p in row["content"].split("\n\n")]
        found[row["title"]] = [
            p
            for p in paragraphs
            if _LEVEL2_RE.match(p)
            and len(p) <= MAX_LEVEL2_HEADING
            and not re.search(r"[。；！？]", p[:-1])
        ]
    return found


def _level2_hits(report: Report, headings: list[str]) -> int:
    """How many of ``headings`` are section titles of the report (a final 。 aside)."""
    titles = {_compact(s.title or "").rstrip("。") for s in report.sections if s.title}
    return sum(_compact(h).rstrip("。") in titles for h in headings)


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
    level2 = level2_headings(site.parents[1] / "corpus" / "gov_work_reports_zh.jsonl")
    level2_found = level2_expected = 0
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
        wanted = level2.get(row["title"], [])
        got = _level2_hits(report, wanted)
        level2_found, level2_expected = level2_found + got, level2_expected + len(wanted)
        if got < len(wanted):
            result.notes.append(f"gov-zh: level-2 headings {got}/{len(wanted)} in {path}")
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
    figures["gov_zh.level2_headings"] = level2_found
    figures["gov_zh.level2_expected"] = level2_expected
    figures["gov_zh.level2_recall"] = round(level2_found / max(1, level2_expected), 4)
    figures["gov_zh.non_articles_rejected"] = 1.0 - len(leaked) / max(1, len(others))
    figures["gov_zh.failures"] = len(failures)
    figures["gov_zh.articles"] = len(truth)
    figures["gov_zh.articles_extracted"] = sum(path in by_path for path in truth)


def check_real_html(fixtures: Path, result: GateResult) -> None:
    """The real saved pages against truth.json."""
    rows = json.loads((fixtures / "truth.json").read_text("utf-8"))
    counts = dict.fromkeys(("title", "date", "empty", "clean", "articles", "extracted"), 0)
    for row in rows:
        url = "http://" + row["file"]
        page = extract_page((fixtures / row["file"]).read_bytes(), url)
        if not row["has_body"]:
            counts["empty"] += page.report is None
            if page.report is not None:
                result.notes.append(f"real-html: {row['file']} has no body but gave a document")
            continue
        report = page.report
        counts["articles"] += 1
        if report is None:
            result.notes.append(f"real-html: no document for {row['file']}: {page.failure}")
            continue
        counts["extracted"] += 1
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
    result.figures["real_html.articles"] = counts["articles"]
    result.figures["real_html.articles_extracted"] = counts["extracted"]


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


GOLDEN_DIR = REPO_ROOT / "tests" / "extraction" / "golden"
GOLDEN_FIELDS = ("title", "date", "year", "language", "doc_type", "committee", "level", "speaker")


def golden_result(expected_path: Path) -> tuple[dict, PageResult]:
    """A golden page's expectations and what the extractor makes of it."""
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    page = expected_path.with_name(expected_path.name.replace(".expected.json", ".html"))
    body = page.read_text(encoding="utf-8").encode(expected.get("encode", "utf-8"))
    headers = [tuple(pair) for pair in expected.get("headers", [])] or None
    return expected, extract_page(body, expected["url"], headers)


def check_golden(result: GateResult) -> None:
    """The project's golden pages (tests/extraction/golden): each field right, per page."""
    counts = dict.fromkeys(("pages", "documents", "fields", "sections", "body", "clean"), 0)
    counts["rejected"] = 0
    for path in sorted(GOLDEN_DIR.glob("*.expected.json")):
        expected, page = golden_result(path)
        name = path.name.split(".")[0]
        if "failure_contains" in expected:
            counts["rejected"] += page.report is None
            if page.report is not None:
                result.notes.append(f"golden: {name} is not an article but gave a document")
            continue
        counts["pages"] += 1
        report = page.report
        if report is None:
            result.notes.append(f"golden: no document for {name}: {page.failure}")
            continue
        counts["documents"] += 1
        wrong = [f for f in GOLDEN_FIELDS if f in expected and getattr(report, f) != expected[f]]
        counts["fields"] += not wrong
        got = [[s.level, s.title, s.part, s.part_kind, s.period_year] for s in report.sections]
        counts["sections"] += got == expected["sections"]
        body = report.body_text()
        whole = body.startswith(expected.get("body_first", "")) and body.endswith(
            expected.get("body_last", "")
        )
        counts["body"] += whole and all(s in body for s in expected["body_contains"])
        dirty = [s for s in expected["body_excludes"] if s in body]
        counts["clean"] += not dirty
        for what, bad in (("fields", wrong), ("sections", got != expected["sections"])):
            if bad:
                result.notes.append(f"golden: {name}: {what} differ {wrong if wrong else ''}")
        if dirty:
            result.notes.append(f"golden: {name}: boilerplate {dirty}")
    figures = result.figures
    figures["golden.article_pages"] = counts["pages"]
    figures["golden.documents"] = counts["documents"]
    figures["golden.metadata_right"] = counts["fields"]
    figures["golden.sections_right"] = counts["sections"]
    figures["golden.body_right"] = counts["body"]
    figures["golden.boilerplate_free"] = counts["clean"]
    figures["golden.non_articles_rejected"] = counts["rejected"]


def run_gate(shared: Path) -> GateResult:
    """Measure every figure of the gate."""
    result = GateResult()
    check_gov_zh(shared / "sites" / "gov-zh", result)
    check_real_html(shared / "fixtures" / "real-html", result)
    check_changzhou(shared, result)
    check_golden(result)
    figures = result.figures
    # Every article page the gate knows, rejected or lost: the issue asks for none.
    articles = (
        figures["gov_zh.articles"] + figures["real_html.articles"] + figures["golden.article_pages"]
    )
    kept = (
        figures["gov_zh.articles_extracted"]
        + figures["real_html.articles_extracted"]
        + figures["golden.documents"]
    )
    figures["article_pages"] = articles
    figures["false_rejections"] = articles - kept
    figures["articles_kept"] = round(kept / max(1, articles), 4)
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
