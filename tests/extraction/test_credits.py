"""Credit lines and trailers are page metadata, not text; sentences that mention them are text."""

from __future__ import annotations

import pytest

from extraction.credits import is_credit_line, strip_credit_trailer
from extraction.pipeline import extract_page
from extraction.profiles import load_profile

LABELS = load_profile().credit_labels


@pytest.mark.parametrize(
    "line",
    [
        "责编：李昉、赵欣悦",
        "（责编：李昉、赵欣悦）",
        "责任编辑：王明",
        "责任编辑 王明",
        "编辑：张三 校对：李四 审核：王五",
        "审核：李华",
        "Web editor: Zhong Wenxing, Liang Jun",
        "(Editor: Li Yan)",
        "[Editor: huaxia]",
        "2019年03月06日 08:15 来源：人民网－人民日报",
        "来源：新华社",
        "Source: Xinhua | Editor: Wang Lei",
        "Source: Xinhua| 2022-11-23 09:13:27|Editor: huaxia",
        "【纠错】 【责任编辑：王鹏 】",
        "Updated: 2022-11-23 09:13",
        "By Xu Wei | China Daily | Updated: 2022-11-23 09:13",
        "文章来源：市政协办公室  发布时间：2024-01-02  浏览次数：123",
        "作者：王明  来源：常州日报",
    ],
)
def test_credit_lines(line: str) -> None:
    assert is_credit_line(line, LABELS)


@pytest.mark.parametrize(
    "line",
    [
        "时间：2024年3月5日",  # a notice's meeting time
        "来源：委员们反映，群众扫码即可提交意见，打印和关闭窗口的按钮也应放在显眼位置。",
        "Editor: the committee said the plan is good.",
        "By 2025, the city will build 30 new parks and gardens.",
        "新华社北京3月5日电",
        "编辑部的同志们深入基层，走访了二十多家企业。",
    ],
)
def test_text_that_mentions_credits_is_kept(line: str) -> None:
    assert not is_credit_line(line, LABELS)


def test_credits_trailing_a_paragraph_are_cut() -> None:
    assert (
        strip_credit_trailer("会议强调要发挥作用。（责任编辑：王亮）", LABELS)
        == "会议强调要发挥作用。"
    )
    assert strip_credit_trailer("It closed. (Source: Xinhua) [Editor: Li]", LABELS) == "It closed."
    kept = "委员们提出建议（来源于基层调研），得到采纳。"
    assert strip_credit_trailer(kept, LABELS) == kept


def test_source_and_contribution_trailers_are_dropped_from_a_body() -> None:
    text = "The committee held consultations on elderly care and rural development. " * 6
    page = (
        "<html><head><title>Advisors hold session</title><meta name='PubDate' "
        "content='2024-01-02'></head><body><h1>Advisors hold session</h1><div class='content'>"
        f"<p>{text}</p><p>(With input from Xinhua)</p><p>Hu Yue contributed to this story.</p>"
        "<p>（本文转载自人民政协报）</p></div></body></html>"
    )
    report = extract_page(page.encode(), "http://x.test/a.html").report
    assert report is not None
    assert report.body_text() == text.strip()
