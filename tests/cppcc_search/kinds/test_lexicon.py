"""Cue matching: longest cue wins, neutral phrases hide cues, English words match whole."""

from __future__ import annotations

from cppcc_search.kinds.lexicon import normalise, scan


def kinds(text: str, language: str) -> list[str | None]:
    return [hit.kind for hit in scan(text, language)]


def test_the_longest_chinese_cue_wins_where_cues_overlap() -> None:
    assert kinds("深化经济体制改革", "zh") == ["reform"]
    assert kinds("优化营商环境", "zh") == ["economy"]
    assert kinds("加强政府自身建设", "zh") == ["governance"]


def test_neutral_phrases_hide_the_cues_inside_them() -> None:
    assert kinds("伟大的历史性转变", "zh") == [None]
    assert "culture" in kinds("文史资料和历史研究", "zh")
    assert kinds("促进民营经济健康发展", "zh") == ["economy", None]


def test_english_cues_match_whole_words_or_declared_endings() -> None:
    assert kinds("ecological conservation", "en")[0] == "ecology"
    assert kinds("support for the sector", "en") == ["self_building"]  # "port" is not in "support"
    assert kinds("Reform and opening-up", "en") == ["reform"]
    assert kinds("People’s well-being", "en") == ["livelihood"]


def test_normalise_reads_apostrophes_hyphens_and_case_alike() -> None:
    assert normalise("People’s  Well-Being", "en") == normalise("people's well being", "en")
    assert normalise("民生  福祉", "zh") == "民生 福祉"


def test_hits_come_left_to_right_with_their_tier() -> None:
    hits = scan("聚焦民生开展协商监督", "zh")
    assert [(h.kind, h.tier) for h in hits] == [
        ("livelihood", "topic"),
        ("economy", "general"),
        ("democratic_supervision", "function"),
    ]
    assert [h.start for h in hits] == sorted(h.start for h in hits)
