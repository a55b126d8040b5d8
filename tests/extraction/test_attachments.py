"""Attachments become documents: PDF, DOCX and DOC reports served by a loopback site behind
notice pages ("附件：…"), crawled by the real crawler and extracted; a scanned PDF is a failure
with its reason."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cppcc_search.models import Report, read_documents
from cppcc_search.settings import DataPaths
from crawl.crawler import run_crawl
from crawl.options import CrawlOptions
from extraction.pipeline import extract_all, extract_page
from tests.crawl.servers import MirrorServer, running
from tests.extraction.documents import (
    CJK_FONT_FILE,
    CPPCC_REPORT_2023,
    ENGLISH_REPORT_2024,
    GOV_REPORT_2019,
    ReportText,
    convert_docx,
    renamed,
    write_docx,
    write_pdf,
    write_scanned_pdf,
)

pytestmark = pytest.mark.skipif(
    not CJK_FONT_FILE.is_file(), reason="fonts-wqy-microhei is installed by `make test`"
)
# The same reports from another city: the same text twice would be one document.
OFFICE_ZH = renamed(CPPCC_REPORT_2023, "青山", "白石")
OFFICE_EN = renamed(ENGLISH_REPORT_2024, "Qingshan", "Baishi")
HAS_OFFICE = bool(shutil.which("soffice") and (shutil.which("antiword") or shutil.which("catdoc")))

_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - 青山市人民政府</title>
<meta name="PubDate" content="{date} 09:30"></head><body>
<div class="header"><a href="/">首页</a> <a href="/tzgg/">通知公告</a></div>
<div class="main"><h1>{title}</h1><div class="info">发布日期：{date}</div>
<div class="TRS_Editor">{body}</div></div>
<div class="footer">版权所有：青山市人民政府办公室</div></body></html>"""


def _notice(title: str, date: str, text: str, link: str, words: str) -> str:
    body = f"<p>{text}</p><p>附件：<a href='{link}'>{words}</a></p>"
    return _PAGE.format(title=title, date=date, body=body)


