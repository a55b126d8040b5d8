"""The one header lookup: by name, without regard to case, over pairs or a dict."""

from __future__ import annotations

from captures.headers import header_value, media_type


def test_header_value_ignores_case_and_takes_the_first() -> None:
    pairs = [("content-TYPE", "text/html; charset=GBK"), ("Content-Type", "text/plain")]
    assert header_value(pairs, "Content-Type") == "text/html; charset=GBK"
    assert header_value({"ETag": '"x"'}, "etag") == '"x"'
    assert header_value(pairs, "Location") is None
    assert header_value(None, "Location") is None


def test_media_type_drops_parameters() -> None:
    assert media_type([("Content-Type", " Text/HTML ; charset=utf-8")]) == "text/html"
    assert media_type([]) == ""
