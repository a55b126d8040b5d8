"""Bilingual text analysis, identical at index and query time.

Two token streams come out of one text:

* words — jieba's dictionary in search mode (via rjieba) for Chinese, lowercased, stop-word-free,
  Porter-stemmed words for English; positions are sequential (one per distinct token start, so
  overlapping search-mode sub-words share the position of the word they start), character offsets
  are real, so phrases and stored-offset highlighting work;
* bigrams — overlapping Chinese character bigrams, and every character on its own: a
  section holding a Chinese string holds all of its bigrams (a single character is one exact
  term, never a prefix over the bigrams that start with it), which gives the substring recall a
  word segmenter alone cannot ("开发新能源" is segmented 开发新 / 能源). The index keeps their
  frequencies, not positions; exactness comes from checking the candidates' text
  (indexer.search.phrase).

The indexer's hot paths compute the same tokens with numpy: :func:`bigram_key_counts` here and
indexer.index.wordpostings for words.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter import stem

from cppcc_search.cjk import CJK_CHAR, CJK_RANGES, CJK_RUN

if TYPE_CHECKING:
    import numpy as np

_SURROGATES_AND_CONTROLS = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ENGLISH_STOP_WORDS = frozenset(STOP_WORDS)


class WordToken(NamedTuple):
    """One analysed word: the indexed term, its position and its character span.

    A named tuple rather than a frozen dataclass: the indexer makes one per word of the corpus,
    and a frozen dataclass's __init__ measured four times slower.
    """

    term: str
    pos: int
    start: int
    end: int


def clean_text(text: str) -> str:
    """Drop lone surrogates and control characters that no analyser should see."""
    return _SURROGATES_AND_CONTROLS.sub(" ", text)


def _is_wordlike(token: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def normalise_word(word: str, stemming: bool = True) -> str | None:
    """The index term for one segmented word (None for an English stop word)."""
    if word.isascii():
        lowered = word.lower()
        if lowered in ENGLISH_STOP_WORDS:
            return None
        return stem(lowered) if stemming and lowered.isalpha() else lowered
    return unicodedata.normalize("NFKC", word).lower()


@lru_cache(maxsize=1)
def segmenter() -> Any:
    # Imported on first use: loading jieba's dictionary is most of a cold start, and a Chinese
    # query is answered from the bigram field without it.
    import rjieba

    return rjieba


# A word of Latin letters and digits joined by hyphens ("new-energy", "low-carbon", "COVID-19").
_HYPHENATED = re.compile(r"[A-Za-z0-9]+(?:[-\u2010\u2011][A-Za-z0-9]+)+")
_HYPHENS = ("-", "\u2010", "\u2011")
_LATIN_PART = re.compile(r"[A-Za-z0-9]+")
Segment = tuple[str, int, int]  # word, start, end


def segment(text: str, joined: bool = True) -> list[Segment]:
    """jieba's search-mode words of a text, a hyphenated word given as its parts.

    jieba lists "new-energy" whole (and some of its parts): indexed so, ``new-energy`` would
    not find "new energy". Its parts are listed instead, at the positions of their own, so the
    hyphenated, spaced and phrase forms match alike. With ``joined`` (the index side), the word
    is also listed without its hyphens where it starts ("newenergy", a word with letters only),
    so a query that joins it finds the hyphenated text too; a query (``joined=False``) never
    asks for the joined form, which the spaced text does not hold.
    """
    text = clean_text(text)
    raw = segmenter().tokenize(text, mode="search")
    return with_hyphenated_parts(text, raw, joined) if has_hyphen(text) else raw


def has_hyphen(text: str) -> bool:
    """Whether a text may hold a hyphenated word (:func:`segment` lists such words apart)."""
    return any(hyphen in text for hyphen in _HYPHENS)


def with_hyphenated_parts(text: str, raw: list[Segment], joined: bool) -> list[Segment]:
    """jieba's words of a (clean) text with each hyphenated word as its parts (see
    :func:`segment`)."""
    compounds = [match.span() for match in _HYPHENATED.finditer(text)]
    if not compounds:
        return raw
    starts = [start for start, _ in compounds]
    words = [word for word in raw if not _inside(word, compounds, starts)]
    for start, end in compounds:
        compound = text[start:end]
        words.extend(
            (part.group(), start + part.start(), start + part.end())
            for part in _LATIN_PART.finditer(compound)
        )
        if joined and any(char.isalpha() for char in compound):
            words.append(("".join(_LATIN_PART.findall(compound)), start, end))
    return words


def _inside(word: Segment, compounds: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether a segmented word lies within one of the (sorted) hyphenated words."""
    at = bisect_right(starts, word[1]) - 1
    return at >= 0 and word[2] <= compounds[at][1]


