"""Citations: the five styles of a report and of a passage, the API, the Cite menus and the
result-set exports, over the real sample index."""

from __future__ import annotations

import re
from datetime import date

from tests.webapp.support import sample_reports
from webapp.citation import STYLES, CitationTarget, Passage, citations

REPORT = next(r for r in sample_reports() if r.id == "nat-2023-3")


def target(passage: Passage | None = None) -> CitationTarget:
    return CitationTarget(
        REPORT, "https://s.example/report/nat-2023-3", "https://s.example/archive?url=x",
        date(2025, 3, 1), passage,
    )  # fmt: skip


def test_every_style_names_the_title_the_year_and_the_source():
    for style, text in citations(target()).items():
        assert REPORT.title in text, style
        assert "2023" in text, style
        assert REPORT.url in text, style
        assert "https://s.example/archive?url=x" in text, style


def test_gbt7714_follows_the_standard_shape():
    text = citations(target())["gbt7714"]
    # 作者. 题名[文献类型标识/载体]. (发表日期)[引用日期]. 获取路径.
    assert text.startswith(f"全国政协. {REPORT.title}[R/OL]. (2023-01-13)[2025-03-01]. ")


def test_a_passage_names_its_heading_permalink_and_archived_copy():
    passage = Passage(2, "（一）聚焦高质量发展建言资政", "https://s.example/report/nat-2023-3#s2",
                      "https://s.example/archive?url=x")  # fmt: skip
    for style, text in citations(target(passage)).items():
        assert "（一）聚焦高质量发展建言资政" in text, style
        assert "https://s.example/report/nat-2023-3#s2" in text, style
        assert "https://s.example/archive?url=x" in text, style


def test_bibtex_and_ris_are_well_formed():
    texts = citations(target())
    bib = texts["bibtex"]
    assert re.match(r"@techreport\{cppcc2023-nat-2023-3,\n", bib)
    assert bib.count("{") == bib.count("}")
    lines = texts["ris"].splitlines()
    assert lines[0] == "TY  - RPRT"
    assert lines[-1] == "ER  - "
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines)


def test_api_cites_a_report_and_a_passage(web_client):
    whole = web_client.get("/api/report/nat-2023-3/cite")
    assert whole.status_code == 200
    data = whole.get_json()
    assert sorted(data) == sorted(STYLES)
    passage = web_client.get("/api/report/nat-2023-3/cite?section=2").get_json()
    assert "http://127.0.0.1:8000/report/nat-2023-3#s2" in passage["apa"]
    assert "http://127.0.0.1:8000/archive?url=" in passage["apa"]


def test_api_refuses_unknown_reports_and_sections(web_client):
    assert web_client.get("/api/report/nope/cite").status_code == 404
    missing = web_client.get("/api/report/nat-2023-3/cite?section=99")
    assert missing.status_code == 400
    assert "no section 99" in missing.get_json()["error"]
    assert web_client.get("/api/report/nat-2023-3/cite?section=x").status_code == 400


def test_report_view_has_cite_menus_for_the_report_and_each_passage(web_client):
    html = web_client.get("/report/nat-2023-3").get_data(as_text=True)
    assert "引用本报告 Cite this report" in html
    assert html.count('data-cite="/api/report/nat-2023-3/cite?section=') == len(REPORT.sections)
    assert "GB/T 7714-2015" in html


def test_cite_menu_escapes_what_the_report_says(web_client):
    html = web_client.get("/report/xss-1").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html


def test_result_set_exports_each_report_once(web_client):
    ris = web_client.get("/search.ris?q=养老")
    assert ris.status_code == 200
    assert ris.mimetype == "application/x-research-info-systems"
    text = ris.get_data(as_text=True)
    titles = re.findall(r"^TI  - (.*)$", text, re.M)
    assert "全国政协常务委员会工作报告（2021年）" in titles
    assert len(titles) == len(set(titles)) and text.count("ER  - ") == len(titles)
    bib = web_client.get("/search.bib?q=养老").get_data(as_text=True)
    assert bib.count("@techreport{") == len(titles)
