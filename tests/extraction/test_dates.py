"""Dates in the forms bylines, date lines, meta tags and URLs write them."""

from __future__ import annotations

import lxml.html
import pytest

from extraction.dates import date_from_url, first_date
from extraction.metadata import page_meta


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Updated: 2022-11-23 09:13", "2022-11-23"),
        ("By Xu Wei | China Daily | Updated: 2022-11-23 09:13", "2022-11-23"),
        ("Updated 21:17, 23-Nov-2022", "2022-11-23"),
        ("Updated: Nov 23,2022 09:13 AM Xinhua", "2022-11-23"),
        ("(People's Daily Online) 09:13, November 23, 2022", "2022-11-23"),
        ("Nov. 23, 2022", "2022-11-23"),
        ("March 4-11, 2024", "2024-03-04"),
        ("4–11 March 2024", "2024-03-04"),
        ("2019年03月06日 08:15 来源：人民网－人民日报", "2019-03-06"),
        ("二〇一九年三月六日", "2019-03-06"),
    ],
)
def test_date_forms(text: str, iso: str) -> None:
    assert first_date(text) == iso


@pytest.mark.parametrize(
    "url",
    [
        "http://paper.example.cn/n1/2019/0306/c1001-30960036.html",
        "http://www.example.com.cn/a/201903/06/WS5c7f0a.html",
        "http://news.example.com.cn/c/2019-03-06/doc-ihsx.shtml",
        "http://www.example.gov.cn/xwzx/20190306/123.html",
        "http://www.example.gov.cn/xwzx/201903/t20190306_123.html",
        "http://www.example.gov.cn/art/2019/3/6/art_12_345.html",
        "http://www.example.gov.cn/politics/2019-03/06/content_5371084.htm",
    ],
)
def test_dates_in_url_paths(url: str) -> None:
    assert date_from_url(url) == "2019-03-06"


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="PublishTime" content="2019-03-06 08:15:00">',
        '<meta name="pub_date" content="2019/03/06">',
        '<meta property="og:release_date" content="2019-03-06T08:15:00+08:00">',
        '<meta property="weibo:article:create_at" content="2019-03-06 08:15:00">',
        '<meta name="ContentDate" content="2019-03-06">',
    ],
)
def test_date_meta_tags_under_other_names(meta: str) -> None:
    page = (
        f"<html><head><title>Notice</title>{meta}"
        '<meta name="LastModifiedTime" content="2020-01-01"></head>'
        "<body><h1>Notice</h1><p>Text of the notice.</p></body></html>"
    )
    root = lxml.html.document_fromstring(page)
    assert page_meta(root, page, "http://x.test/a.html", "Text of the notice.").date == (
        "2019-03-06"
    )
