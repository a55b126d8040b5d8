"""English–Chinese term pairs, and the table of CPPCC and policy terms shipped with the package."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cppcc_search.errors import LexiconError

POLICY_TERMS = "policy_terms.tsv"


@dataclass(frozen=True)
class TermPair:
    """One English term and one Chinese term that render each other, and where the pair is from."""

    english: str
    chinese: str
    source: str
    sense: int = 0  # the English gloss's place among the dictionary entry's glosses (0: first)


def policy_pairs(path: Path | None = None) -> list[TermPair]:
    """The policy term table (``policy_terms.tsv`` beside this module unless a path is given)."""
    if path is None:
        text = resources.files(__package__).joinpath(POLICY_TERMS).read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return parse_pairs(text)


def parse_pairs(text: str) -> list[TermPair]:
    """Pairs from tab-separated lines (english, chinese, source); '#' lines are comments."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 3 or not all(fields):
            raise LexiconError(
                f"{POLICY_TERMS} line {number}: want english<TAB>chinese<TAB>source, got {line!r}"
            )
        pairs.append(TermPair(*fields))
    return pairs
