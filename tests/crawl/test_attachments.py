"""Reports published as attachments: PDF, DOCX and DOC files are fetched and kept with their
content type, and the link that announced each one (the notice page and the anchor text) is
kept for extraction to read back through ``captures.store.referrers``."""

from __future__ import annotations

import sqlite3

from captures.store import Referrer, load_capture, referrers
from cppcc_search.settings import DataPaths
from crawl.crawler import CrawlOptions, run_crawl
from tests.crawl.fault_site import FaultServer, Route
from tests.crawl.servers import page, running

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n% a report\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x14\x00" * 40 + b"word/document.xml"
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 120
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOTICE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于公布2019年政府工作报告的通知'
    "</title></head><body><h1>关于公布2019年政府工作报告的通知</h1><p>发布日期：2019-03-20</p>"
    '<p>附件：<a href="/files/2019report.pdf">2019年政府工作报告</a></p>'
    '<p>附件：<a href="/download.jsp?id=7"> 2020年政府工作报告.docx </a></p>'
    '<p><a href="/files/2018.doc"><img src="/doc.png" alt="2018年政府工作报告（Word）"></a></p>'
    "</body></html>"
)


def _attachment_site() -> FaultServer:
    server = FaultServer()
    server.robots = "User-agent: *\nDisallow:\n"

    def send(body: bytes, content_type: str, *headers: tuple[str, str]) -> Route:
        return lambda h: h.send(200, body, content_type, headers)

    server.routes = {
        "/robots.txt": lambda h: h.send(200, server.robots.encode(), "text/plain"),
        "/": lambda h: h.html(page("首页", "通知公告", ("/notice/1.html",))),
        "/notice/1.html": lambda h: h.html(NOTICE),
        "/files/2019report.pdf": send(PDF, "application/pdf"),
        "/download.jsp?id=7": lambda h: h.redirect("/files/2020report.docx"),
        "/files/2020report.docx": send(DOCX, DOCX_TYPE),
        # served as a download, as such scripts often are: the bytes say it is a Word file
        "/files/2018.doc": send(
            DOC, "application/x-download", ("Content-Disposition", 'attachment; filename="a.doc"')
        ),
    }
    return server


def test_pdf_docx_and_doc_are_kept_with_their_type_and_their_announcement(
    data_paths: DataPaths,
) -> None:
    server = _attachment_site()
    with running(server):
        options = CrawlOptions(seeds=(server.base + "/",), delay=0.0, sitemaps=False)
        summary = run_crawl(data_paths, options)
    base, notice = server.base, server.base + "/notice/1.html"
    assert summary.attachments == 3 and summary.pages == 2 and summary.error_count == 0
    conn = sqlite3.connect(data_paths.crawl_db)
    kept = dict(
        conn.execute(
            "SELECT url, content_type FROM captures WHERE doc_kind='attachment' AND status=200"
        ).fetchall()
    )
    conn.close()
    assert kept == {
        base + "/files/2019report.pdf": "application/pdf",
        base + "/files/2020report.docx": DOCX_TYPE,
        base + "/files/2018.doc": "application/x-download",
    }
    for path, body in (("/files/2019report.pdf", PDF), ("/files/2018.doc", DOC)):
        capture = load_capture(data_paths, base + path)
        assert capture is not None and capture.body == body
    docx = load_capture(data_paths, base + "/download.jsp?id=7")  # the redirect is followed
    assert docx is not None and docx.body == DOCX and docx.content_type == DOCX_TYPE

    assert referrers(data_paths, base + "/files/2019report.pdf") == [
        Referrer(notice, "2019年政府工作报告")
    ]
    # the link pointed at a download script that redirected to the file: found all the same
    assert referrers(data_paths, base + "/files/2020report.docx") == [
        Referrer(notice, "2020年政府工作报告.docx")
    ]
    assert referrers(data_paths, base + "/files/2018.doc") == [
        Referrer(notice, "2018年政府工作报告（Word）")  # an image link: its alt text
    ]
    assert referrers(data_paths, notice) == [Referrer(base + "/", "/notice/1.html")]


def test_no_crawl_state_means_no_referrers(data_paths: DataPaths) -> None:
    assert referrers(data_paths, "http://x.cn/a.pdf") == []
