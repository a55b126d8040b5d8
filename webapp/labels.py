"""Bilingual (zh / en) labels for facet names and values."""

from __future__ import annotations

FACET_LABELS: dict[str, tuple[str, str]] = {
    "year": ("年份", "Year"),
    "part": ("部分", "Part"),
    "section": ("章节", "Section"),
    "committee": ("政协", "Committee"),
    "level": ("级别", "Level"),
    "doc_type": ("文件类型", "Document type"),
    "language": ("语言", "Language"),
}

VALUE_LABELS: dict[str, dict[str, str]] = {
    "part": {"review": "工作回顾 Review", "plan": "工作部署 Plan", "other": "其他 Other"},
    "level": {
        "national": "全国 National",
        "provincial": "省级 Provincial",
        "municipal": "市级 Municipal",
        "county": "县级 County",
    },
    "language": {"zh": "中文 Chinese", "en": "English 英文"},
    "doc_type": {
        "work report": "常委会工作报告 Work report",
        "proposal work report": "提案工作报告 Proposal report",
        "government work report": "政府工作报告 Government report",
        "resolution": "决议 Resolution",
        "news": "新闻 News",
        "other": "其他 Other",
    },
}

# The citation styles of webapp.citation, as the Cite menus name them.
CITE_LABELS: dict[str, str] = {
    "gbt7714": "GB/T 7714-2015",
    "apa": "APA",
    "chicago": "Chicago",
    "bibtex": "BibTeX",
    "ris": "RIS",
}
SORT_LABELS: dict[str, str] = {
    "relevance": "相关度 Relevance",
    "newest": "最新 Newest",
    "oldest": "最早 Oldest",
}


def facet_label(name: str) -> str:
    """A facet's name in Chinese and English."""
    zh, en = FACET_LABELS.get(name, (name, name))
    return f"{zh} {en}"


def value_label(facet: str, value: object) -> str:
    """How a facet value is shown (bilingual where it is a fixed choice)."""
    text = "" if value is None else str(value)
    return VALUE_LABELS.get(facet, {}).get(text, text)
