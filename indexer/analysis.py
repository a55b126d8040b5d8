"""Bilingual text analysis, identical at index and query time.

Two token streams come out of one text:

* words — jieba's dictionary in search mode (via rjieba) for Chinese, lowercased, stop-word-free,
  Porter-stemmed words for English; positions are sequential (one per distinct token start, so
  overlapping search-mode sub-words share the position of the word they start), character offsets
  are real, so phrases and stored-offset highlighting work;
* bigrams — overlapping Chinese character bigrams (plus the last character of each run) at
  sequential positions, so any Chinese string is an exact phrase over bigrams: substring recall
  that a word segmenter alone cannot give ("开发新能源" is segmented 开发新 / 能源).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter import stem

# CJK Unified Ideographs, Extension A, compatibility ideographs, Extensions B-F.
CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")
_SURROGATES_AND_CONTROLS = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ENGLISH_STOP_WORDS = frozenset(STOP_WORDS)


@dataclass(frozen=True, slots=True)
class WordToken:
    """One analysed word: the indexed term, its position and its character span."""

    term: str
    pos: int
    start: int
    end: int


def clean_text(text: str) -> str:
    """Drop lone surrogates and control characters that no analyser should see."""
    return _SURROGATES_AND_CONTROLS.sub(" ", text)


def is_cjk(text: str) -> bool:
    """True when the text is one run of Chinese characters."""
    return bool(CJK_RUN.fullmatch(text))


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
def _segmenter() -> Any:
    # Imported on first use: loading jieba's dictionary is most of a cold start, and a Chinese
    # query is answered from the bigram field without it.
    import rjieba

    return rjieba


def word_tokens(text: str, stemming: bool = True) -> list[WordToken]:
    """Segment text (jieba search mode) into terms with sequential positions and char offsets."""
    rjieba = _segmenter()
    raw = [
        (word, start, end)
        for word, start, end in rjieba.tokenize(clean_text(text), mode="search")
        if _is_wordlike(word)
    ]
    raw.sort(key=lambda item: (item[1], item[2]))
    tokens: list[WordToken] = []
    pos = -1
    last_start = -1
    for word, start, end in raw:
        if start != last_start:
            pos += 1
            last_start = start
        term = normalise_word(word, stemming)
        if term:
            tokens.append(WordToken(term, pos, start, end))
    return tokens


def bigram_tokens(text: str) -> list[tuple[str, int]]:
    """Overlapping bigrams of each Chinese run (and its last character) with positions."""
    tokens: list[tuple[str, int]] = []
    pos = 0
    for match in CJK_RUN.finditer(text):
        run = match.group()
        tokens.extend((run[i : i + 2], pos + i) for i in range(len(run) - 1))
        tokens.append((run[-1], pos + len(run) - 1))
        pos += len(run) + 1  # a gap, so no phrase spans punctuation or another script
    return tokens


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
