"""URL canonicalisation: one page, one URL, the key its captures are stored under."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from captures.urls import canonicalize, is_tracking_param


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://WWW.Example.COM:80/a/./b/../c.html#top", "http://www.example.com/a/c.html"),
        ("https://example.com:443", "https://example.com/"),
        ("http://example.com:8080/", "http://example.com:8080/"),
        ("http://x.cn/p?b=2&a=1&utm_source=wx&utm_medium=x", "http://x.cn/p?a=1&b=2"),
        ("http://x.cn/p?from=related", "http://x.cn/p"),
        ("http://x.cn/p?spm=a1.b2&id=7", "http://x.cn/p?id=7"),
        ("http://x.cn/p?fbclid=1&gclid=2", "http://x.cn/p"),
        ("http://x.cn/%7euser/%e4%b8%ad.html", "http://x.cn/~user/%E4%B8%AD.html"),
        ("http://x.cn/中文/页面.html", "http://x.cn/%E4%B8%AD%E6%96%87/%E9%A1%B5%E9%9D%A2.html"),
        ("http://x.cn/a%2Fb", "http://x.cn/a%2Fb"),  # an encoded slash keeps its meaning
        ("http://x.cn/50%off", "http://x.cn/50%25off"),
        ("http://例子.中国/", "http://xn--fsqu00a.xn--fiqs8s/"),
        ("http://x.cn/a/b/..", "http://x.cn/a/"),
        ("http://x.cn/p?q=", "http://x.cn/p?q="),
        ("http://x.cn/art_1.html;jsessionid=A1B2?id=3", "http://x.cn/art_1.html?id=3"),
        ("http://x.cn/p?PHPSESSID=ab&id=3", "http://x.cn/p?id=3"),
    ],
)
def test_canonical_forms(raw: str, expected: str) -> None:
    assert canonicalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "javascript:void(0)",
        "mailto:a@b.cn",
        "tel:123",
        "ftp://x.cn/f",
        "http://",
        "http://[bad",
        "",
    ],
)
def test_unusable_urls_give_none(raw: str) -> None:
    assert canonicalize(raw) is None


def test_relative_links_resolve_against_the_page() -> None:
    base = "http://x.cn/zfgzbg/index.html"
    assert canonicalize("./202503/t1.html", base) == "http://x.cn/zfgzbg/202503/t1.html"
    assert canonicalize("../about.html?utm_source=a", base) == "http://x.cn/about.html"
    assert canonicalize("//other.cn/p", base) == "http://other.cn/p"


def test_tracking_params() -> None:
    assert is_tracking_param("UTM_Campaign") and is_tracking_param("from")
    assert not is_tracking_param("id") and not is_tracking_param("page")


@given(st.text(max_size=60))
def test_canonicalisation_is_idempotent(path: str) -> None:
    first = canonicalize("http://x.cn/" + path)
    if first is not None:
        assert canonicalize(first) == first
