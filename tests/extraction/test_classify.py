"""Rejection weighs the main content: a login box in the header or a short, oddly dated text
does not make an article a non-article; a real login page still is one."""

from __future__ import annotations

from extraction.pipeline import extract_page

_LOGIN_BOX = (
    "<div class='top'><form action='/login.do' method='post'>用户名<input name='u'>"
    "密码<input type='password' name='p'><input type='submit' value='登录'></form></div>"
)


def _page(body: str, title: str = "市政协召开主席会议") -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>{title} - 南湖市政协</title></head>"
        f"<body>{body}<div class='footer'>版权所有：南湖市政协</div></body></html>"
    ).encode()


def test_an_article_under_a_header_login_box_is_read() -> None:
    text = (
        "<p>3月6日，市政协召开主席会议，传达学习全国两会精神。</p>"
        "<p>会议研究了近期重点工作，审议了有关文件。</p>"
    )
    page = _page(
        f"{_LOGIN_BOX}<h1>市政协召开主席会议</h1><p>2024-03-06</p><div class='c'>{text}</div>"
    )
    result = extract_page(page, "http://x.test/a.html")
    assert result.report is not None, result.failure
    assert result.report.date == "2024-03-06"


def test_a_login_page_is_still_rejected() -> None:
    form = (
        "<div class='login-box'><h2>委员履职平台</h2><form method='post'>账号<input name='u'>"
        "密码<input type='password' name='p'><p>忘记密码？请联系管理员。</p></form></div>"
    )
    result = extract_page(_page(form, "委员履职平台"), "http://x.test/login.html")
    assert result.report is None and result.failure == "not an article: login form"


def test_a_short_article_dated_only_by_its_signature_is_read() -> None:
    body = (
        "<h1>关于召开市政协常委会议的通知</h1><div class='c'>"
        "<p>各位常委：</p><p>经研究，定于3月20日召开市政协常委会议，请准时出席。</p>"
        "<p>南湖市政协办公室</p><p>2024年3月12日</p></div>"
    )
    result = extract_page(_page(body, "关于召开市政协常委会议的通知"), "http://x.test/tz/a.html")
    assert result.report is not None, result.failure
    assert result.report.date == "2024-03-12"


def test_a_short_undated_prose_article_is_read() -> None:
    body = (
        "<h1>委员风采：扎根基层的王明委员</h1><div class='c'>"
        "<p>王明委员长期在乡村学校任教，多次提交关于农村教育的提案。</p>"
        "<p>他说，履职就是要把群众的心里话带到协商会上。</p></div>"
    )
    result = extract_page(_page(body, "委员风采：扎根基层的王明委员"), "http://x.test/wy/a.html")
    assert result.report is not None, result.failure
