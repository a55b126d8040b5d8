"""Bodies, regions, section kinds and translations through the real app over a real index."""

from __future__ import annotations

import re
from urllib.parse import quote

from cppcc_search.kinds import section_kinds


def test_api_bodies_lists_each_body_once_with_its_parent(web_client):
    bodies = {b["id"]: b for b in web_client.get("/api/bodies").get_json()}
    assert set(next(iter(bodies.values()))) == {
        "id", "name_zh", "name_en", "kind", "level", "region", "parent", "reports",
    }  # fmt: skip
    changzhou = bodies["cppcc-320400"]
    assert changzhou["name_zh"] == "政协常州市委员会"
    assert changzhou["name_en"] == "CPPCC Changzhou Municipal Committee"
    assert (changzhou["kind"], changzhou["level"]) == ("cppcc", "municipal")
    assert changzhou["region"] == ["江苏省", "常州市"]
    # Chinese and English reports of two terms: one body.
    assert changzhou["reports"] == 4
    assert changzhou["parent"] == "cppcc-320000"  # Jiangsu, which the sample holds
    assert bodies["cppcc-320000"]["parent"] == "cppcc-national"
    assert bodies["cppcc-national"]["parent"] is None
    assert bodies["cppcc-320200"]["parent"] == "cppcc-320000"  # Wuxi
    assert sum(b["reports"] for b in bodies.values()) == 12


def test_api_section_kinds_is_the_vocabulary(web_client):
    kinds = web_client.get("/api/section-kinds").get_json()
    assert kinds == section_kinds()
    assert {"code", "zh", "en", "description"} == set(kinds[0])


def test_committee_facet_counts_bodies_with_labels(web_client):
    data = web_client.get("/api/search?q=新能源").get_json()
    values = {v["value"]: v for v in data["facets"]["committee"]}
    assert "cppcc-320400" in values
    assert values["cppcc-320400"]["label"] == {
        "zh": "政协常州市委员会",
        "en": "CPPCC Changzhou Municipal Committee",
    }
    for name in ("section", "part", "level", "doc_type", "language", "region"):
        assert all(set(v["label"]) == {"zh", "en"} for v in data["facets"][name]), name
    assert all("label" not in v for v in data["facets"]["year"])


def test_a_body_is_found_by_any_of_its_names(web_client):
    by_id = web_client.get("/api/search?committee=cppcc-320400&per_page=100").get_json()
    assert {r["report_id"] for r in by_id["results"]} == {
        "cz-2020-7", "cz-2024-2", "czen-2024-8", "czen-2023-9",
    }  # fmt: skip
    for name in ("政协第十五届常州市委员会", "15th Changzhou Municipal Committee", "常州市政协"):
        found = web_client.get(f"/api/search?committee={quote(name)}&per_page=100").get_json()
        assert found["total"] == by_id["total"], name
        assert found["filters"] == [
            {"facet": "committee", "given": name, "values": ["cppcc-320400"]}
        ]
    nothing = web_client.get("/api/search?committee=政协北京市委员会").get_json()
    assert nothing["total"] == 0
    assert nothing["filters"][0]["values"] == []


def test_region_facet_narrows_to_a_province_and_opens_its_cities(web_client):
    everything = web_client.get("/api/search").get_json()
    provinces = {v["value"]: v["count"] for v in everything["facets"]["region"]}
    assert set(provinces) == {"320000"}  # national bodies have no region
    jiangsu = web_client.get("/api/search?region=320000").get_json()
    assert jiangsu["total"] == provinces["320000"]
    values = [v["value"] for v in jiangsu["facets"]["region"]]
    assert values[0] == "320000" and set(values[1:]) == {"320400", "320200"}
    labels = {v["value"]: v["label"] for v in jiangsu["facets"]["region"]}
    assert labels["320400"] == {"zh": "常州市", "en": "Changzhou"}
    city = web_client.get("/api/search?region=常州市").get_json()
    by_body = web_client.get("/api/search?committee=cppcc-320400").get_json()
    assert city["total"] == by_body["total"]
    assert {v["value"] for v in city["facets"]["region"]} >= {"320400", "320200"}


def test_section_filter_takes_a_code_a_label_or_heading_words(web_client):
    by_code = web_client.get("/api/search?section=livelihood").get_json()
    assert by_code["total"] > 0
    assert all(r["section_kind"] == "livelihood" for r in by_code["results"])
    for given in ("民生", "People's livelihood and social development", "养老服务"):
        found = web_client.get(f"/api/search?section={quote(given)}").get_json()
        assert found["total"] == by_code["total"], given
    unknown = web_client.get("/api/search?section=xyzzy")
    assert unknown.status_code == 400 and "section kind" in unknown.get_json()["error"]


def test_translations_are_linked_from_hits_and_the_report_view(web_client):
    data = web_client.get("/api/search?q=光伏").get_json()
    assert {r["report_id"] for r in data["results"]} == {"cz-2024-2"}
    assert data["results"][0]["versions"] == ["czen-2024-8"]
    html = web_client.get("/search?q=光伏").get_data(as_text=True)
    assert re.search(r'<a class="version" href="/report/czen-2024-8[^"]*"[^>]*>另有英文版', html)
    report = web_client.get("/report/czen-2024-8").get_data(as_text=True)
    assert 'href="/report/cz-2024-2"' in report and "中文版 Chinese version" in report
    assert "政协常州市委员会" in report and "江苏省 · 常州市" in report
    assert web_client.get("/api/report/cz-2024-2").get_json()["versions"] == ["czen-2024-8"]


def test_hits_show_their_body_by_name_and_link_it(web_client):
    html = web_client.get("/search?q=Solar").get_data(as_text=True)
    assert '<a class="body" href="/search?committee=cppcc-320400">政协常州市委员会</a>' in html


def test_chips_name_bodies_and_kinds_given_by_name(web_client):
    html = web_client.get(f"/search?committee={quote('常州市政协')}&section=民生").get_data(
        as_text=True
    )
    chips = html.split('class="chips"')[1].split("</ul>")[0]
    assert "发布机构 Issuing body: 政协常州市委员会 CPPCC Changzhou Municipal Committee" in chips
    assert "章节类别 Section kind: 民生 People" in chips
