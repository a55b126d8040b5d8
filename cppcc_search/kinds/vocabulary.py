"""The section-kind vocabulary: each kind's code, labels, description and cues, from kinds.json.

The data file is the one definition of the kinds; this module reads and checks it. It imports
nothing heavy, so the extractor and the web app can load it cheaply.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cppcc_search.errors import CppccSearchError
from cppcc_search.models import LANGUAGES

# Cue tiers in the order a heading is read: a higher tier decides over every lower one.
HEADING_TIERS = ("topic", "function", "general")
TIERS = (*HEADING_TIERS, "frame", "text")
# The kind a part's frame ("2023年工作回顾", "Main Tasks") gets, and the kind of last resort.
OVERVIEW = "overview"
OTHER = "other"
# Kinds that say nothing about an area: a child section does not inherit them.
UNINFORMATIVE = frozenset({OVERVIEW, OTHER})

_CODE = re.compile(r"[a-z][a-z0-9_]{1,30}")
DATA_FILE = "kinds.json"


class VocabularyError(CppccSearchError):
    """The kinds file is missing, not JSON, or breaks one of its rules."""


@dataclass(frozen=True)
class Kind:
    """One kind of section: a stable code, its labels in both languages, and its cues."""

    code: str
    zh: str
    en: str
    description: str
    # tier -> language -> cues
    cues: dict[str, dict[str, tuple[str, ...]]]

    def label(self) -> dict[str, str]:
        """The public record of the kind: ``{code, zh, en, description}``."""
        return {"code": self.code, "zh": self.zh, "en": self.en, "description": self.description}


@dataclass(frozen=True)
class Vocabulary:
    """Every kind in tie-break order, plus the words that carry no kind."""

    kinds: tuple[Kind, ...]
    # Heading words that say nothing by themselves ("其他", "Part"), per language.
    filler: dict[str, tuple[str, ...]]
    # Phrases that hide the cues inside them ("历史性" is not history), per language.
    neutral: dict[str, tuple[str, ...]]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(kind.code for kind in self.kinds)

    def kind(self, code: str) -> Kind:
        """The kind with this code; a one-line error for an unknown code."""
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise VocabularyError(f"unknown section kind {code!r}; known: {', '.join(self.codes)}")

    def rank(self, code: str) -> int:
        """The kind's place in tie-break order (lower wins)."""
        return self.codes.index(code)


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read and check a kinds file (the packaged one by default)."""
    try:
        if path is None:
            raw = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
            where = DATA_FILE
        else:
            raw = path.read_text(encoding="utf-8")
            where = str(path)
        data = json.loads(raw)
    except OSError as error:
        raise VocabularyError(f"cannot read the section kinds file: {error}") from error
    except ValueError as error:
        raise VocabularyError(f"{where}: not JSON: {error}") from error
    return _parse(data, where)


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, read once."""
    return load_vocabulary()


def section_kinds() -> list[dict[str, str]]:
    """``[{code, zh, en, description}]`` for every kind, in vocabulary order."""
    return [kind.label() for kind in vocabulary().kinds]


def _parse(data: Any, where: str) -> Vocabulary:
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), list):
        raise VocabularyError(f"{where}: expected an object with a list of kinds")
    kinds = tuple(_parse_kind(item, where) for item in data["kinds"])
    vocab = Vocabulary(
        kinds=kinds,
        filler=_word_lists(data.get("filler", {}), f"{where}: filler"),
        neutral=_word_lists(data.get("neutral", {}), f"{where}: neutral"),
    )
    _check_whole(vocab, where)
    return vocab


def _parse_kind(item: Any, where: str) -> Kind:
    if not isinstance(item, dict):
        raise VocabularyError(f"{where}: every kind must be an object")
    code = item.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise VocabularyError(f"{where}: kind code {code!r} is not a short lower-case ASCII slug")
    for name in ("zh", "en", "description"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            raise VocabularyError(f"{where}: kind {code!r} has no {name}")
    cues = item.get("cues", {})
    if not isinstance(cues, dict) or set(cues) - set(TIERS):
        raise VocabularyError(f"{where}: kind {code!r} has cue tiers other than {TIERS}")
    parsed = {tier: _word_lists(lists, f"{where}: {code}.{tier}") for tier, lists in cues.items()}
    return Kind(code, item["zh"].strip(), item["en"].strip(), item["description"].strip(), parsed)


def _word_lists(lists: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(lists, dict) or set(lists) - set(LANGUAGES):
        raise VocabularyError(f"{where}: expected word lists keyed by {LANGUAGES}")
    out: dict[str, tuple[str, ...]] = {}
    for language, words in lists.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise VocabularyError(f"{where}.{language}: expected a list of non-empty strings")
        if language == "en" and any(w != w.lower() for w in words):
            raise VocabularyError(f"{where}.en: English cues are lower-case")
        out[language] = tuple(w.strip() for w in words)
    return out


def _check_whole(vocab: Vocabulary, where: str) -> None:
    """Rules across kinds: unique codes, the two fixed kinds, one owner per cue."""
    codes = vocab.codes
    if len(set(codes)) != len(codes):
        raise VocabularyError(f"{where}: kind codes repeat")
    for needed in (OVERVIEW, OTHER):
        if needed not in codes:
            raise VocabularyError(f"{where}: the vocabulary needs a {needed!r} kind")
    for language in LANGUAGES:
        owner: dict[str, str] = {cue: "neutral" for cue in vocab.neutral.get(language, ())}
        for kind in vocab.kinds:
            for tier, lists in kind.cues.items():
                for cue in lists.get(language, ()):
                    here = f"{kind.code}.{tier}"
                    if cue in owner:
                        raise VocabularyError(
                            f"{where}: {language} cue {cue!r} is in both {owner[cue]} and {here}"
                        )
                    owner[cue] = here
