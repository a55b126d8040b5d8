"""Articles split over several pages become one document, in page order."""

from __future__ import annotations

from pathlib import Path

import pytest

from cppcc_search.models import read_documents
from cppcc_search.settings import DataPaths
from crawl.crawler import run_crawl
from crawl.options import CrawlOptions
from extraction.pagination import page_of
from extraction.pipeline import extract_all
from tests.crawl.servers import MirrorServer, running


@pytest.mark.parametrize(
    ("url", "base", "number"),
    [
        ("http://x.cn/a/t20240115_1234567.html", "http://x.cn/a/t20240115_1234567.html", 0),
        ("http://x.cn/a/t20240115_1234567_1.html", "http://x.cn/a/t20240115_1234567.html", 1),
        ("http://x.cn/zfgzbg/index_2.html", "http://x.cn/zfgzbg/index.html", 2),
        (
            "http://x.cn/n1/2024/0115/c1001-40160001-2.html",
            "http://x.cn/n1/2024/0115/c1001-40160001.html",
            2,
        ),
        ("http://x.cn/show.asp?id=7&page=3", "http://x.cn/show.asp?id=7", 3),
        ("http://x.cn/2024/01/15/report/2/", "http://x.cn/2024/01/15/report/", 2),
        (
            "http://x.cn/art/2016/11/22/art_1621004_30332664.html",
            "http://x.cn/art/2016/11/22/art_1621004_30332664.html",
            0,
        ),
    ],
)
def test_page_numbers_in_urls(url: str, base: str, number: int) -> None:
    assert page_of(url) == (base, number)


_PAGE = """<html><head><meta charset="utf-8"><title>政协南湖市委员会常务委员会工作报告</title>
<meta name="PubDate" content="2024-01-15"></head><body>
<div class="nav"><a href="/">首页</a></div>
<h1>政协南湖市委员会常务委员会工作报告</h1><div class="info">发布时间：2024-01-15</div>
<div class="TRS_Editor">{body}</div>
<div class="page">{pager}</div>
<div class="footer">版权所有：南湖市政协</div></body></html>"""

_TEXTS = [
    [
        "各位委员：",
        "现在，我代表常务委员会向大会报告工作，请予审议。",
        "一、2023年工作回顾",
        "过去一年，市政协常委会紧扣中心任务，围绕新能源产业开展专题协商，提出意见建议六十条。",
    ],
    [
        "（一）深化协商议政。",
        "全年召开专题协商会六次，形成协商报告十二份，多项建议转化为政策。",
        "二、2024年主要任务",
    ],
    [
        "今年是关键之年，市政协要围绕中心、服务大局，在养老服务和生态保护等方面深入调研。",
        "各位委员！让我们团结奋斗，为南湖高质量发展作出新的贡献！",
    ],
]


def _write_site(root: Path, names: list[str], pager) -> None:
    for index, name in enumerate(names):
        body = "".join(f"<p>{line}</p>" for line in _TEXTS[index])
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(
            _PAGE.format(body=body, pager=pager(index, names)), encoding="utf-8"
        )


def _trs_pager(index: int, names: list[str]) -> str:
    links = [f"<a href='{Path(n).name}'>{i + 1}</a>" for i, n in enumerate(names)]
    if index + 1 < len(names):
        links.append(f"<a href='{Path(names[index + 1]).name}'>下一页</a>")
    return " ".join(links)


@pytest.mark.parametrize(
    ("names", "pager", "seed"),
    [
        (
            ["zxgz/t20240115_88.html", "zxgz/t20240115_88_1.html", "zxgz/t20240115_88_2.html"],
            _trs_pager,
            "zxgz/t20240115_88.html",
        ),
        (
            [
                "n1/2024/0115/c1001-401.html",
                "n1/2024/0115/c1001-401-2.html",
                "n1/2024/0115/c1001-401-3.html",
            ],
            _trs_pager,
            "n1/2024/0115/c1001-401.html",
        ),
    ],
    ids=["trs", "people"],
)
def test_a_split_article_becomes_one_document_in_page_order(
    tmp_path: Path, names: list[str], pager, seed: str
) -> None:
    site = tmp_path / "www"
    _write_site(site, names, pager)
    # The home page links the last page first: crawl order is not page order.
    links = "".join(f"<a href='/{n}'>第{i}页</a>" for i, n in reversed(list(enumerate(names))))
    (site / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")
    paths = DataPaths(tmp_path / "data").ensure()
    server = MirrorServer(site)
    with running(server):
        run_crawl(paths, CrawlOptions(seeds=(server.base + "/index.html",), delay=0.0))
    extract_all(paths)
    reports = list(read_documents(paths.documents))
    assert len(reports) == 1
    report = reports[0]
    assert report.url == f"{server.base}/{names[0]}"
    assert sorted(report.urls) == sorted(f"{server.base}/{n}" for n in names)
    body = report.body_text().split("\n")
    assert body == [line for text in _TEXTS for line in text]
    titles = [(s.level, s.title, s.part_kind) for s in report.sections if s.title]
    assert titles == [
        (1, "一、2023年工作回顾", "review"),
        (2, "（一）深化协商议政。", "review"),
        (1, "二、2024年主要任务", "plan"),
    ]
    assert "下一页" not in report.body_text()
