"""Crawl scope: the seeds' hosts, hosts allowed by name, include and exclude patterns."""

from __future__ import annotations

from crawl.urls import Scope


def test_scope_hosts_and_patterns() -> None:
    scope = Scope.build(
        ["http://www.x.cn/"], allow_hosts=["*.y.cn"], include=[r"/zfgzbg/|/$"], exclude=[r"\.pdf$"]
    )
    assert scope.allows("http://www.x.cn/zfgzbg/a.html")
    assert scope.allows("http://news.y.cn/zfgzbg/b.html")
    assert scope.allows("http://y.cn/")
    assert not scope.allows("http://www.x.cn/other/a.html")  # not included
    assert not scope.allows("http://www.x.cn/zfgzbg/a.pdf")  # excluded
    assert not scope.allows("http://evil-x.cn/zfgzbg/a.html")  # other host
    assert not scope.allows("http://www.x.cn:8080/zfgzbg/a.html")  # another server on the host
    assert scope.allows("https://www.x.cn/zfgzbg/a.html")  # same host over https
