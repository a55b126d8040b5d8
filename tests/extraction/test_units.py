"""The extraction stages one by one: dates, headings and sections, attribution, titles."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from extraction.attribution import (
    detect_committee,
    detect_doc_type,
    detect_level,
    meeting_date,
    meeting_date_line,
    meeting_line,
    speaker_line,
)
from extraction.blocks import Block, element_blocks
from extraction.content import extract_content
from extraction.dates import date_from_url, find_dates
from extraction.metadata import find_title, meta_tags
from extraction.periods import part_kind, period_year
from extraction.pipeline import extract_page
from extraction.profiles import load_profile
from extraction.sections import build_sections


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("发布时间：2024-03-05 09:30", "2024-03-05"),
        ("2024年05月10日06:58 来源：人民网", "2024-05-10"),
        ("——二〇二四年一月十五日在政协第十五届委员会第三次会议上", "2024-01-15"),
        ("Updated: January 20, 2024 08:30", "2024-01-20"),
        ("on 15 January 2024", "2024-01-15"),
        ("１９９６年３月５日", "1996-03-05"),
        ("2024/1/9", "2024-01-09"),
    ],
)
def test_dates_in_every_spelling(text: str, iso: str) -> None:
    assert find_dates(text)[0][1] == iso


def test_impossible_dates_are_ignored() -> None:
    assert find_dates("2024-13-40 and 1850-01-01") == []


def test_dates_from_urls() -> None:
    assert date_from_url("http://x/zfgzbg/201903/t20190305_9107838.html") == "2019-03-05"
    assert date_from_url("http://x/2024-05/13/content_1.shtml") == "2024-05-13"
    assert date_from_url("http://x/art/2016/11/22/art_1.html") == "2016-11-22"
    assert date_from_url("http://x/about.html") is None


@pytest.mark.parametrize(
    ("title", "kind", "year"),
    [
        ("一、2023年工作回顾", "review", 2023),
        ("二、2024年经济社会发展总体要求和政策取向", "plan", 2024),
        ("2023 work review", "review", 2023),
        ("Main tasks in 2024", "plan", 2024),
        ("一、过去一年工作回顾", "review", 2023),
        ("二、今年主要任务", "plan", 2024),
        ("一、１９９６年国内工作的回顾", "review", 1996),
        ("三、关于社会主义建设", "other", None),
        ("一、2019—2023年工作回顾", "review", 2023),
        ("I. Review of Work from 2019 to 2023", "review", 2023),
        ("一、过去一年的主要工作", "review", 2023),
        ("二、今年的主要任务", "plan", 2024),
        ("II. Tasks for 2024", "plan", 2024),
    ],
)
def test_part_kind_and_period_year(title: str, kind: str, year: int | None) -> None:
    assert part_kind(title) == kind
    assert period_year(title, 2024) == year


def _blocks(*items: str | tuple[str, str]) -> list[Block]:
    """Blocks from plain lines, or (markup, text) pairs rendered through the real block walker."""
    html = "".join(item[0] if isinstance(item, tuple) else f"<p>{item}</p>" for item in items)
    return element_blocks(lxml.html.fragment_fromstring(html, create_parent="div"))


def test_sections_levels_parts_and_run_in_titles() -> None:
    blocks = _blocks(
        "各位委员：",
        ("<p><strong>一、2023年工作回顾</strong></p>", ""),
        "过去一年，我们围绕中心履职尽责。",
        ("<p><strong>（一）</strong><strong>坚持党的领导。</strong>我们始终坚持。</p>", ""),
        ("<p><b>（二）服务中心大局。</b>围绕新能源产业开展协商，提出建议三十条。</p>", ""),
        ("<p><strong>二、2024年主要任务</strong></p>", ""),
        "（一）深化专题协商",
        "围绕养老服务开展协商。",
    )
    sections = build_sections(blocks, 2024)
    got = [(s.level, s.title, s.part, s.part_kind, s.period_year) for s in sections]
    assert got == [
        (0, None, None, "other", None),
        (1, "一、2023年工作回顾", "一、2023年工作回顾", "review", 2023),
        (2, "（一）坚持党的领导", "一、2023年工作回顾", "review", 2023),
        (2, "（二）服务中心大局", "一、2023年工作回顾", "review", 2023),
        (1, "二、2024年主要任务", "二、2024年主要任务", "plan", 2024),
        (2, "（一）深化专题协商", "二、2024年主要任务", "plan", 2024),
    ]
    assert sections[2].text == "我们始终坚持。"
    assert sections[3].text == "围绕新能源产业开展协商，提出建议三十条。"
    assert [s.ordinal for s in sections] == list(range(6))


def test_table_of_contents_is_not_a_section_but_repeated_subheadings_are() -> None:
    blocks = _blocks(
        "目录",
        "第一章 总论",
        "第二章 分论",
        "第一章 总论",
        "本章正文。",
        "（一）基本情况",
        "总论的基本情况。",
        "第二章 分论",
        "（一）基本情况",
        "分论的基本情况。",
    )
    titles = [s.title for s in build_sections(blocks, None)]
    assert titles == [None, "第一章 总论", "（一）基本情况", "第二章 分论", "（一）基本情况"][1:]


def test_plain_numbered_list_items_are_not_headings_when_headings_are_bold() -> None:
    blocks = _blocks(
        ("<p><b>一、关于物价</b></p>", ""),
        "一、合理调整农村粮食购销价格并实行合同定购，把其余农副产品价格逐步放开，实行市场调节。",
        "二、适当提高铁路短途运价",
        ("<p><b>二、关于改革</b></p>", ""),
        "正文。",
    )
    assert [s.title for s in build_sections(blocks, None) if s.level == 1] == [
        "一、关于物价",
        "二、关于改革",
    ]


def test_footnote_lists_are_not_headings() -> None:
    blocks = _blocks(
        "Body text of the article, long enough to be a paragraph.",
        "Notes:",
        "1.Source: China Statistical Summary 2010",
        "2.Source: China Health Statistical Yearbook 2010",
    )
    assert [s.title for s in build_sections(blocks, 2012)] == [None]


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("政协第十五届常州市委员会常务委员会工作报告", "work report"),
        ("关于政协十四届一次会议以来提案工作情况的报告", "proposal work report"),
        ("2024年政府工作报告（全文）", "government work report"),
        ("第十四届全国人民代表大会第二次会议关于政府工作报告的决议", "resolution"),
        ("代表委员热议政府工作报告", "news"),
        (
            "Work report of the Standing Committee of the 15th Changzhou Municipal Committee",
            "work report",
        ),
        ("Report on the Work on Proposals Since the Fifth Session", "proposal work report"),
        ("CPPCC members submit proposals on elderly care", "news"),
        ("Report on the Work of the Government (Full Text)", "government work report"),
        (
            "政府工作报告——2024年1月20日在平川县第十八届人民代表大会第三次会议上",
            "government work report",
        ),
        ("政协平川县委员会常务委员会工作报告（2023年1月10日）", "work report"),
        ("在政协平川县第九届委员会第三次会议上的工作报告", "work report"),
        ("代表委员热议政府工作报告——聚焦民生", "news"),
    ],
)
def test_doc_types(title: str, doc_type: str) -> None:
    assert detect_doc_type(title, "", dated=True) == doc_type


@pytest.mark.parametrize(
    ("text", "committee", "level"),
    [
        (
            "Work report of the Standing Committee of the 15th Changzhou Municipal Committee"
            " of the CPPCC",
            "15th Changzhou Municipal Committee",
            "municipal",
        ),
        (
            "中国人民政治协商会议第十四届全国委员会常务委员会工作报告",
            "中国人民政治协商会议全国委员会",
            "national",
        ),
        ("政协浙江省第十二届委员会常务委员会工作报告", "政协浙江省委员会", "provincial"),
        ("政协第十四届洛阳市委员会常务委员会工作报告", "政协洛阳市委员会", "municipal"),
        ("政协北京市第十四届委员会常务委员会工作报告", "政协北京市委员会", "provincial"),
        ("政协青山县委员会关于提案工作情况的报告", "政协青山县委员会", "county"),
        ("政协北京市东城区委员会常务委员会工作报告", "政协北京市东城区委员会", "county"),
        ("政协广东省深圳市委员会常务委员会工作报告", "政协广东省深圳市委员会", "municipal"),
        ("政协宁夏回族自治区委员会常务委员会工作报告", "政协宁夏回族自治区委员会", "provincial"),
        (
            "Report on the Work of the Standing Committee of the Ningbo Municipal Committee of"
            " the CPPCC",
            "Ningbo Municipal Committee",
            "municipal",
        ),
        (
            "Chairman of the CPPCC Guangdong Provincial Committee",
            "Guangdong Provincial Committee",
            "provincial",
        ),
        ("Wang Huning, chairman of the CPPCC National Committee", "National Committee", "national"),
        (
            "Report on the Work of the Standing Committee of the 14th CPPCC National Committee",
            "14th National Committee",
            "national",
        ),
    ],
)
def test_committee_and_level(text: str, committee: str, level: str) -> None:
    found = detect_committee(text)
    assert found == committee
    assert detect_level(found, text) == level


@pytest.mark.parametrize(
    ("lines", "date", "name"),
    [
        (
            [
                "政府工作报告",
                "——2024年3月5日在第十四届全国人民代表大会第二次会议上",
                "国务院总理 李 强",
            ],
            "2024-03-05",
            "李强",
        ),
        (
            [
                "——At the third meeting of the 15th CPPCC Changzhou Committee on January 15, 2024",
                "Dai Yuan",
                "Dear members:",
            ],
            "2024-01-15",
            "Dai Yuan",
        ),
        (["1957年6月26日在第一届全国人民代表大会第四次会議上", "周恩来"], "1957-06-26", "周恩来"),
        (
            [
                "—At the fifth meeting of the 12th CPPCC Zhejiang Provincial Committee"
                " on January 16, 2022",
                "Lin Botao, Chairman of the CPPCC Zhejiang Provincial Committee",
            ],
            "2022-01-16",
            "Lin Botao",
        ),
        (
            [
                "Wang Huning",
                "Chairman of the National Committee of the CPPCC",
                "Delivered at the Second Session of the 14th National Committee on March 4, 2024",
            ],
            "2024-03-04",
            "Wang Huning",
        ),
    ],
)
def test_meeting_line_and_speaker(lines: list[str], date: str, name: str) -> None:
    found = meeting_line(lines)
    assert found is not None and meeting_date(found[1]) == date
    assert speaker_line(lines, found[0])[1] == name


def test_a_party_committee_is_not_a_cppcc_committee() -> None:
    assert detect_committee("Secretary of the CPC Ningbo Municipal Committee") is None


def test_a_meeting_line_dated_on_the_next_line() -> None:
    lines = [
        "——在政协第十三届江西省委员会第二次会议上",
        "（2024年1月20日）",
        "周文涛",
        "各位委员：",
    ]
    found = meeting_line(lines)
    assert found == (0, lines[0])
    assert meeting_date_line(lines, 0) == (1, "（2024年1月20日）")
    assert speaker_line(lines, 0) == (2, "周文涛")
    report = extract_page(
        (
            "<html><head><title>关于提案工作情况的报告</title></head><body>"
            "<h1>关于提案工作情况的报告</h1><div class='txt'>"
            + "".join(f"<p>{line}</p>" for line in lines)
            + "<p>"
            + "委员们围绕乡村振兴深入调研，提出了一批有分量的意见建议。" * 8
            + "</p></div></body></html>"
        ).encode(),
        "http://x.test/t20240122_1.html",
    ).report
    assert report is not None and report.meeting_date == "2024-01-20"
    # The meeting, its date and the speaker open the text (issue 14), as they stand on the page.
    assert report.body_text().startswith("\n".join(lines))
    assert report.sections[0].title is None


def test_no_meeting_line_in_ordinary_text() -> None:
    assert meeting_line(["各位委员：", "会议于2024年1月15日召开，听取了报告。"]) is None


def _title_of(html: str) -> str | None:
    root = lxml.html.document_fromstring(html)
    return find_title(root, meta_tags(root))


def test_titles_without_site_names() -> None:
    assert _title_of("<title>报告全文_政务公开_某市政府</title><h1>报告全文</h1>") == "报告全文"
    assert (
        _title_of("<title>深入推进长三角一体化发展座谈会召开-中国科普网</title><p>x</p>")
        == "深入推进长三角一体化发展座谈会召开"
    )
    assert (
        _title_of(
            "<meta property='og:title' content='Budget passed | City News'><h1>Budget passed</h1>"
        )
        == "Budget passed"
    )
    assert (
        _title_of("<title>无标题文档</title><body><h1>政协工作报告</h1></body>") == "政协工作报告"
    )
    assert (
        _title_of(
            "<meta name='ArticleTitle' content='山西品牌丝路行正式启动'><h1>山西省人民政府</h1>"
        )
        == "山西品牌丝路行正式启动"
    )


def test_a_site_profile_is_tried_before_the_generic_rules(tmp_path: Path) -> None:
    (tmp_path / "zx.example.cn.json").write_text(
        '{"content_xpaths": ["//div[@class=\'wenzi\']"], "drop_lines": ["^本文来源"]}',
        encoding="utf-8",
    )
    html = (
        "<html><body><div class='side-note'>" + "侧栏的长篇介绍文字，不是正文。" * 20 + "</div>"
        "<div class='wenzi'><p>正文第一段，讲述会议情况。</p><p>本文来源：某报</p></div>"
        "</body></html>"
    )
    root = lxml.html.document_fromstring(html)
    profile = load_profile("zx.example.cn", tmp_path)
    assert [b.text for b in extract_content(root, profile).blocks] == ["正文第一段，讲述会议情况。"]
    generic = extract_content(root, load_profile("other.example.cn", tmp_path))
    assert generic.found_by == "density"


def _date_of(html: str, url: str = "http://x.test/a.html") -> str | None:
    result = extract_page(html.encode("utf-8"), url)
    assert result.report is not None, result.failure
    return result.report.date


BODY = (
    "<div class='content'><p>"
    + "政协委员围绕新能源产业发展深入调研，提出意见建议。" * 6
    + "</p></div>"
)


def test_visible_date_below_the_title_not_the_header_clock_or_footer() -> None:
    page = (
        "<html><head><title>市政协开展调研_某市政协</title></head><body>"
        "<div class='topbar'>今天是2024年5月1日 星期三</div><h1>市政协开展调研</h1>"
        "<div class='info'>来源：市政协办公室 2024年01月20日</div>" + BODY + ""
        "<div class='footer'>更新时间：2024-06-30 版权所有</div></body></html>"
    )
    assert _date_of(page) == "2024-01-20"


def test_no_date_line_falls_back_to_the_url_never_the_footer() -> None:
    page = (
        "<html><head><title>市政协开展调研</title></head><body><h1>市政协开展调研</h1>"
        + BODY
        + "<div id='footer'>2024-06-30 版权所有</div></body></html>"
    )
    assert _date_of(page, "http://x.test/news/202401/t20240120_1.html") == "2024-01-20"


def test_a_logo_heading_is_not_the_title() -> None:
    page = (
        "<title>品牌丝路行正式启动 - 山西省人民政府门户网站</title>"
        "<div class='logo'><h1>山西省人民政府门户网站</h1></div><h2>品牌丝路行正式启动</h2>"
    )
    assert _title_of(page) == "品牌丝路行正式启动"
    site_first = (
        "<title>TheoryChina - Frontiers - Preventing the Vulnerable</title>"
        "<h1>Preventing the Vulnerable</h1>"
    )
    assert _title_of(site_first) == "Preventing the Vulnerable"


def test_headings_whose_bold_is_lost_or_partial() -> None:
    """Editors bold only the numeral, or forget the bold on one heading of a marked series."""
    blocks = _blocks(
        "各位委员：",
        ("<p><strong>一、</strong>过去一年的主要工作</p>", ""),
        "过去一年，我们围绕中心履职尽责。",
        ("<p><b>（一）协商议政</b></p>", ""),
        "全年组织专题协商四次。",
        "（二）民主监督",
        "推动解决实际问题二十一个。",
        ("<p><b>（三）自身建设</b></p>", ""),
        "举办委员培训班两期。",
        "二、今年的主要任务",
        "今年是开局之年。",
    )
    got = [(s.level, s.title, s.part_kind, s.period_year) for s in build_sections(blocks, 2023)]
    assert got == [
        (0, None, "other", None),
        (1, "一、过去一年的主要工作", "review", 2022),
        (2, "（一）协商议政", "review", 2022),
        (2, "（二）民主监督", "review", 2022),
        (2, "（三）自身建设", "review", 2022),
        (1, "二、今年的主要任务", "plan", 2023),
    ]


def test_plain_numbered_items_in_a_row_stay_list_items_under_bold_headings() -> None:
    blocks = _blocks(
        ("<p><b>一、关于物价</b></p>", ""),
        "正文开头。",
        "1. 粮食",
        "2. 棉花",
        ("<p><b>1. 关于粮价</b></p>", ""),
        "正文。",
    )
    titles = [s.title for s in build_sections(blocks, None) if s.title]
    assert titles == ["一、关于物价", "1. 关于粮价"]


@pytest.mark.parametrize(
    ("committee", "level"),
    [
        ("14th Shanghai Municipal Committee", "provincial"),
        ("16th Ningbo Municipal Committee", "municipal"),
        ("Beijing Dongcheng District Committee", "county"),
        ("Yanbian Korean Autonomous Prefectural Committee", "municipal"),
    ],
)
def test_english_committee_levels(committee: str, level: str) -> None:
    assert detect_level(committee, committee, "work report") == level


def test_one_sentence_numbered_paragraphs_are_headings_down_to_four_levels() -> None:
    blocks = _blocks(
        "一、2023年工作回顾",
        "过去一年，我们围绕中心履职尽责。",
        "（一）坚持党的领导，确保正确政治方向。",
        "我们始终坚持党的领导，全年召开党组会议二十次。",
        "1．加强理论学习。",
        "组织委员开展专题学习十二次。",
        "（1）开展读书活动。",
        "全年举办读书班三期，参加委员五百人次。",
        "（2）举办专题讲座。",
        "邀请专家学者作辅导报告八场。",
        "（二）聚焦中心大局。围绕新能源产业开展协商，提出建议三十条，多项被采纳。",
        # Two sentences: a run-in heading and its text.
        "（三）加强自身建设。我们修订了委员履职管理办法。",
        "（四）深化团结联谊。我们组织了海外侨胞座谈会。",
    )
    got = [(s.level, s.title) for s in build_sections(blocks, 2024) if s.title]
    assert got == [
        (1, "一、2023年工作回顾"),
        (2, "（一）坚持党的领导，确保正确政治方向。"),
        (3, "1．加强理论学习。"),
        (4, "（1）开展读书活动。"),
        (4, "（2）举办专题讲座。"),
        (2, "（二）聚焦中心大局"),
        (2, "（三）加强自身建设"),
        (2, "（四）深化团结联谊"),
    ]
