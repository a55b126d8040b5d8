"""robots.txt outcomes (RFC 9309) and rules for our user agent."""

from __future__ import annotations

import time

import pytest

from crawl.options import DEFAULT_USER_AGENT
from crawl.robots import MAX_AGE, RobotsRules

ROBOTS = b"""User-agent: somebot
Disallow: /

User-agent: cppcc-search
Disallow: /private/
Allow: /private/open/
Crawl-delay: 2.5

User-agent: *
Disallow: /

Sitemap: /maps/a.xml
Sitemap: https://cdn.example.com/b.xml
"""


def test_our_group_applies_with_its_crawl_delay_and_sitemaps() -> None:
    rules = RobotsRules.from_response("http://x.cn", 200, ROBOTS)
    assert rules.allows("http://x.cn/reports/1.html", DEFAULT_USER_AGENT)
    assert not rules.allows("http://x.cn/private/a.html", DEFAULT_USER_AGENT)
    assert rules.allows("http://x.cn/private/open/a.html", DEFAULT_USER_AGENT)
    assert not rules.allows("http://x.cn/reports/1.html", "otherbot/1.0")
    assert rules.crawl_delay(DEFAULT_USER_AGENT) == 2.5
    assert rules.sitemaps() == ["http://x.cn/maps/a.xml", "https://cdn.example.com/b.xml"]


@pytest.mark.parametrize(
    ("status", "allowed"), [(404, True), (410, True), (401, True), (429, False), (503, False)]
)
def test_fetch_outcomes(status: int, allowed: bool) -> None:
    rules = RobotsRules.from_response("http://x.cn", status, b"<html>error</html>")
    assert rules.allows("http://x.cn/a.html", DEFAULT_USER_AGENT) is allowed


def test_unreachable_robots_disallows_everything() -> None:
    rules = RobotsRules.from_response("http://x.cn", None, b"")
    assert rules.disallow_all and not rules.allows("http://x.cn/", DEFAULT_USER_AGENT)


def test_rules_expire_after_a_day() -> None:
    rules = RobotsRules.from_response("http://x.cn", 200, b"", fetched_at=time.time() - MAX_AGE - 1)
    assert rules.expired()
    assert not RobotsRules.from_response("http://x.cn", 200, b"").expired()


def test_html_served_as_robots_txt_allows_everything() -> None:
    rules = RobotsRules.from_response("http://x.cn", 200, b"<html><body>Welcome</body></html>")
    assert rules.allows("http://x.cn/anything", DEFAULT_USER_AGENT)
    assert rules.crawl_delay(DEFAULT_USER_AGENT) is None
