"""The kinds file: valid, documented, and its rules enforced on a broken copy."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cppcc_search.kinds import VocabularyError, section_kinds, vocabulary
from cppcc_search.kinds.vocabulary import TIERS, load_vocabulary

KINDS_FILE = Path(__file__).resolve().parents[3] / "cppcc_search" / "kinds" / "kinds.json"


def test_every_kind_has_a_slug_labels_and_a_description() -> None:
    records = section_kinds()
    assert [r["code"] for r in records] == list(vocabulary().codes)
    for record in records:
        assert set(record) == {"code", "zh", "en", "description"}
        assert re.fullmatch(r"[a-z][a-z_]+", record["code"])
        assert re.search(r"[\u4e00-\u9fff]", record["zh"]), record
        assert record["en"].isascii() and record["en"][0].isupper(), record
        assert len(record["description"]) > 20, record


def test_the_vocabulary_covers_cppcc_functions_and_government_chapters() -> None:
    codes = set(vocabulary().codes)
    cppcc = {"party_leadership", "economy", "democratic_supervision", "proposals", "livelihood"}
    cppcc |= {"united_front", "self_building", "culture", "foreign_affairs", "theory_publicity"}
    government = {"reform", "opening_up", "innovation", "rural", "ecology", "governance"}
    government |= {"defence", "hmt", "regional"}
    assert cppcc | government | {"overview", "other"} <= codes


def test_every_kind_but_other_has_cues_in_both_languages() -> None:
    for kind in vocabulary().kinds:
        if kind.code == "other":
            continue
        for language in ("zh", "en"):
            cues = [cue for lists in kind.cues.values() for cue in lists.get(language, ())]
            assert len(cues) >= 3, (kind.code, language)


def test_every_code_is_documented(repo_root: Path) -> None:
    doc = (repo_root / "docs" / "section-kinds.md").read_text(encoding="utf-8")
    for record in section_kinds():
        row = next((line for line in doc.splitlines() if f"`{record['code']}`" in line), None)
        assert row is not None, f"{record['code']} missing from docs/section-kinds.md"
        assert record["zh"] in row and record["en"] in row, row


def test_the_packaged_file_is_the_one_loaded() -> None:
    assert load_vocabulary(KINDS_FILE).codes == vocabulary().codes


def _broken_copy(tmp_path: Path, change) -> Path:
    data = json.loads(KINDS_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "kinds.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _kind(data: dict, code: str) -> dict:
    return next(kind for kind in data["kinds"] if kind["code"] == code)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _kind(d, "ecology")["cues"]["topic"]["zh"].append("提案"), "in both"),
        (lambda d: _kind(d, "ecology")["cues"]["topic"]["en"].append("Green Belt"), "lower-case"),
        (lambda d: _kind(d, "ecology").update(code="Ecology!"), "slug"),
        (lambda d: _kind(d, "ecology").update(en=""), "has no en"),
        (lambda d: _kind(d, "ecology")["cues"].update(strong={}), "cue tiers"),
        (lambda d: _kind(d, "ecology")["cues"]["topic"].update(fr=["vert"]), "keyed by"),
        (lambda d: d["kinds"].append(dict(_kind(d, "ecology"), cues={})), "repeat"),
        (lambda d: d["kinds"].remove(_kind(d, "overview")), "'overview'"),
    ],
)
def test_a_broken_file_is_one_clear_error(tmp_path: Path, change, message: str) -> None:
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(_broken_copy(tmp_path, change))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_missing_or_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="cannot read"):
        load_vocabulary(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(VocabularyError, match="not JSON"):
        load_vocabulary(tmp_path / "bad.json")


def test_tiers_are_documented_in_the_file() -> None:
    data = json.loads(KINDS_FILE.read_text(encoding="utf-8"))
    assert set(data["tiers"]) == set(TIERS)


def test_importing_the_classifier_loads_nothing_heavy() -> None:
    code = (
        "import sys, cppcc_search.kinds as k;"
        "k.classify_section('（一）加强生态保护', '', None, 'zh');"
        "print(sorted(m for m in ('whoosh', 'numpy', 'rjieba', 'flask', 'lxml', 'bs4')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
