"""Query translation: each English term also searched in Chinese, each Chinese term in English.

Works on a parsed query (indexer.search.querylang) and gives back an expanded one, so the query
language keeps its meaning: a run of English words is matched longest first against the lexicon
("new energy vehicles" is one term, 新能源汽车, not three), and a matched run becomes one group
(the words as typed OR each rendering); a quoted phrase translates only as a whole and its
rendering stays one unit; an OR group gains its clauses' renderings; an excluded term's renderings
are excluded too; title:/section: scopes carry over. Words the lexicon knows only one by one are
tried joined (数字 + 经济 → 数字经济, 新能源 + 车 → "new energy vehicle") and kept joined when the
archive holds the joined form.

Renderings are ranked by how many sections hold each (a callback, so this module needs no index),
those the archive lacks are dropped, as are those that only narrow one already kept (养老服务
once 养老 is kept), and at most ``limit`` stay per term.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from cppcc_search.cjk import CJK_RUN
from indexer.search.lexicon import EnglishKey, Lexicon, Rendering, english_key, english_words
from indexer.search.querylang import Clause, ParsedQuery
from indexer.search.types import Translation

# How many sections of the archive hold a rendering (a Chinese string, or English words as a
# phrase): 0 means the rendering is not searched. A frequency may also offer
# ``many(texts) -> {text: count}``, which is then asked for a term's candidates at once (an
# engine behind a network counts them in one request).
Frequency = Callable[[str], int]
LIMIT = 3  # renderings kept per term
MAX_CANDIDATES = 16  # renderings counted per term: each costs one lookup in the index
MIN_CHINESE = 2  # a single character matches as a substring almost anywhere: only joins use one
JOIN_WIDTH = 4  # renderings of each side tried in a join
MAX_JOINED = 16  # joined forms tried for one Chinese term split into known pieces
# Renderings counted for one whole query. Each count is a lookup in the index, so a query of
# dozens of terms (64 single characters, say) would otherwise spend seconds translating; past
# this, further renderings count as absent and the terms are searched as typed.
MAX_LOOKUPS = 96


@dataclass
class TranslatedQuery:
    """The expanded query, and the translations it holds (empty: nothing was added)."""

    parsed: ParsedQuery
    translations: list[Translation] = field(default_factory=list)


def translate_query_terms(
    parsed: ParsedQuery,
    lexicon: Lexicon,
    frequency: Frequency,
    limit: int = LIMIT,
    off: Iterable[str] = (),
) -> TranslatedQuery:
    """Expand every translatable term of the query with its renderings that occur in the archive."""
    translator = _Translator(lexicon, _Counts(frequency), limit, frozenset(off))
    groups: list[list[Clause]] = []
    run: list[Clause] = []
    for group in parsed.groups:
        if len(group) == 1 and _is_english_word_clause(group[0]) and _same_scope(run, group[0]):
            run.append(group[0])
            continue
        groups.extend(translator.english_run(run))
        run = [group[0]] if len(group) == 1 and _is_english_word_clause(group[0]) else []
        if not run:
            groups.append(translator.alternatives(group))
    groups.extend(translator.english_run(run))
    excluded = translator.alternatives(parsed.excluded)
    expanded = ParsedQuery(groups=groups, excluded=excluded, years=list(parsed.years))
    return TranslatedQuery(expanded, translator.translations)


def _is_english_word_clause(clause: Clause) -> bool:
    return not clause.phrase and _language(clause.text) == "en"


def _same_scope(run: list[Clause], clause: Clause) -> bool:
    return not run or run[-1].scope == clause.scope


def _language(text: str) -> str | None:
    """ "zh" for one run of Chinese characters, "en" for plain English words, else None."""
    if CJK_RUN.fullmatch(text):
        return "zh"
    if text.isascii() and english_words(text):
        return "en"
    return None


class _Counts:
    """The frequency callback, asked once per rendering and at most ``budget`` times a query."""

    def __init__(self, frequency: Frequency, budget: int = MAX_LOOKUPS) -> None:
        self._frequency = frequency
        self._known: dict[str, int] = {}
        self._budget = budget

    def __call__(self, text: str) -> int:
        if text not in self._known:
            if len(self._known) >= self._budget:
                return 0
            self._known[text] = self._frequency(text)
        return self._known[text]

    def prefetch(self, texts: Iterable[str]) -> None:
        """Count the texts not counted yet together, when the frequency can."""
        many = getattr(self._frequency, "many", None)
        wanted = [text for text in dict.fromkeys(texts) if text not in self._known]
        wanted = wanted[: max(0, self._budget - len(self._known))]
        if many is not None and len(wanted) > 1:
            self._known.update(many(wanted))


@dataclass
class _Span:
    """Consecutive English words matched by one lexicon entry (none: no renderings)."""

    words: list[str]
    renderings: list[Rendering]
    stop: bool = False  # stop words only (the whole run was stop words)


class _Translator:
    def __init__(self, lexicon: Lexicon, counts: _Counts, limit: int, off: frozenset[str]) -> None:
        self.lexicon = lexicon
        self.counts = counts
        self.limit = limit
        self.off = off
        self.translations: list[Translation] = []

    # -- groups -------------------------------------------------------------------------------

    def english_run(self, run: list[Clause]) -> list[list[Clause]]:
        """Consecutive one-word English groups: one group per matched span of words."""
        if not run:
            return []
        words = [word for clause in run for word in clause.text.split()]
        groups = []
        for span in self.spans(words):
            original = Clause(text=" ".join(span.words), scope=run[0].scope)
            renderings = self.chosen(original.text, span.renderings, "zh")
            groups.append([original, *self.clauses(renderings, original)])
        return groups

    def alternatives(self, clauses: Sequence[Clause]) -> list[Clause]:
        """Each clause, followed by its renderings (a phrase or a Chinese term as one unit)."""
        expanded: list[Clause] = []
        for clause in clauses:
            expanded.append(clause)
            language = _language(clause.text)
            if language == "zh" and len(clause.text) < MIN_CHINESE:
                continue  # one character's dictionary senses are too many to mean anything
            if language == "zh":
                found = self.chosen(clause.text, self.chinese_candidates(clause.text), "en")
            elif language == "en":
                found = self.chosen(clause.text, self.whole_english(clause.text), "zh")
            else:
                continue
            expanded.extend(self.clauses(found, clause))
        return expanded

    def clauses(self, renderings: list[str], original: Clause) -> list[Clause]:
        return [replace(original, text=text, phrase=len(text.split()) > 1) for text in renderings]

    # -- English → Chinese --------------------------------------------------------------------

    def spans(self, words: list[str]) -> list[_Span]:
        """The words as lexicon entries, longest first; neighbours joined where the archive
        holds their renderings written together. Stop words and particles go with the entry
        after them (or, at the end, before them): "opening up" stays one unit."""
        keys = [english_key(english_words(word)) for word in words]
        spans: list[_Span] = []
        pending: list[str] = []
        index = 0
        while index < len(words):
            if not keys[index]:
                pending.append(words[index])
                index += 1
                continue
            owners = [i for i in range(index, len(words)) for _ in keys[i]]
            key = [part for i in range(index, len(words)) for part in keys[i]]
            end, renderings = self.lexicon.english_match(key, 0)
            last = owners[end - 1] if end else index
            if _trailing(keys, last + 1):
                last = len(words) - 1
            spans.append(_Span(pending + words[index : last + 1], renderings))
            pending = []
            index = last + 1
        if pending:
            if spans:
                spans[-1].words.extend(pending)
            else:
                spans.append(_Span(pending, [], stop=True))
        return self.joined(spans)

    def joined(self, spans: list[_Span]) -> list[_Span]:
        """Neighbouring spans merged where a concatenation of their renderings occurs."""
        merged: list[_Span] = []
        for span in spans:
            previous = merged[-1] if merged else None
            if previous is not None and previous.renderings and span.renderings:
                together = self.occurring(self.concatenations(previous, span))
                if together:
                    merged[-1] = _Span(previous.words + span.words, together)
                    continue
            merged.append(span)
        return merged

    def concatenations(self, left: _Span, right: _Span) -> list[Rendering]:
        """The two spans' likeliest renderings written together."""
        pairs = itertools.product(self.best(left.renderings), self.best(right.renderings))
        return [Rendering(a.text + b.text, a.sense + b.sense) for a, b in pairs]

    def whole_english(self, text: str) -> list[Rendering]:
        """Renderings of an English clause as one unit (a phrase): whole entry or joined spans."""
        spans = [s for s in self.spans(text.split()) if not s.stop]
        return spans[0].renderings if len(spans) == 1 else []

    # -- Chinese → English --------------------------------------------------------------------

    def chinese_candidates(self, text: str) -> list[Rendering]:
        """English renderings of a Chinese term: whole, or its known pieces' renderings joined."""
        found = self.lexicon.chinese_renderings(text)
        if found:
            return found
        pieces = self.lexicon.chinese_pieces(text)
        if not pieces or len(pieces) < 2:
            return []
        joined = [Rendering("", 0)]
        for piece in pieces:
            options = self.best(self.lexicon.chinese_renderings(piece))
            joined = [
                Rendering(f"{a.text} {b.text}".strip(), a.sense + b.sense)
                for a, b in itertools.product(joined, options)
            ][:MAX_JOINED]
        return joined

    # -- ranking ------------------------------------------------------------------------------

    def best(self, candidates: list[Rendering]) -> list[Rendering]:
        """The few likeliest renderings that occur, what joins are built from: single Chinese
        characters (which occur everywhere) only where too few words do."""
        ranked = self.occurring(candidates)
        words = [r for r in ranked if len(r.text) >= MIN_CHINESE or not CJK_RUN.fullmatch(r.text)]
        return (words + [r for r in ranked if r not in words])[:JOIN_WIDTH]

    def occurring(self, candidates: list[Rendering]) -> list[Rendering]:
        """The candidates the archive holds, likeliest first: sections holding the rendering,
        discounted by how far down its dictionary entry the gloss stands (a word's fourth sense
        is rarely what a query means)."""
        senses: dict[str, int] = {}
        for text, sense in candidates[: MAX_CANDIDATES * 4]:
            senses[text] = min(sense, senses.get(text, sense))
        self.counts.prefetch(list(senses)[:MAX_CANDIDATES])
        counted = [
            (self.counts(text) / (1 + sense), Rendering(text, sense))
            for text, sense in list(senses.items())[:MAX_CANDIDATES]
        ]
        return [r for score, r in sorted(counted, key=lambda c: -c[0]) if score > 0]

    def chosen(self, term: str, candidates: list[Rendering], language: str) -> list[str]:
        """The renderings searched for a term; records the translation when there are any."""
        folded = term.lower()
        candidates = [
            c
            for c in candidates
            if c.text.lower() != folded and not (language == "zh" and len(c.text) < MIN_CHINESE)
        ]
        turned_off = tuple(dict.fromkeys(c.text for c in candidates if c.text in self.off))
        kept: list[str] = []
        for rendering in self.occurring([c for c in candidates if c.text not in self.off]):
            if not any(_narrows(rendering.text, other) for other in kept):
                kept = [k for k in kept if not _narrows(k, rendering.text)] + [rendering.text]
        kept = kept[: self.limit]
        if kept or turned_off:
            self.translations.append(Translation(term, language, tuple(kept), turned_off))
        return kept


def _trailing(keys: list[EnglishKey], index: int) -> bool:
    """True when no word with a key follows ``index``: the stop words there end the run."""
    return not any(keys[index:])


def _narrows(text: str, other: str) -> bool:
    """True when every match of ``text`` is also a match of ``other`` (it contains it)."""
    if CJK_RUN.fullmatch(text):
        return other in text
    words, within = english_key(english_words(text)), english_key(english_words(other))
    return any(words[i : i + len(within)] == within for i in range(len(words) - len(within) + 1))
