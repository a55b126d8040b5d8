"""Chinese encodings as sites serve them: header, BOM, <meta>, then detection; never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from captures.encoding import declared_charsets, decode_html, encoding_label, normalise_encoding

TEXT = "政协第十四届全国委员会常务委员会工作报告：推进养老服务和新能源产业发展。"
GBK_ONLY = "朱镕基同志和张喆同志"


def _html(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>报告</title></head><body><p>{text}</p></body></html>"


def test_header_charset_wins_when_it_decodes() -> None:
    text, encoding = decode_html(
        _html(TEXT).encode("gbk"), {"Content-Type": "text/html; charset=GBK"}
    )
    assert TEXT in text and encoding == "gb18030"


def test_bom_beats_a_wrong_header() -> None:
    body = b"\xef\xbb\xbf" + _html(TEXT).encode("utf-8")
    text, encoding = decode_html(body, [("Content-Type", "text/html; charset=gbk")])
    assert encoding == "utf-8" and text.startswith("<html>")


def test_meta_charset_and_http_equiv() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    text, encoding = decode_html(_html(TEXT + GBK_ONLY, meta).encode("gbk"))
    assert GBK_ONLY in text and encoding == "gb18030"  # GB2312 label, GBK bytes


def test_undeclared_gbk_is_detected() -> None:
    text, encoding = decode_html(_html(TEXT).encode("gbk"), {"Content-Type": "text/html"})
    assert TEXT in text and encoding == "gb18030"


def test_declared_gb2312_page_that_is_utf8() -> None:
    body = _html(TEXT, '<meta charset="gb2312">').encode("utf-8")
    text, encoding = decode_html(body)
    assert TEXT in text and encoding == "utf-8"


def test_short_utf8_page_declaring_gb2312() -> None:
    body = '<meta charset="gb2312"><p>政协</p>'.encode()  # these bytes also pass as GB18030
    assert decode_html(body) == ('<meta charset="gb2312"><p>政协</p>', "utf-8")


def test_latin1_header_does_not_override_a_chinese_meta() -> None:
    body = _html(TEXT, '<meta charset="gbk">').encode("gbk")
    text, _ = decode_html(body, {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert TEXT in text


def test_unknown_label_falls_back_to_detection() -> None:
    body = _html(TEXT, '<meta charset="x-no-such-charset">').encode("utf-8")
    assert TEXT in decode_html(body)[0]


def test_aliases() -> None:
    assert normalise_encoding("GB2312") == normalise_encoding("x-gbk") == "gb18030"
    assert normalise_encoding("UTF8") == "utf-8"
    assert normalise_encoding("nonsense") is None


@given(st.binary(max_size=400))
def test_any_bytes_decode_without_crashing(body: bytes) -> None:
    text, encoding = decode_html(body, {"Content-Type": "text/html; charset=gb2312"})
    assert isinstance(text, str) and encoding


def test_gov_zh_mirror_pages_all_decode(shared_dir: Path) -> None:
    import json

    root = shared_dir / "sites" / "gov-zh"
    for line in (root / "truth.jsonl").read_text("utf-8").splitlines():
        report = json.loads(line)
        body = (root / "www" / report["path"].lstrip("/")).read_bytes()
        text, encoding = decode_html(body, {"Content-Type": "text/html"})
        assert report["title"] in text and "\ufffd" not in text, (report["path"], encoding)


@pytest.mark.parametrize(
    "name", ["www.gov.cn", "www.shanxi.gov.cn", "finance.people.com.cn", "www.kepu.gov.cn"]
)
def test_real_pages_decode_cleanly(shared_dir: Path, name: str) -> None:
    for path in (shared_dir / "fixtures" / "real-html" / name).glob("*.*htm*"):
        text, _ = decode_html(path.read_bytes())
        assert "\ufffd" not in text and "的" in text


def test_declared_charsets_header_first_then_meta() -> None:
    body = _html(TEXT, '<meta charset="GB2312">').encode("gbk")
    headers = [("content-type", 'text/html; charset="GBK"')]
    assert declared_charsets(body, headers) == ["gbk", "gb2312"]
    assert declared_charsets(body) == ["gb2312"]
    script = b'<script charset="utf-8" src="a.js"></script><p>x</p>'
    assert declared_charsets(script, {"Content-Type": "text/html"}) == []  # only <meta> counts


def test_encoding_label_names_the_declaration_the_page_was_decoded_by() -> None:
    body = _html(TEXT, '<meta charset="gb2312">').encode("gbk")
    assert encoding_label(body, None, "gb18030") == "gb2312"
    assert encoding_label(body, [("Content-Type", "text/html; charset=utf-8")], "gb18030") == (
        "gb18030"  # the first declaration was wrong, so the codec is named
    )
