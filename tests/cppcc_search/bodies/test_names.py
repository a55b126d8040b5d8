"""Body names: normalised across terms and languages, ids, and the body a name denotes."""

from __future__ import annotations

import pytest

from cppcc_search.bodies import body_for_name, body_from_id, normalise_name
from cppcc_search.bodies.mentions import find_mentions
from cppcc_search.bodies.names import slug

CHANGZHOU = "cppcc-320400"


@pytest.mark.parametrize(
    "name",
    [
        "政协第十五届常州市委员会",
        "政协第十四届常州市委员会",
        "中国人民政治协商会议常州市委员会",
        "政协常州市第十五届委员会",
        "常州市政协",
        "常州政协",
        "15th Changzhou Municipal Committee",
        "15th CPPCC Changzhou Municipal Committee",
        "CPPCC Changzhou Committee",
        "Changzhou Municipal Committee of the CPPCC",
        "Changzhou Municipal Committee of the Chinese People's Political Consultative Conference",
    ],
)
def test_every_term_and_spelling_of_a_committee_is_one_body(name):
    assert body_for_name(name).id == CHANGZHOU


@pytest.mark.parametrize(
    ("name", "body_id", "level"),
    [
        ("中国人民政治协商会议全国委员会", "cppcc-national", "national"),
        ("13th National Committee", "cppcc-national", "national"),
        ("全国政协", "cppcc-national", "national"),
        ("政协浙江省委员会", "cppcc-330000", "provincial"),
        ("12th Zhejiang Provincial Committee", "cppcc-330000", "provincial"),
        ("政协北京市委员会", "cppcc-110000", "provincial"),
        ("政协常州市武进区委员会", "cppcc-320412", "county"),
        ("CPPCC Wujin District Committee", "cppcc-320412", "county"),
        ("江阴市政协", "cppcc-320281", "county"),  # a county-level city counts as county
        ("天津市和平区政协", "cppcc-120101", "county"),  # 和 begins a place here
        ("国务院", "government-national", "national"),
        ("State Council", "government-national", "national"),
        ("常州市人民政府", "government-320400", "municipal"),
        ("Changzhou Municipal People's Government", "government-320400", "municipal"),
        ("全国人民代表大会常务委员会", "npc-national", "national"),
        ("江苏省人大常委会", "npc-320000", "provincial"),
        ("中共常州市委", "party-320400", "municipal"),
        ("CPC Changzhou Municipal Committee", "party-320400", "municipal"),
    ],
)
def test_names_resolve_to_bodies_of_each_kind_and_level(name, body_id, level):
    body = body_for_name(name)
    assert (body.id, body.level) == (body_id, level)


def test_a_body_has_its_names_and_region_in_both_languages():
    wujin = body_from_id("cppcc-320412")
    assert wujin.name_zh == "政协常州市武进区委员会"
    assert wujin.name_en == "CPPCC Changzhou Wujin District Committee"
    assert wujin.region == ("江苏省", "常州市", "武进区")
    assert body_from_id("government-320400").name_en == "Changzhou Municipal People's Government"
    assert body_from_id("cppcc-450000").name_zh == "政协广西壮族自治区委员会"
    assert body_from_id("cppcc-610000").name_en == "CPPCC Shaanxi Provincial Committee"
    assert body_from_id("cppcc-310115").name_en == "CPPCC Shanghai Pudong New Area Committee"
    assert body_from_id("cppcc-222400").name_en == "CPPCC Yanbian Prefectural Committee"
    assert body_from_id("cppcc-national").region == ()
    assert body_from_id("other-x", "某网站").name_zh == "某网站"


def test_names_that_denote_no_known_body():
    assert body_for_name("鼓楼区政协") is None  # several 鼓楼区: which one is left open
    assert body_for_name("政协莱芜市委员会") is None  # no longer a division
    assert body_for_name("") is None
    assert body_for_name("Secretariat") is None


def test_normalised_names_drop_terms_and_filler():
    assert normalise_name("政协第十五届常州市委员会") == "政协常州市委员会"
    assert normalise_name("中国人民政治协商会议第十三届全国委员会") == "政协全国委员会"
    assert normalise_name("15th CPPCC Changzhou Municipal Committee") == normalise_name(
        "CPPCC Changzhou Municipal Committee"
    )


def test_slugs_are_ascii_and_bounded():
    assert slug("政协莱芜市委员会") == "zhengxielaiwushiweiyuanhui"
    assert slug("Some Office") == "some-office"
    long = slug("很" * 80)
    assert long.isascii() and len(long) <= 48


@pytest.mark.parametrize(
    "text",
    [
        "并请全国政协委员提出意见",
        "请市政协委员和其他列席人员提出意见",
        "全国政协常委、省政协委员",
    ],
)
def test_a_bodys_members_are_no_mention_of_the_body(text):
    assert [m for m in find_mentions(text) if m.kind == "cppcc"] == []


def test_mentions_come_earliest_first_and_name_their_place():
    found = find_mentions("第十四届全国人民代表大会第二次会议关于政府工作报告的决议")
    assert [(m.kind, m.national) for m in found] == [("npc", True), ("government", False)]
    (government,) = find_mentions("2024年常州市人民政府工作报告")
    assert (government.kind, government.place, government.written) == (
        "government",
        "常州市",
        "常州市人民政府",
    )
