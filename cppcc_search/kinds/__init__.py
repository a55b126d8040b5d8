"""Section kinds: what kind of work a report section reports on, in Chinese and English.

The vocabulary lives in ``kinds.json`` (documented in docs/section-kinds.md); ``classify_section``
reads one section's heading and text, ``classify_report`` a whole report's sections in order.
"""

from cppcc_search.kinds.classify import (
    SectionKindError,
    classify_report,
    classify_section,
    classify_sections,
)
from cppcc_search.kinds.vocabulary import Kind, VocabularyError, section_kinds, vocabulary

__all__ = [
    "Kind",
    "SectionKindError",
    "VocabularyError",
    "classify_report",
    "classify_section",
    "classify_sections",
    "section_kinds",
    "vocabulary",
]
