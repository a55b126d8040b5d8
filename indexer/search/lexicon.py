"""The bilingual lexicon: English word sequences → Chinese terms, Chinese terms → English terms.

Two tiers, consulted in order: the table of CPPCC and policy terms (cppcc_search/lexicon), curated
for this archive, and CC-CEDICT for everything else. The dictionary is large (154,000 glosses, about
a second to read), so it is read only when a query needs a word the table lacks.

English is looked up by a key that ignores case, stop words and inflection ("Energies" and
"energy", "vehicles" and "vehicle", "revitalisation" and "revitalization" share one), Chinese by its
NFKC form.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cppcc_search.cjk import CJK_RUN
from cppcc_search.lexicon.cedict import cedict_pairs
from cppcc_search.lexicon.pairs import TermPair, policy_pairs
from indexer.index.analysis import ENGLISH_STOP_WORDS

EnglishKey = tuple[str, ...]
_WORD = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['’]s\b")
MIN_CHINESE_RENDERING = 2  # one character matches as a substring almost anywhere


def english_words(text: str) -> list[str]:
    """The lowercased words of an English text (apostrophes and hyphens split words)."""
    return _WORD.findall(_POSSESSIVE.sub("", text.lower()))


def english_key(words: Iterable[str]) -> EnglishKey:
    """The lookup key of English words: stop words dropped, each word reduced to its base form."""
    return tuple(w for w in map(base_form, words) if w)


@lru_cache(maxsize=1 << 16)
def base_form(word: str) -> str:
    """A light de-inflection: plurals and British -ise spellings fold ("" for a stop word).

    Lighter than the index's Porter stemmer on purpose: Porter folds words that translate
    differently ("union" and "unit" stay apart here, "general" and "generation" too).
    """
    word = word.lower()
    if word in ENGLISH_STOP_WORDS:
        return ""
    if len(word) <= 3 or not word.isalpha():
        return word
    for british, american in (("isation", "ization"), ("ised", "ized"), ("ise", "ize")):
        if word.endswith(british) and len(word) > len(british) + 2:
            word = word[: -len(british)] + american
            break
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def chinese_key(text: str) -> str:
    """The lookup key of a Chinese term."""
    return unicodedata.normalize("NFKC", text)


@dataclass
class Tier:
    """One source's renderings in both directions, in the order the source gives them."""

    english: dict[EnglishKey, list[str]] = field(default_factory=dict)
    chinese: dict[str, list[str]] = field(default_factory=dict)
    longest: int = 0  # the most words in an English key
    longest_chinese: int = 0  # the most characters in a Chinese key

    @classmethod
    def of(cls, pairs: Iterable[TermPair]) -> Tier:
        tier = cls()
        for pair in pairs:
            key = english_key(english_words(pair.english))
            if not key or not CJK_RUN.fullmatch(pair.chinese):
                continue
            chinese = chinese_key(pair.chinese)
            if len(chinese) >= MIN_CHINESE_RENDERING:
                _append(tier.english.setdefault(key, []), chinese)
                tier.longest = max(tier.longest, len(key))
            _append(tier.chinese.setdefault(chinese, []), pair.english)
            tier.longest_chinese = max(tier.longest_chinese, len(chinese))
        return tier


def _append(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


class Lexicon:
    """The curated table first, then the dictionary (read on first need)."""

    def __init__(
        self, table: Iterable[TermPair], dictionary: Callable[[], Iterable[TermPair]] | None = None
    ) -> None:
        self._table = Tier.of(table)
        self._read_dictionary = dictionary
        self._dictionary: Tier | None = None
        self._lock = threading.Lock()

    def dictionary(self) -> Tier | None:
        """The dictionary's tier, read on first use (None when the lexicon has none)."""
        with self._lock:
            if self._dictionary is None and self._read_dictionary is not None:
                self._dictionary = Tier.of(self._read_dictionary())
            return self._dictionary

    def _tiers(self) -> Iterator[Tier]:
        """The table, then the dictionary: lazily, so a term the table knows never reads it."""
        yield self._table
        dictionary = self.dictionary()
        if dictionary is not None:
            yield dictionary

    def english_match(self, key: Sequence[str], start: int) -> tuple[int, list[str]]:
        """The longest entry starting at ``key[start]``: (end, Chinese renderings), or (start, []).

        The first tier with any entry there answers, so the table's renderings are never mixed
        with the dictionary's.
        """
        for tier in self._tiers():
            for end in range(min(len(key), start + tier.longest), start, -1):
                found = tier.english.get(tuple(key[start:end]))
                if found:
                    return end, list(found)
        return start, []

    def chinese_renderings(self, text: str) -> list[str]:
        """English renderings of a whole Chinese term (table first, then dictionary)."""
        key = chinese_key(text)
        for tier in self._tiers():
            found = tier.chinese.get(key)
            if found:
                return list(found)
        return []

    def chinese_pieces(self, text: str) -> list[str] | None:
        """The term split into known terms, longest first from the left (None if it cannot be)."""
        tiers = list(self._tiers())
        longest = max(tier.longest_chinese for tier in tiers)
        key = chinese_key(text)
        pieces: list[str] = []
        start = 0
        while start < len(key):
            for end in range(min(len(key), start + longest), start, -1):
                if any(key[start:end] in tier.chinese for tier in tiers):
                    pieces.append(key[start:end])
                    start = end
                    break
            else:
                return None
        return pieces


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon (one per process): the policy table, then CC-CEDICT."""
    return Lexicon(policy_pairs(), cedict_pairs)