def word_tokens(text: str, stemming: bool = True, joined: bool = True) -> list[WordToken]:
    """Segment text (jieba search mode) into terms with sequential positions and char offsets
    (a query passes ``joined=False``: see :func:`segment`)."""
    term_of = _stemmed_term if stemming else _plain_term
    raw = segment(text, joined)
    # Search mode lists a word's sub-words after it; positions follow start offsets.
    raw.sort(key=_START_END)
    tokens: list[WordToken] = []
    pos = -1
    last_start = -1
    for word, start, end in raw:
        term = term_of(word)
        if term is None:
            continue
        if start != last_start:
            pos += 1
            last_start = start
        if term:
            tokens.append(WordToken(term, pos, start, end))
    return tokens


@lru_cache(maxsize=1)
def _becoming_chinese() -> re.Pattern[str]:
    """A character class of every character that NFKC turns into something else holding a
    Chinese character: Kangxi radicals, compatibility ideographs, circled and squared
    ideographs (1,452 in Unicode 15, in 26 runs of consecutive code points). Compatibility
    decompositions exist only in planes 0-2, which are scanned once per process (~0.1 s,
    indexing only). The class lists runs, not characters: a class of 1,452 single characters
    beyond the BMP is matched item by item (3.4 ms a section, measured; 60 µs as runs)."""
    runs: list[list[int]] = []
    for code in range(0x30000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        normal = unicodedata.normalize("NFKC", char)
        if normal != char and CJK_CHAR.search(normal):
            if runs and runs[-1][1] == code - 1:
                runs[-1][1] = code
            else:
                runs.append([code, code])
    parts = (
        re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "")
        for low, high in runs
    )
    return re.compile(f"[{''.join(parts)}]")


def words_are_literal(*texts: str) -> bool:
    """True when no character of the texts normalises into a Chinese one.

    Word terms are NFKC-normalised (:func:`normalise_word`); in such texts a term made of
    Chinese characters is then always a string the text itself holds, so a section listed in
    its postings holds that string (indexer.search.phrase relies on it).
    """
    pattern = _becoming_chinese()
    return not any(pattern.search(text) for text in texts if text)


_START_END = itemgetter(1, 2)
# Memo sizes bound what hostile queries can make the caches hold; a corpus's vocabulary fits.
_TERM_CACHE = 1 << 18


@lru_cache(maxsize=_TERM_CACHE)
def _stemmed_term(word: str) -> str | None:
    return index_term(word, stemming=True)


@lru_cache(maxsize=_TERM_CACHE)
def _plain_term(word: str) -> str | None:
    return index_term(word, stemming=False)


def index_term(word: str, stemming: bool) -> str | None:
    """The index term of a segmented word: "" for a stop word, None when it is no word at all.

    A stop word still takes a position (so phrases keep their gaps); punctuation does not.
    """
    if not _is_wordlike(word):
        return None
    return normalise_word(word, stemming) or ""


def bigram_tokens(text: str) -> list[tuple[str, int]]:
    """Overlapping bigrams of each Chinese run and each of its characters, with positions (the
    reference the vectorised keys are tested against; Whoosh's own analyser uses it too)."""
    tokens: list[tuple[str, int]] = []
    pos = 0
    for match in CJK_RUN.finditer(text):
        run = match.group()
        tokens.extend((run[i : i + 2], pos + i) for i in range(len(run) - 1))
        tokens.extend((char, pos + i) for i, char in enumerate(run))
        pos += len(run) + 1  # a gap, so no phrase spans punctuation or another script
    return tokens


_KEY_SHIFT = 21  # bits of a code point
_KEY_MASK = (1 << _KEY_SHIFT) - 1


