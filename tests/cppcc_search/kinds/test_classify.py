"""The classifier: one kind per area across parts, years, levels and languages; inheritance.

Every section here is written for this test, in the styles of national, provincial, city and
county CPPCC reports, government work reports and their English translations; the kind after
each pair is the one a person gives it.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cppcc_search.kinds import SectionKindError, classify_section, classify_sections
from cppcc_search.kinds.classify import strip_enumerator
from cppcc_search.models import Section

# (title, text, language)
Sec = tuple[str, str, str]

# Two sections on the same area, from different parts, years, levels or languages.
SAME_AREA: list[tuple[Sec, Sec, str]] = [
    (
        ("（三）加强生态文明建设协商监督", "组织委员赴长江沿线视察岸线生态修复情况。", "zh"),
        ("（二）持续推进美丽中国建设", "围绕碳达峰碳中和开展监督性调研。", "zh"),
        "ecology",
    ),
    (
        ("（二）促进民营经济健康发展", "开展助企服务月度协商，推动涉企政策落地。", "zh"),
        ("2. Supporting the private sector", "Monthly consultations with entrepreneurs.", "en"),
        "economy",
    ),
    (
        ("（一）围绕中心建诤言", "围绕实体经济转型升级召开常委会议专题协商。", "zh"),
        ("（一）紧扣中心任务深入协商议政", "围绕扩大内需、稳定外贸开展专题议政。", "zh"),
        "economy",
    ),
    (
        ("（四）深化港澳台侨工作", "密切同港澳委员和海外侨胞的联系。", "zh"),
        ("4. Work related to Hong Kong, Macao and Taiwan", "We kept in touch with members.", "en"),
        "hmt",
    ),
    (
        ("（一）提案提交和立案情况", "共收到提案486件，经审查立案412件。", "zh"),
        ("2. Raising the quality of proposals", "We will guide members to research well.", "en"),
        "proposals",
    ),
    (
        ("（五）加强和改进民主监督", "完善民主监督组织形式，开展专项监督。", "zh"),
        ("3. Making democratic oversight more effective", "We will refine oversight.", "en"),
        "democratic_supervision",
    ),
    (
        ("（一）坚持党的全面领导", "严格落实“第一议题”制度。", "zh"),
        ("1. Upholding the leadership of the Communist Party of China", "We studied.", "en"),
        "party_leadership",
    ),
    (
        ("（六）加强委员队伍建设", "完善委员履职档案，开展委员培训。", "zh"),
        ("5. Strengthening the committee's own development", "Training for members.", "en"),
        "self_building",
    ),
    (
        ("（三）聚焦民生开展协商监督", "围绕居家社区养老服务开展民主监督。", "zh"),
        ("（二）着力增进民生福祉", "就完善托育服务体系开展专题协商。", "zh"),
        "livelihood",
    ),
    (
        ("（五）大力实施乡村振兴战略", "推进农村人居环境整治，发展乡村产业。", "zh"),
        ("（七）坚持不懈抓好“三农”工作", "稳定粮食播种面积，促进农民增收。", "zh"),
        "rural",
    ),
    (
        ("（二）深入实施科教兴国战略", "加强基础研究，培养更多科技人才。", "zh"),
        ("2. Invigorating China through science and education", "Basic research.", "en"),
        "innovation",
    ),
    (
        ("（八）做好文史资料工作", "征集“三亲”史料，编辑出版文史资料选辑。", "zh"),
        ("7. Cultural and historical work", "We compiled historical accounts.", "en"),
        "culture",
    ),
    (
        ("（七）积极开展对外交往", "接待外国议会代表团，组团出访友好国家。", "zh"),
        ("6. Conducting external exchanges", "We received foreign delegations.", "en"),
        "foreign_affairs",
    ),
    (
        ("（四）促进团结联谊", "支持民主党派、工商联和无党派人士发挥作用。", "zh"),
        ("4. Promoting great unity and friendship", "We supported the democratic parties.", "en"),
        "united_front",
    ),
    (
        ("（九）全面加强政府自身建设", "坚持依法行政，建设廉洁政府。", "zh"),
        ("Strengthening government self-improvement", "We will govern according to law.", "en"),
        "governance",
    ),
    (
        ("（六）加强理论研究和宣传工作", "深化人民政协理论研究，办好政协报刊。", "zh"),
        ("Strengthening theoretical research and publicity", "We will run our media.", "en"),
        "theory_publicity",
    ),
    (
        ("（八）扩大高水平对外开放", "稳外贸稳外资，推进一带一路合作。", "zh"),
        ("5. Pursuing higher-standard opening up", "We will stabilize foreign trade.", "en"),
        "opening_up",
    ),
    (
        ("（四）深化重点领域改革", "深化国资国企改革。", "zh"),
        ("4. Deepening reform in key areas", "We will deepen reform of state-owned firms.", "en"),
        "reform",
    ),
    (
        ("（八）推进新型城镇化和区域协调发展", "实施区域重大战略。", "zh"),
        ("8. Promoting coordinated regional development", "We will pursue urbanization.", "en"),
        "regional",
    ),
    (
        ("十、进一步加强国防建设", "加强国防动员和后备力量建设。", "zh"),
        ("Supporting national defence and the armed forces", "Serving veterans well.", "en"),
        "defence",
    ),
    (
        ("一、2023年工作回顾", "一年来，常委会履职尽责，各项工作取得新进展。", "zh"),
        ("II. Main Tasks for 2024", "This year we will focus on the following.", "en"),
        "overview",
    ),
]

# Two sections on different areas: they must not share a kind.
DIFFERENT_AREAS: list[tuple[Sec, Sec]] = [
    (("（一）提高提案质量", "", "zh"), ("（二）加强民主监督", "", "zh")),
    (("（二）助力黄河流域生态保护", "", "zh"), ("（一）服务民营经济发展", "", "zh")),
    (("（三）关注养老等民生问题", "", "zh"), ("（三）推动乡村振兴", "", "zh")),
    (("1. Upholding the Party's leadership", "", "en"), ("4. Promoting unity", "", "en")),
    (("（三）加强自身建设", "", "zh"), ("（一）提案提交和办理情况", "", "zh")),
    (("（八）做好文史资料工作", "", "zh"), ("（六）加强宣传工作", "", "zh")),
    (("（四）深化重点领域改革", "", "zh"), ("（五）推进高水平对外开放", "", "zh")),
    (("（三）着力扩大国内需求", "", "zh"), ("（二）深入实施科教兴国战略", "", "zh")),
    (("（五）深化港澳台侨工作", "", "zh"), ("（七）积极开展对外交往", "", "zh")),
    (("（十一）加强和创新社会治理", "", "zh"), ("（十）持续保障和改善民生", "", "zh")),
    (("3. Ecology along the river", "", "en"), ("2. Oversight of elderly care", "", "en")),
    (("2. Improving consultation on handling", "", "en"), ("1. Consulting on growth", "", "en")),
]


@pytest.mark.parametrize(("first", "second", "kind"), SAME_AREA)
def test_sections_on_one_area_get_one_kind(first: Sec, second: Sec, kind: str) -> None:
    assert classify_section(*first[:2], None, first[2]) == kind
    assert classify_section(*second[:2], None, second[2]) == kind


@pytest.mark.parametrize(("first", "second"), DIFFERENT_AREAS)
def test_sections_on_different_areas_get_different_kinds(first: Sec, second: Sec) -> None:
    assert classify_section(*first[:2], None, first[2]) != classify_section(
        *second[:2], None, second[2]
    )


def test_a_named_area_decides_over_the_kind_of_work() -> None:
    # Supervision of ecology is about ecology; supervision with no area named is supervision.
    assert classify_section("（三）监督助推生态建设", "", None, "zh") == "ecology"
    assert classify_section("2. Oversight of elderly care", "", None, "en") == "livelihood"
    text = "围绕污染防治和生态环境保护开展专项监督。"
    assert classify_section("（二）加强民主监督", text, None, "zh") == "democratic_supervision"


@pytest.mark.parametrize(
    ("title", "language"),
    [
        ("（三）", "zh"),
        ("其他", "zh"),
        ("3．其他", "zh"),
        ("2．（略）", "zh"),
        ("Part Two", "en"),
        ("(2) Other matters", "en"),
    ],
)
def test_a_heading_that_says_nothing_inherits_its_parents_kind(title: str, language: str) -> None:
    text = "组织委员开展调研。" if language == "zh" else "Members made visits."
    assert classify_section(title, text, "ecology", language) == "ecology"
    assert classify_section(title, text, "proposals", language) == "proposals"


def test_a_heading_of_its_own_beats_the_parent() -> None:
    assert classify_section("1．关于养老服务", "", "ecology", "zh") == "livelihood"


def test_a_frame_heading_under_an_area_keeps_the_area() -> None:
    assert classify_section("（一）主要情况", "", "proposals", "zh") == "proposals"
    assert classify_section("（一）主要情况", "", None, "zh") == "overview"


def test_a_heading_without_cues_is_read_through_its_text() -> None:
    text = "编辑出版文史资料选辑，征集亲历亲见亲闻史料，开展历史文化名人研究。"
    assert classify_section("（四）坚持质量导向", text, None, "zh") == "culture"
    text = "We compiled historical materials and held an exhibition on the city's heritage."
    assert classify_section("4. Doing solid work", text, None, "en") == "culture"


def test_a_heading_that_says_nothing_under_a_part_is_read_through_its_text() -> None:
    text = "推动出台普惠养老服务支持政策，新增社区养老服务中心12家，完善托育服务体系。"
    assert classify_section("（三）", text, "overview", "zh") == "livelihood"


def test_report_sections_inherit_by_heading_level() -> None:
    def sec(level: int, title: str | None, text: str = "") -> Section:
        return Section(0, level, title, None, "review", None, text)

    sections = [
        sec(0, None, "各位委员："),
        sec(1, "一、2023年工作回顾"),
        sec(2, "（一）守护绿水青山"),
        sec(3, "1．其他"),
        sec(2, "（二）"),  # back at level 2: its parent is the part, not the section above
        sec(3, "1．其他", "支持民主党派、工商联和无党派人士在政协发挥作用，促进民族团结。"),
        sec(1, "二、2024年主要任务"),
        sec(2, "（一）提高提案质量"),
        sec(3, "（略）"),
    ]
    got = classify_sections(sections, "zh")
    assert got[0] is None
    assert got[1:4] == ["overview", "ecology", "ecology"]
    assert got[4] == "overview"  # nothing of its own: the part's kind
    assert got[5] == "united_front"  # its parent names no area, so its text decides
    assert got[6:] == ["overview", "proposals", "proposals"]


def test_language_is_read_from_the_characters_when_not_given() -> None:
    assert classify_section("（二）聚焦民生关切", "", None, None) == "livelihood"
    assert classify_section("3. Attention to people's wellbeing", "", None, None) == "livelihood"


def test_bad_input_is_one_clear_error() -> None:
    with pytest.raises(SectionKindError, match="unknown language 'fr'"):
        classify_section("（一）", "", None, "fr")
    with pytest.raises(SectionKindError, match="unknown parent kind 'ecolgy'"):
        classify_section("（一）", "", "ecolgy", "zh")


HEADINGS = [title for pair in SAME_AREA for title in (pair[0][0], pair[1][0])]
ENUMERATORS = ["", "一、", "（十二）", "(3) ", "3．", "12. ", "IV. ", "Part Two: ", "第三部分 "]


@given(st.sampled_from(HEADINGS), st.sampled_from(ENUMERATORS))
def test_numbering_does_not_change_the_kind(title: str, enumerator: str) -> None:
    bare = strip_enumerator(title)
    assert classify_section(enumerator + bare, "", None, None) == classify_section(
        bare, "", None, None
    )


@given(st.text(max_size=60), st.text(max_size=300), st.sampled_from(["zh", "en", None]))
def test_any_text_gets_a_known_kind(title: str, text: str, language: str | None) -> None:
    from cppcc_search.kinds import vocabulary

    assert classify_section(title, text, None, language) in vocabulary().codes
