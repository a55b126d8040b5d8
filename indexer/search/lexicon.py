"""The bilingual lexicon: English word sequences → Chinese terms, Chinese terms → English terms.

Two tiers, consulted in order: the table of CPPCC and policy terms (cppcc_search/lexicon), curated
for this archive, and CC-CEDICT for everything else. The dictionary is large (122,000 entries), so
it is read only when a query needs a word the table lacks, and its entries are parsed per word
(cppcc_search.lexicon.cedict).

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
from typing import NamedTuple

from whoosh.lang.porter import stem

from cppcc_search.cjk import CJK_RUN
from cppcc_search.lexicon.cedict import Cedict
from cppcc_search.lexicon.pairs import TermPair, policy_pairs
from indexer.index.analysis import ENGLISH_STOP_WORDS

EnglishKey = tuple[str, ...]
_WORD = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['’]s\b")
# Phrasal-verb particles carry no meaning of their own in a term ("opening up", "lift out of").
_PARTICLES = frozenset({"up", "out", "off"})


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
    if word in ENGLISH_STOP_WORDS or word in _PARTICLES:
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


def stem_key(key: EnglishKey) -> EnglishKey:
    """A key's words as the index's Porter stemmer reduces them."""
    return tuple(map(_porter, key))


@lru_cache(maxsize=1 << 16)
def _porter(word: str) -> str:
    return stem(word) if word.isalpha() else word


def _derives(words: EnglishKey, entry: EnglishKey) -> bool:
    """True when each query word extends the entry's word (a final "e" or "y" may change)."""
    return all(
        w.startswith(e[:-1] if e[-1:] in "ey" else e) for w, e in zip(words, entry, strict=True)
    )


def chinese_key(text: str) -> str:
    """The lookup key of a Chinese term."""
    return unicodedata.normalize("NFKC", text)


class Rendering(NamedTuple):
    """A term in the other language, and how far down its entry the pair's gloss stands."""

    text: str
    sense: int = 0  # 0 for the table, and for a dictionary entry's first gloss


@dataclass
class Tier:
    """One source's renderings in both directions, in the order the source gives them."""

    english: dict[EnglishKey, list[Rendering]] = field(default_factory=dict)
    chinese: dict[str, list[Rendering]] = field(default_factory=dict)
    # The same entries by the Porter stems of their words (with their own keys), for words
    # derived from an entry's: "consultation" finds "consult with" (协商).
    stems: dict[EnglishKey, list[tuple[EnglishKey, Rendering]]] = field(default_factory=dict)
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
            rendering = Rendering(chinese, pair.sense)
            tier.english.setdefault(key, []).append(rendering)
            tier.stems.setdefault(stem_key(key), []).append((key, rendering))
            tier.longest = max(tier.longest, len(key))
            renderings = tier.chinese.setdefault(chinese, [])
            renderings.append(Rendering(pair.english, pair.sense))
            tier.longest_chinese = max(tier.longest_chinese, len(chinese))
        return tier


class Lexicon:
    """The curated table first, then the dictionary (read on first need)."""

    def __init__(
        self, table: Iterable[TermPair], dictionary: Callable[[], Cedict] | None = None
    ) -> None:
        self._table = Tier.of(table)
        self._open_dictionary = dictionary
        self._dictionary: Cedict | None = None
        self._by_word: dict[str, Tier] = {}
        self._lock = threading.Lock()

    def dictionary(self) -> Cedict | None:
        """The dictionary, read on first use (None when the lexicon has none)."""
        with self._lock:
            if self._dictionary is None and self._open_dictionary is not None:
                self._dictionary = self._open_dictionary()
            return self._dictionary

    def warm(self) -> None:
        """Read the dictionary and list its headwords now: a few seconds that the first query
        holding a term the table lacks would otherwise wait (a server calls this as it starts;
        a query arriving meanwhile waits on the same locks, nothing is read twice)."""
        dictionary = self.dictionary()
        if dictionary is not None:
            dictionary.headwords()

    def _dictionary_tier(self, word: str) -> Tier | None:
        """The dictionary's entries whose glosses hold the word (any inflection), as a tier."""
        dictionary = self.dictionary()
        if dictionary is None:
            return None
        prefix = _scan_prefix(word)
        with self._lock:
            tier = self._by_word.get(prefix)
        if tier is None:
            tier = Tier.of(dictionary.mentioning(prefix))
            with self._lock:
                if len(self._by_word) >= _WORD_TIERS:
                    self._by_word.clear()  # a bound for hostile queries; a corpus's words fit
                self._by_word[prefix] = tier
        return tier

    def english_match(self, key: Sequence[str], start: int) -> tuple[int, list[Rendering]]:
        """The longest entry starting at ``key[start]``: (end, Chinese renderings), or (start, []).

        The table answers when it has any entry there, so its renderings are never mixed with
        the dictionary's.
        """
        for tier in self._english_tiers(key[start]):
            for end in range(min(len(key), start + tier.longest), start, -1):
                words = tuple(key[start:end])
                found = list(tier.english.get(words, ()))
                # Through the stems, entries whose words the query's words derive from
                # ("consultation" from "consult with", not "imports" from "important"), one
                # sense lower.
                found += [
                    Rendering(r.text, r.sense + 1)
                    for entry, r in tier.stems.get(stem_key(words), ())
                    if entry != words
                    and _derives(words, entry)
                    and r.text not in {f.text for f in found}
                ]
                if found:
                    return end, found
        return start, []

    def _english_tiers(self, word: str) -> Iterator[Tier]:
        """The table, then the dictionary's entries for the word: lazily, so a word the table
        knows never costs a look into the dictionary."""
        yield self._table
        tier = self._dictionary_tier(word)
        if tier is not None:
            yield tier

    def chinese_renderings(self, text: str) -> list[Rendering]:
        """English renderings of a whole Chinese term (table first, then dictionary)."""
        key = chinese_key(text)
        found = self._table.chinese.get(key)
        if found:
            return list(found)
        dictionary = self.dictionary()
        if dictionary is None:
            return []
        return Tier.of(dictionary.for_chinese(key)).chinese.get(key, [])

    def chinese_pieces(self, text: str) -> list[str] | None:
        """The term split into known terms, longest first from the left (None if it cannot be)."""
        dictionary = self.dictionary()
        headwords = dictionary.headwords() if dictionary is not None else {}
        known = self._table.chinese
        longest = max(self._table.longest_chinese, _LONGEST_HEADWORD if headwords else 0)
        key = chinese_key(text)
        pieces: list[str] = []
        start = 0
        while start < len(key):
            for end in range(min(len(key), start + longest), start, -1):
                if key[start:end] in known or key[start:end] in headwords:
                    pieces.append(key[start:end])
                    start = end
                    break
            else:
                return None
        return pieces


_WORD_TIERS = 4096
_LONGEST_HEADWORD = 8  # longer dictionary headwords are idioms and names, not pieces of a term


def _scan_prefix(word: str) -> str:
    """What every inflection of a word starts with: its base form and its stem in common."""
    stemmed = _porter(word)
    common = 0
    while common < min(len(word), len(stemmed)) and word[common] == stemmed[common]:
        common += 1
    return word[: max(common, min(len(word), 3))]


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon (one per process): the policy table, then CC-CEDICT."""
    return Lexicon(policy_pairs(), Cedict)