def chinese_code_points(text: str) -> tuple[np.ndarray, np.ndarray]:
    """A text's code points (uint32) and which of them are Chinese characters (``CJK_RANGES``),
    with numpy: what the indexer's vectorised analyses start from."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return codes, _chinese_mask()[codes]


@lru_cache(maxsize=1)
def _chinese_mask() -> np.ndarray:
    """Whether each code point is a Chinese character: one lookup a character."""
    import numpy as np

    mask = np.zeros(sys.maxunicode + 1, dtype=bool)
    for low, high in CJK_RANGES:
        mask[low : high + 1] = True
    return mask


def bigram_key_counts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The bigram tokens of a text as sorted unique integer keys, with how often each occurs.

    The same tokens as :func:`bigram_tokens` (pairs within each Chinese run, and each Chinese
    character), each packed as ``first << 21 | second`` (a lone character as if followed by
    code point 0), computed with numpy over the whole text: the indexer's hot path. Keys
    sort as the tokens' UTF-8 bytes do, which is the order an index stores terms in.
    """
    import numpy as np  # here, not at the top: searching never needs it (cold start)

    codes, chinese = chinese_code_points(text)
    next_chinese = np.zeros(len(codes), dtype=bool)
    next_chinese[:-1] = chinese[1:]
    pairs = (chinese & next_chinese)[:-1]
    wide = codes.astype(np.uint64) << _KEY_SHIFT
    keys = np.concatenate((wide[:-1][pairs] | codes[1:][pairs], wide[chinese]))
    return np.unique(keys, return_counts=True)


def bigram_key_ranks(keys: np.ndarray) -> np.ndarray:
    """Numbers that sort as the keys of :func:`bigram_key_counts` do, below 2**32 when the keys
    hold fewer than 65,536 distinct characters (else the keys themselves).

    Each character is replaced by its rank among the characters the keys hold: the pairs keep
    their order and fit in 32 bits, so the indexer can sort postings by packing a rank and a
    posting number into one 64-bit integer (indexer.index.segments).
    """
    import numpy as np

    firsts, seconds = keys >> np.uint64(_KEY_SHIFT), keys & np.uint64(_KEY_MASK)
    held = np.zeros(sys.maxunicode + 2, dtype=bool)
    held[0] = True  # a lone character's second
    held[firsts] = True
    held[seconds] = True
    rank = np.cumsum(held, dtype=np.uint64) - np.uint64(1)
    width = rank[-1] + np.uint64(1)
    if int(width) * int(width) > 1 << 32:
        return keys
    return rank[firsts] * width + rank[seconds]


def bigram_of_key(key: int) -> str:
    """The token a key of :func:`bigram_key_counts` stands for."""
    second = key & _KEY_MASK
    first = chr(key >> _KEY_SHIFT)
    return first + chr(second) if second else first


def run_bigrams(run: str) -> list[str]:
    """The bigrams a Chinese query run must match at consecutive positions."""
    return [run[i : i + 2] for i in range(len(run) - 1)] or [run]


TermSpan = tuple[str, int, int | None, int | None]  # term, position, start char, end char


class _TermTokenizer(Tokenizer):
    """A Whoosh tokenizer over ``(term, position, start, end)`` tuples from one of our functions."""

    def terms(self, value: str, stemming: bool) -> Iterator[TermSpan]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, start, end in self.terms(value, stemming=not kwargs.get("no_morph")):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal and start is not None:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars and start is not None and end is not None:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class WordTokenizer(_TermTokenizer):
    """Whoosh tokenizer over :func:`word_tokens` (the words analyser, for Whoosh's own use)."""

    def terms(self, value: str, stemming: bool) -> Iterator[TermSpan]:
        for word in word_tokens(value, stemming=stemming):
            yield word.term, word.pos, word.start, word.end


class BigramTokenizer(_TermTokenizer):
    """Whoosh tokenizer over :func:`bigram_tokens` (positions only: the field keeps no offsets)."""

    def terms(self, value: str, stemming: bool) -> Iterator[TermSpan]:
        for text, pos in bigram_tokens(value):
            yield text, pos, None, None
