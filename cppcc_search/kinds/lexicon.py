"""The cue lexicon: finds the vocabulary's cues in a heading or a text, longest cue first.

One regular expression per language holds every cue (and every neutral phrase), longest first,
so that at each position the longest cue wins: 经济体制改革 is one reform cue, not an economy cue
followed by a reform cue, and 历史性 hides the history cue inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from cppcc_search.kinds.vocabulary import Vocabulary, vocabulary

# English is matched on lower-case text with one kind of apostrophe and hyphens read as spaces,
# so "people’s well-being" meets the cue "people's well being".
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})
_DASHES = re.compile(r"[\-‐‑‒–—]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Hit:
    """One cue found: the kind it speaks for (None for a neutral phrase) and its tier."""

    kind: str | None
    tier: str
    start: int


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]
    # exact cue text -> (kind, tier); prefix cues (English "ecolog*") by their stem
    exact: dict[str, tuple[str | None, str]]
    stems: tuple[tuple[str, tuple[str | None, str]], ...]

    def owner(self, matched: str) -> tuple[str | None, str]:
        found = self.exact.get(matched)
        if found is not None:
            return found
        for stem, value in self.stems:
            if matched.startswith(stem):
                return value
        # The pattern is built from the cues, so a match always has one.
        raise AssertionError(f"matched {matched!r} belongs to no cue")


def normalise(text: str, language: str) -> str:
    """The form cues are matched against."""
    if language == "en":
        text = _DASHES.sub(" ", text.translate(_APOSTROPHES).lower())
    return _SPACES.sub(" ", text)


def scan(text: str, language: str) -> list[Hit]:
    """Every cue in the text, left to right, none overlapping."""
    matcher = _matcher(language)
    text = normalise(text, language)
    hits = []
    for match in matcher.pattern.finditer(text):
        kind, tier = matcher.owner(match.group(0))
        hits.append(Hit(kind, tier, match.start()))
    return hits


@cache
def _matcher(language: str) -> _Matcher:
    return _build(vocabulary(), language)


def _build(vocab: Vocabulary, language: str) -> _Matcher:
    entries: dict[str, tuple[str | None, str]] = {
        cue: (None, "neutral") for cue in vocab.neutral.get(language, ())
    }
    for kind in vocab.kinds:
        for tier, lists in kind.cues.items():
            for cue in lists.get(language, ()):
                entries[cue] = (kind.code, tier)
    exact: dict[str, tuple[str | None, str]] = {}
    stems: list[tuple[str, tuple[str | None, str]]] = []
    alternatives: list[tuple[int, str]] = []
    for cue, value in entries.items():
        if language == "en":
            prefix = cue.endswith("*")
            words = normalise(cue.rstrip("*"), "en").split(" ")
            body = r"[\s]+".join(re.escape(word) for word in words)
            alternatives.append((len(cue), r"\b" + body + (r"\w*" if prefix else r"\b")))
            if prefix:
                stems.append((" ".join(words), value))
            else:
                exact[" ".join(words)] = value
        else:
            alternatives.append((len(cue), re.escape(cue)))
            exact[cue] = value
    # Longest first, so the regex engine's first match at a position is the longest cue there.
    alternatives.sort(key=lambda item: -item[0])
    stems.sort(key=lambda item: -len(item[0]))
    pattern = re.compile("|".join(alt for _, alt in alternatives))
    return _Matcher(pattern, exact, tuple(stems))
