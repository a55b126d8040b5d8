"""Where a piece of stored text may start and end: at punctuation, spaces or whole words.

Browsers match a URL text fragment only where its ends fall on word boundaries, and Chromium
finds those with ICU's word breaker, which splits Chinese with a dictionary of its own (not
jieba's). So a position is taken as a boundary only where every segmentation agrees: next to
punctuation or whitespace, at the edge of the text, or where Chinese meets a Latin letter or digit.
A position inside a run of Chinese characters, or inside a word or number ("5.2", "1,000",
"people's"), is never one. Snippets start and end at the same positions, so they read as
whole clauses and words.
"""

from __future__ import annotations

from cppcc_search.cjk import CJK_CHAR

# Inside a number or a word when a Latin letter or digit is on both sides: "5.2", "1,000",
# "people's", "10:30" (ICU's MidNum and MidLetter classes).
_MID_WORD = frozenset(".,'’:·")
# Where a sentence ends, and where a clause does, in either language (a Latin full stop or
# comma only before a space or the end: not in "5.2" or "1,000").
_SENTENCE_ENDS = frozenset("。！？；!?;\n")
_CLAUSE_MARKS = frozenset("，、：")
_LATIN_ENDS = {".": _SENTENCE_ENDS, ",": _CLAUSE_MARKS, ":": _CLAUSE_MARKS}


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def _is_latin_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _separates(text: str, index: int) -> bool:
    """Whether the character at ``index`` (not a letter, digit or ideograph) splits words."""
    char = text[index]
    if char.isspace():
        return True
    if _is_word_char(char):
        return False
    if char in _MID_WORD and 0 < index < len(text) - 1:
        return not (_is_latin_word_char(text[index - 1]) and _is_latin_word_char(text[index + 1]))
    return True


def _script_changes(left: str, right: str) -> bool:
    """Chinese next to a Latin letter or digit: a boundary in every segmentation."""
    # The regex, not cjk.is_cjk_char's loop over ranges: snippets and links test thousands
    # of positions per search.
    return (_CJK_MATCH(left) is None) != (_CJK_MATCH(right) is None)


_CJK_MATCH = CJK_CHAR.match


def is_word_start(text: str, index: int) -> bool:
    """Whether a passage may start at ``index``: a word begins there in any segmentation."""
    if not 0 <= index < len(text) or not _is_word_char(text[index]):
        return False
    if index == 0:
        return True
    before = text[index - 1]
    if _is_word_char(before):
        return _script_changes(before, text[index])
    return _separates(text, index - 1)


def is_word_end(text: str, index: int) -> bool:
    """Whether a passage may end just before ``index``: a word ends there in any segmentation."""
    if not 0 < index <= len(text) or not _is_word_char(text[index - 1]):
        return False
    if index == len(text):
        return True
    after = text[index]
    if _is_word_char(after):
        return _script_changes(text[index - 1], after)
    return _separates(text, index)


def word_start_at_or_after(text: str, index: int, limit: int) -> int | None:
    """The first word start in ``[index, limit]``, or None."""
    for position in range(max(0, index), min(limit, len(text) - 1) + 1):
        if is_word_start(text, position):
            return position
    return None


def word_start_at_or_before(text: str, index: int, limit: int = 0) -> int | None:
    """The last word start in ``[limit, index]``, or None."""
    for position in range(min(index, len(text) - 1), max(0, limit) - 1, -1):
        if is_word_start(text, position):
            return position
    return None


def word_end_at_or_before(text: str, index: int, limit: int) -> int | None:
    """The last word end in ``[limit, index]``, or None."""
    for position in range(min(index, len(text)), max(1, limit) - 1, -1):
        if is_word_end(text, position):
            return position
    return None


def word_end_at_or_after(text: str, index: int, limit: int) -> int | None:
    """The first word end in ``[index, limit]``, or None."""
    for position in range(max(1, index), min(limit, len(text)) + 1):
        if is_word_end(text, position):
            return position
    return None


def is_sentence_break(text: str, index: int) -> bool:
    """Whether the character at ``index`` ends a sentence."""
    return _ends(text, index, _SENTENCE_ENDS)


def is_clause_break(text: str, index: int) -> bool:
    """Whether the character at ``index`` ends a clause (a comma, an enumeration mark, a colon)."""
    return _ends(text, index, _CLAUSE_MARKS)


def _ends(text: str, index: int, marks: frozenset[str]) -> bool:
    char = text[index]
    if char in marks:
        return True
    if _LATIN_ENDS.get(char) is marks:
        return index + 1 == len(text) or text[index + 1].isspace()
    return False
