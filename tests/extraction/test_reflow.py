"""Hard-wrapped lines back into paragraphs."""

from __future__ import annotations

from extraction.reflow import Line, join_lines, reflow
from extraction.text import unspace_cjk


def test_chinese_lines_join_without_a_space_and_english_with_one() -> None:
    assert (
        join_lines(["　　过去一年，我们围绕中心", "履职尽责。"])
        == "过去一年，我们围绕中心履职尽责。"
    )
    assert join_lines(["The committee held", "consultations on infra-", "structure."]) == (
        "The committee held consultations on infrastructure."
    )
    assert unspace_cjk("——2019 年 1 月 15 日在第十六届会议上") == "——2019年1月15日在第十六届会议上"
    assert unspace_cjk("市长 林远航") == "市长 林远航"
    assert unspace_cjk("Members met on 15 January") == "Members met on 15 January"


def _line(text: str, top: float, x0: float = 72, x1: float = 520, page: int = 0, size=11.0):
    return Line(text=text, x0=x0, x1=x1, top=top, size=size, page=page)


def test_paragraphs_break_at_indents_short_lines_headings_and_gaps_not_page_breaks() -> None:
    lines = [
        _line("政协工作报告", 60, x0=200, x1=380, size=18),
        _line("　　过去一年，市政协常委会在市委的坚强领导下，围绕中心、服务大局，各项", 100),
        _line("工作取得新进展。", 116, x1=200),
        _line("　　我们坚持团结和民主两大主题，推动协商议政提质增效，全年召开专题协商", 132),
        _line("会六次，提出意见建议一百二十条，多项建议被采纳，有力推动了全市经济社会", 148),
        _line("发展。", 80, x1=110, page=1),
        _line("一、2023年工作回顾", 96, x1=230, page=1),
        _line(
            "围绕新能源产业开展协商，形成协商报告十二份，推动解决了一批实际问题，取得", 112, page=1
        ),
        _line("良好成效。", 128, x1=150, page=1),
        _line("各位委员！", 160, x1=160, page=1),
    ]
    texts = [block.text for block in reflow(lines)]
    assert texts == [
        "政协工作报告",
        "过去一年，市政协常委会在市委的坚强领导下，围绕中心、服务大局，各项工作取得新进展。",
        "我们坚持团结和民主两大主题，推动协商议政提质增效，全年召开专题协商会六次，提出意见"
        "建议一百二十条，多项建议被采纳，有力推动了全市经济社会发展。",
        "一、2023年工作回顾",
        "围绕新能源产业开展协商，形成协商报告十二份，推动解决了一批实际问题，取得良好成效。",
        "各位委员！",
    ]
    assert reflow(lines)[0].tag == "h2"  # larger type
