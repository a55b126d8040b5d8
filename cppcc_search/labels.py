"""Bilingual labels of the fixed values in models.py: one definition for the search service's
JSON (``label: {zh, en}``) and the web app's pages."""

from __future__ import annotations

from cppcc_search.models import BODY_KINDS, DOC_TYPES, LANGUAGES, LEVELS, PART_KINDS

Label = dict[str, str]

VALUE_LABELS: dict[str, dict[str, Label]] = {
    "part": {
        "review": {"zh": "工作回顾", "en": "Review"},
        "plan": {"zh": "工作部署", "en": "Plan"},
        "other": {"zh": "其他", "en": "Other"},
    },
    "level": {
        "national": {"zh": "全国", "en": "National"},
        "provincial": {"zh": "省级", "en": "Provincial"},
        "municipal": {"zh": "市级", "en": "Municipal"},
        "county": {"zh": "县级", "en": "County"},
    },
    "language": {"zh": {"zh": "中文", "en": "Chinese"}, "en": {"zh": "英文", "en": "English"}},
    "doc_type": {
        "work report": {"zh": "常委会工作报告", "en": "Work report"},
        "proposal work report": {"zh": "提案工作报告", "en": "Proposal report"},
        "government work report": {"zh": "政府工作报告", "en": "Government report"},
        "resolution": {"zh": "决议", "en": "Resolution"},
        "news": {"zh": "新闻", "en": "News"},
        "other": {"zh": "其他", "en": "Other"},
    },
    "body_kind": {
        "cppcc": {"zh": "政协", "en": "CPPCC"},
        "government": {"zh": "人民政府", "en": "Government"},
        "npc": {"zh": "人民代表大会", "en": "People's Congress"},
        "party": {"zh": "党委", "en": "Party committee"},
        "other": {"zh": "其他", "en": "Other"},
    },
}
# Every value of each list has its label (tests/cppcc_search/test_labels.py checks it).
LABELLED = {
    "part": PART_KINDS,
    "level": LEVELS,
    "language": LANGUAGES,
    "doc_type": DOC_TYPES,
    "body_kind": BODY_KINDS,
}


def value_label(name: str, value: object) -> Label | None:
    """The ``{zh, en}`` label of a fixed value, or None."""
    return VALUE_LABELS.get(name, {}).get(str(value))
