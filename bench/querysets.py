"""Distinct benchmark queries of four kinds, drawn from a corpus with a fixed seed.

A timed query is asked once afresh, so many different queries are needed to see a latency
distribution rather than one query's cache (../shared/STYLE.md). Words are jieba's default
segmentation of each section's heading and text (what the FTS5 baseline indexes), and a word's
share is the fraction of sections whose segmentation holds it. Only words of two to four Chinese
characters are drawn. Each query comes as our query string and the FTS5 MATCH expression that
asks for the same thing:

- term: one word held by 1-5% of sections (middling frequency);
- and: two different words each held by 10-40% of sections (common), both required;
- phrase: a quoted string of 3-8 Chinese characters made of two to four consecutive words of a
  random section (FTS5: those words as a phrase);
- broad: one word held by 40% of sections or more (very common).

Replicating the corpus keeps every share, so the kinds mean the same at every size.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import rjieba

from cppcc_search.models import Report

KINDS = ("term", "and", "phrase", "broad")
TERM_SHARE = (0.01, 0.05)
AND_SHARE = (0.10, 0.40)
BROAD_SHARE = (0.40, 1.01)
PHRASE_CHARS = (3, 8)
PHRASE_WORDS = (2, 4)
_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
_CHINESE = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class BenchQuery:
    """One query: its kind, our query string and the FTS5 MATCH expression."""

    kind: str
    ours: str
    fts: str


def section_words(reports: Sequence[Report]) -> list[list[str]]:
    """Each section's heading and text segmented as the FTS5 baseline indexes them."""
    return [
        rjieba.cut(f"{section.title or ''}\n{section.text}")
        for report in reports
        for section in report.sections
    ]


def word_shares(sections: list[list[str]]) -> dict[str, float]:
    """Word → the share of sections holding it (words of 2-4 Chinese characters)."""
    held: Counter[str] = Counter()
    for words in sections:
        held.update({word for word in words if _WORD.fullmatch(word)})
    return {word: count / len(sections) for word, count in held.items()}


def _words_between(shares: dict[str, float], bounds: tuple[float, float]) -> list[str]:
    low, high = bounds
    return sorted(word for word, share in shares.items() if low <= share < high)


def _take(rng: random.Random, pool: list, count: int, kind: str) -> list:
    if len(pool) < count:
        raise ValueError(f"only {len(pool)} distinct {kind} queries in this corpus, not {count}")
    return rng.sample(pool, count)


def draw_queries(reports: Sequence[Report], per_kind: int, seed: int) -> list[BenchQuery]:
    """``per_kind`` distinct queries of each kind, the same ones for the same corpus and seed."""
    rng = random.Random(seed)
    sections = section_words(reports)
    shares = word_shares(sections)
    queries = [
        BenchQuery("term", word, f'"{word}"')
        for word in _take(rng, _words_between(shares, TERM_SHARE), per_kind, "term")
    ]
    common = _words_between(shares, AND_SHARE)
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < per_kind:
        a, b = sorted(rng.sample(common, 2))
        pairs.add((a, b))
    queries += [BenchQuery("and", f"{a} {b}", f'"{a}" AND "{b}"') for a, b in sorted(pairs)]
    queries += _draw_phrases(rng, sections, per_kind)
    queries += [
        BenchQuery("broad", word, f'"{word}"')
        for word in _take(rng, _words_between(shares, BROAD_SHARE), per_kind, "broad")
    ]
    return queries


def _draw_phrases(rng: random.Random, sections: list[list[str]], count: int) -> list[BenchQuery]:
    """Runs of consecutive Chinese words from random places in random sections."""
    found: dict[str, list[str]] = {}
    attempts = 0
    while len(found) < count:
        attempts += 1
        if attempts > count * 1000:
            raise ValueError(f"found only {len(found)} phrases, not {count}")
        words = rng.choice(sections)
        if len(words) < PHRASE_WORDS[1]:
            continue
        start = rng.randrange(len(words) - 1)
        run = words[start : start + rng.randint(*PHRASE_WORDS)]
        text = "".join(run)
        if (
            len(run) >= PHRASE_WORDS[0]
            and all(_CHINESE.fullmatch(word) for word in run)
            and PHRASE_CHARS[0] <= len(text) <= PHRASE_CHARS[1]
        ):
            found.setdefault(text, run)
    return [
        BenchQuery("phrase", f'"{text}"', '"' + " ".join(run) + '"') for text, run in found.items()
    ]