@pytest.fixture(scope="module")
def attachment_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A site with two notices linking a PDF and a DOCX report, an English PDF and a scanned
    PDF linked straight from the home page, and (with LibreOffice) a notice linking a DOC."""
    root = tmp_path_factory.mktemp("attachments")
    www, work = root / "www", root / "work"
    (www / "files").mkdir(parents=True)
    work.mkdir()
    write_pdf(www / "files" / "P020190120396.pdf", GOV_REPORT_2019, "青山市人民政府文件")
    write_docx(www / "files" / "W020230112.docx", CPPCC_REPORT_2023)
    write_pdf(www / "files" / "cppcc-report-2024.pdf", ENGLISH_REPORT_2024, "CPPCC Qingshan")
    write_scanned_pdf(www / "files" / "scan-2018.pdf")
    pages = {
        "tzgg/t20190120_1.html": _notice(
            "关于印发2019年政府工作报告的通知",
            "2019-01-20",
            "各县（市、区）人民政府，市政府各部门：现将2019年政府工作报告印发给你们，请认真贯彻落实。",
            "../files/P020190120396.pdf",
            "2019年政府工作报告",
        ),
        "tzgg/t20230112_2.html": _notice(
            "关于市政协常委会工作报告的公告",
            "2023-01-12",
            "政协青山市第九届委员会第二次会议审议通过了常务委员会工作报告，现予公布。",
            "../files/W020230112.docx",
            "点击下载",
        ),
    }
    links = [
        "tzgg/t20190120_1.html",
        "tzgg/t20230112_2.html",
        "files/cppcc-report-2024.pdf",
        "files/scan-2018.pdf",
    ]
    if HAS_OFFICE:
        convert_docx(www / "files" / "report-2019.doc", GOV_REPORT_2019, work, "doc:MS Word 97")
        # A PDF as a word processor exports it: spaces between Chinese and digits, wrapped
        # lines in ragged or justified paragraphs, a title in large type over several lines.
        convert_docx(www / "files" / "office-2023.pdf", OFFICE_ZH, work, "pdf")
        convert_docx(www / "files" / "office-2024-en.pdf", OFFICE_EN, work, "pdf")
        links += ["files/office-2023.pdf", "files/office-2024-en.pdf"]
        pages["tzgg/t20190301_3.html"] = _notice(
            "政府工作报告（Word版）",
            "2019-03-01",
            "2019年政府工作报告的Word版本，供下载。",
            "../files/report-2019.doc",
            "附件1：2019年青山市人民政府工作报告.doc",
        )
        links.append("tzgg/t20190301_3.html")
    # A listing that links the files too, crawled before the notices: its own title and date
    # are no hint for them.
    rows = "".join(
        f"<li><a href='/{target}'>{words}</a><span>2024-06-0{n}</span></li>"
        for n, (target, words) in enumerate(
            [
                ("files/P020190120396.pdf", "政府工作报告下载"),
                ("files/W020230112.docx", "常委会工作报告"),
                ("tzgg/t20190120_1.html", "关于印发2019年政府工作报告的通知"),
                ("tzgg/t20230112_2.html", "关于市政协常委会工作报告的公告"),
            ],
            start=1,
        )
    )
    pages["xxgk/index.html"] = _PAGE.format(
        title="信息公开", date="2024-06-05", body=f"<ul>{rows}</ul>"
    )
    links.insert(0, "xxgk/index.html")
    for path, html in pages.items():
        (www / path).parent.mkdir(parents=True, exist_ok=True)
        (www / path).write_text(html, encoding="utf-8")
    home = "".join(f"<li><a href='/{link}'>{link}</a></li>" for link in links)
    (www / "index.html").write_text(
        f"<html><head><meta charset='utf-8'><title>青山市人民政府</title></head><body><ul>{home}"
        "</ul></body></html>",
        encoding="utf-8",
    )
    yield www, str(root)


@pytest.fixture(scope="module")
def extracted(attachment_site, tmp_path_factory) -> tuple[dict[str, Report], dict[str, str]]:
    """The site crawled over loopback and extracted: documents and failures by file name."""
    www, _ = attachment_site
    paths = DataPaths(tmp_path_factory.mktemp("data")).ensure()
    server = MirrorServer(www)
    with running(server):
        run_crawl(paths, CrawlOptions(seeds=(server.base + "/index.html",), delay=0.0))
    extract_all(paths)
    reports = {r.url.rsplit("/", 1)[-1]: r for r in read_documents(paths.documents)}
    failures = {
        row["url"].rsplit("/", 1)[-1]: row["reason"]
        for row in map(json.loads, paths.extract_failures.read_text("utf-8").splitlines())
    }
    return reports, failures


def _compact(text: str) -> str:
    return re.sub(r"\s", "", text)


def _check_body(report: Report, text: ReportText) -> None:
    """First and last paragraphs, every part heading, no running header or page number."""
    body = report.body_text()
    assert _compact(body).startswith(_compact(text.meeting))
    assert body.split("\n")[-1] == text.closing[-1]
    parts = [s.title for s in report.sections if s.level == 1]
    assert parts == [part.title for part in text.parts]
    for paragraph in text.paragraphs():
        lines = body.split("\n") + [s.title for s in report.sections]
        assert paragraph.strip() in lines, paragraph[:60]
    assert not re.search(r"- \d+ -|青山市人民政府文件|CPPCC Qingshan\n", body)


def test_a_pdf_behind_a_notice_takes_the_notices_title_and_date(extracted) -> None:
    reports, _ = extracted
    report = reports["P020190120396.pdf"]
    assert (report.title, report.date, report.year) == ("2019年政府工作报告", "2019-01-20", 2019)
    assert (report.speaker, report.meeting_date) == ("林远航", "2019-01-15")
    _check_body(report, GOV_REPORT_2019)
    kinds = {s.title: (s.part_kind, s.period_year) for s in report.sections if s.level == 1}
    assert kinds["一、2018年工作回顾"] == ("review", 2018)


def test_a_docx_behind_a_download_link_keeps_its_own_title(extracted) -> None:
    reports, _ = extracted
    report = reports["W020230112.docx"]
    assert (report.title, report.date, report.year) == (CPPCC_REPORT_2023.title, "2023-01-12", 2023)
    assert report.doc_type == "work report"
    _check_body(report, CPPCC_REPORT_2023)
    review = next(s for s in report.sections if s.title == "一、过去五年工作回顾")
    assert (review.period_start, review.period_year) == (2018, 2022)


def test_an_english_pdf_linked_directly_is_read_with_its_own_title(extracted) -> None:
    reports, _ = extracted
    report = reports["cppcc-report-2024.pdf"]
    assert (report.title, report.year, report.language) == (ENGLISH_REPORT_2024.title, 2024, "en")
    assert report.date == "2024-01-12"  # no notice: the meeting's date
    _check_body(report, ENGLISH_REPORT_2024)
    # Hard-wrapped English lines join with a space.
    assert "focused on the city's central tasks" in report.body_text()


def test_a_scanned_pdf_is_a_failure_with_its_reason(extracted) -> None:
    _, failures = extracted
    assert failures["scan-2018.pdf"].startswith("no text: a scanned PDF")


@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice and antiword are installed by `make`")
def test_a_doc_file_is_converted_and_read(extracted) -> None:
    reports, _ = extracted
    report = reports["report-2019.doc"]
    assert (report.title, report.date, report.year) == (
        "2019年青山市人民政府工作报告",
        "2019-03-01",
        2019,
    )
    _check_body(report, GOV_REPORT_2019)


@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice is installed by `make test`")
@pytest.mark.parametrize(
    ("name", "text"),
    [("office-2023.pdf", OFFICE_ZH), ("office-2024-en.pdf", OFFICE_EN)],
)
def test_pdfs_exported_by_a_word_processor_keep_every_paragraph(
    extracted, name: str, text: ReportText
) -> None:
    reports, _ = extracted
    report = reports[name]
    assert (report.title, report.year) == (
        text.title,
        int(text.meeting.split("年")[0][-4:]) if text.language == "zh" else 2024,
    )
    _check_body(report, text)
    assert len(report.body_text().split("\n")) == len(text.paragraphs())


def test_damaged_attachments_give_reasons() -> None:
    pdf = extract_page(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "http://x.test/a.pdf")
    assert pdf.report is None and pdf.failure.startswith("unreadable PDF")
    docx = extract_page(b"PK\x03\x04word/ broken", "http://x.test/a.docx")
    assert docx.report is None and docx.failure.startswith("unreadable Word file")
