"""The English vocabulary kept beside an index for did-you-mean (``vocabulary.json``).

The unstemmed words of the indexed text with their counts, the most frequent only; written by
the indexer into each generation directory, read by the search service (indexer.search.spelling).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from cppcc_search.models import Report

VOCABULARY_NAME = "vocabulary.json"
_ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
_MAX_VOCABULARY = 60000


def build_vocabulary(texts: Iterable[str]) -> dict[str, int]:
    """English word counts over the texts (the most frequent words only)."""
    counts: Counter[str] = Counter()
    for text in texts:
        count_words(counts, text)
    return most_frequent(counts)


def count_words(counts: Counter[str], text: str) -> None:
    """Add a text's English words to the counts."""
    counts.update(word.lower() for word in _ENGLISH_WORD.findall(text))


def most_frequent(counts: Counter[str]) -> dict[str, int]:
    """The vocabulary of word counts: the most frequent words (ties in order of first sight,
    so counts of consecutive shares added in order give what one pass over them would)."""
    return dict(counts.most_common(_MAX_VOCABULARY))


def report_vocabulary(reports: Iterable[Report]) -> dict[str, int]:
    """The vocabulary of the reports' titles and texts."""
    return build_vocabulary(f"{r.title}\n{r.body_text()}" for r in reports)


def write_vocabulary(gen_dir: Path, vocabulary: dict[str, int]) -> None:
    """Write the vocabulary atomically into a generation directory."""
    tmp = gen_dir / f".{VOCABULARY_NAME}.tmp"
    tmp.write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, gen_dir / VOCABULARY_NAME)


def read_vocabulary(gen_dir: Path) -> dict[str, int]:
    """The vocabulary of a generation ({} when absent or unreadable)."""
    try:
        data = json.loads((gen_dir / VOCABULARY_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
