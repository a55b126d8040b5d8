"""Who issued a page: the body that speaks, never one it only mentions."""

from __future__ import annotations

import pytest

from cppcc_search.bodies import Clues, identify_issuer


def issuer(**clues) -> tuple[str, str]:
    found = identify_issuer(Clues(**clues))
    return found.body.id, found.body.kind


def test_a_state_council_report_that_asks_cppcc_members_for_comments():
    clues = Clues(
        title="2007年中华人民共和国国务院政府工作报告",
        doc_type="government work report",
        lines=[
            "各位代表：现在，我代表国务院，向大会作政府工作报告，请予审议，并请全国政协各位委员提出意见。"
        ],
    )
    assert identify_issuer(clues).body.id == "government-national"


def test_a_city_government_report_whose_title_names_no_place():
    assert issuer(
        title="政府工作报告",
        doc_type="government work report",
        meeting="——2023年1月8日在嘉兴市第九届人民代表大会第三次会议上",
        speaker="嘉兴市市长　李明",
        lines=[
            "各位代表：",
            "现在，我代表市人民政府，向大会报告政府工作，并请市政协委员提出意见。",
        ],
    ) == ("government-330400", "government")


def test_a_place_the_title_names_apart_from_the_body():
    assert issuer(title="常州市2024年政府工作报告", doc_type="government work report") == (
        "government-320400",
        "government",
    )
    # Only names written in full count there: 新华 is a district's stem, not this place.
    assert issuer(title="新华2024年政府工作报告", doc_type="government work report")[1] == "other"


def test_a_report_delivered_at_a_peoples_congress_by_its_standing_committee():
    assert issuer(
        title="江苏省人民代表大会常务委员会工作报告",
        doc_type="work report",
        meeting="——2024年1月25日在江苏省第十四届人民代表大会第二次会议上",
    ) == ("npc-320000", "npc")


def test_a_resolution_is_the_congress_that_adopted_it():
    assert issuer(
        title="第十四届全国人民代表大会第二次会议关于政府工作报告的决议", doc_type="resolution"
    ) == ("npc-national", "npc")


def test_a_cppcc_report_is_found_through_its_meeting_line_when_the_title_is_bare():
    assert issuer(
        title="常务委员会工作报告",
        doc_type="work report",
        meeting="——2023年1月3日在政协嘉兴市南湖区第十届委员会第一次会议上",
    ) == ("cppcc-330402", "cppcc")


def test_an_english_government_report_is_placed_by_its_congress():
    assert issuer(
        title="Report on the Work of the Government",
        doc_type="government work report",
        meeting="—Delivered at the Third Session of the Ninth Jiaxing Municipal People's "
        "Congress on January 8, 2023",
        speaker="Li Ming, Mayor of Jiaxing",
    ) == ("government-330400", "government")


def test_an_english_translation_of_a_committees_report():
    assert issuer(
        title="Work Report of the Standing Committee of the 15th CPPCC Changzhou Municipal "
        "Committee",
        doc_type="work report",
        speaker="Zhang Ming, Chairman of the CPPCC Changzhou Municipal Committee",
    ) == ("cppcc-320400", "cppcc")


def test_news_is_filed_under_the_actor_its_title_or_lead_names():
    assert issuer(
        title="市政协召开专题协商会 为新能源产业链协同发展建言",
        doc_type="news",
        source="常州市政协办公室",
    ) == ("cppcc-320400", "cppcc")
    assert issuer(
        title="Political advisors discuss elderly care",
        doc_type="news",
        lines=["BEIJING, May 16 (Xinhua) -- The National Committee of the Chinese People's "
               "Political Consultative Conference (CPPCC) held a consultation session."],
    ) == ("cppcc-national", "cppcc")  # fmt: skip
    # A headline that only talks about a report is not filed under the report's issuer.
    assert (
        issuer(title="代表委员热议政府工作报告", doc_type="news", url="http://news.example.cn/a")[1]
        == "other"
    )


@pytest.mark.parametrize(
    ("clues", "name_part"),
    [
        (
            {"title": "年度工作总结", "doc_type": "news", "url": "http://www.unit.example.cn/a"},
            "unit",
        ),
        ({"title": "市人民法院工作报告", "doc_type": "work report"}, "renminfayuan"),
        ({"title": "政府工作报告", "doc_type": "government work report"}, "zhengfu"),
    ],
)
def test_an_issuer_that_cannot_be_determined_is_other_with_an_id_from_its_name(clues, name_part):
    found = identify_issuer(Clues(**clues))
    assert found.body.kind == "other" and not found.determined
    assert found.body.id.startswith("other-") and name_part in found.body.id
    assert found.body.id == identify_issuer(Clues(**clues)).body.id  # stable


def test_a_committee_whose_place_is_no_division_keeps_its_kind():
    found = identify_issuer(
        Clues(title="政协莱芜市委员会常务委员会工作报告", doc_type="work report")
    )
    assert (found.body.kind, found.body.level, found.body.region) == ("cppcc", "municipal", ())
    assert found.body.id == "cppcc-zhengxielaiwushiweiyuanhui"


def test_a_cppcc_site_host_decides_when_nothing_else_does():
    assert issuer(title="工作动态", doc_type="news", url="http://www.czzx.gov.cn/a.html")[1] == (
        "other"
    )  # a host gives the kind but not the place: still undetermined
