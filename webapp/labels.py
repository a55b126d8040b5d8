"""Bilingual (zh / en) labels for facet names and values, as the pages show them."""

from __future__ import annotations

from cppcc_search.labels import Label
from cppcc_search.labels import value_label as shared_value_label

FACET_LABELS: dict[str, tuple[str, str]] = {
    "year": ("年份", "Year"),
    "part": ("部分", "Part"),
    "section": ("章节类别", "Section kind"),
    "committee": ("发布机构", "Issuing body"),
    "region": ("地区", "Region"),
    "level": ("级别", "Level"),
    "doc_type": ("文件类型", "Document type"),
    "language": ("语言", "Language"),
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


def bilingual(label: Label | None, fallback: str = "") -> str:
    """A ``{zh, en}`` label as one line ("工作回顾 Review"), or the fallback."""
    if not label:
        return fallback
    zh, en = label.get("zh", ""), label.get("en", "")
    return f"{zh} {en}".strip() if zh != en else zh


def value_label(facet: str, value: object) -> str:
    """How a fixed facet value is shown (bilingual where it has a label)."""
    text = "" if value is None else str(value)
    return bilingual(shared_value_label(facet, text), text)
