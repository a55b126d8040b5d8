"""Passage links (text directives), the boundaries they and snippets keep, and snippet windows.

Chromium itself is driven in tests/webapp/test_passage_links.py; these check the rules the
directives are built by, on real report text from ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.boundaries import is_word_end, is_word_start
from indexer.search.passages import (
    PageText,
    TextDirective,
    encode_directive,
    first_match,
    fragment_url,
    passage_directive,
    passage_url,
)
from indexer.search.snippets import render_snippet, snippet_window, substring_spans
from tests.indexer.reports import CORPUS_NAME, paragraphs_of

ENGLISH = (
    "Over the past year, the committee made support for private enterprises a priority. "
    "Growth was 5.2% in 2023, and 1,000 members took part in people's consultations on "
    "new-energy vehicles. We will consult on ecology and the green transition, including "
    "new energy storage, elderly care and community services for the elderly."
)


def test_boundaries_sit_at_punctuation_spaces_and_script_changes():
    text = "推动乡村振兴，确定160个国家乡村振兴重点帮扶县。C919大飞机"
    starts = [i for i in range(len(text)) if is_word_start(text, i)]
    ends = [i for i in range(len(text) + 1) if is_word_end(text, i)]
    assert text[starts[0]] == "推" and text[starts[1]] == "确"
    # Inside a Chinese run nothing is assumed; a digit run next to Chinese is a word of its own.
    assert "160" in [text[a:b] for a in starts for b in ends if a < b]
    assert not is_word_start(text, text.index("振")) and not is_word_end(text, text.index("家") + 1)
    assert is_word_start(text, text.index("大")) and is_word_end(text, text.index("大"))


def test_english_boundaries_keep_numbers_and_words_whole():
    assert is_word_start(ENGLISH, ENGLISH.index("committee"))
    assert not is_word_start(ENGLISH, ENGLISH.index("ommittee"))
    for inside in ("5.2", "1,000", "people's"):
        cut = ENGLISH.index(inside) + 1
        assert not is_word_end(ENGLISH, cut) and not is_word_start(ENGLISH, cut + 1)
    hyphen = ENGLISH.index("new-energy") + 3
    assert is_word_end(ENGLISH, hyphen) and is_word_start(ENGLISH, hyphen + 1)


def test_directive_terms_encode_the_syntax_characters():
    assert encode_directive("a-b, c&d") == "a%2Db%2C%20c%26d"
    url = fragment_url("http://example.org/p.html#top", TextDirective("new-energy", "cars"))
    assert url == "http://example.org/p.html#:~:text=new%2Denergy,cars"
    both = TextDirective("b", prefix="a", suffix="c").encode()
    assert both == "a-,b,-c"
    assert fragment_url("http://example.org/p.html", None) == "http://example.org/p.html"


def test_a_short_passage_is_matched_whole_and_a_long_one_by_its_ends():
    text = (
        "围绕动力电池、光伏、储能和新能源汽车整车制造等产业链开展系列调研。"
        "推动新能源汽车产业链发展，助力民营经济健康发展。"
    )
    page = PageText.build("报告", (), None, text)
    short = text.index("光伏")
    directive = passage_directive(page, short, short + 2)
    assert directive == TextDirective("光伏")
    long = passage_directive(page, 0, len(text))
    assert long is not None and long.end
    # Each term starts and ends at punctuation; the closing full stop is left out.
    assert text.startswith(long.start) and text[len(long.start)] in "、，"
    assert long.end == "助力民营经济健康发展"
    assert first_match(page, long) == (page.section_start, len(page.text) - 1)
    inside = text.index("池、光伏")  # a window starting inside a word moves back to its start
    assert passage_directive(page, inside, inside + 4) == TextDirective("围绕动力电池、光伏")


def test_a_start_that_repeats_earlier_in_the_page_gets_context():
    repeated = "坚持稳中求进工作总基调"
    earlier = [(None, f"去年，我们{repeated}，经济运行总体平稳。"), ("二、今年的任务", "略。")]
    text = f"今年，{repeated}，推动高质量发展。"
    at = text.index(repeated)
    alone = passage_directive(PageText.build("报告", (), None, text), at, at + len(repeated))
    assert alone == TextDirective(repeated)
    page = PageText.build("报告", earlier, None, text)
    directive = passage_directive(page, at, at + len(repeated))
    assert directive is not None and directive != alone
    assert directive.prefix or directive.suffix
    target = page.section_start + at
    assert first_match(page, directive) == (target, target + len(repeated))


class _Earlier:
    """Earlier sections that count how often they are read."""

    def __init__(self, sections: list[tuple[str | None, str]]) -> None:
        self._sections = sections
        self.reads = 0

    def may_contain(self, text: str) -> bool:
        return any(text in body for _, body in self._sections)

    def sections(self) -> list[tuple[str | None, str]]:
        self.reads += 1
        return self._sections


def test_earlier_sections_are_read_only_when_the_start_may_occur_there():
    text = "今年，坚持稳中求进工作总基调，推动高质量发展。"
    window = (text.index("坚持"), text.index("，推动"))
    unrelated = _Earlier([(None, "去年经济运行总体平稳。")])
    plain = passage_url("http://example.org/r.html", "报告", None, text, window, unrelated)
    assert unrelated.reads == 0
    assert unquote(plain).endswith("#:~:text=坚持稳中求进工作总基调")
    repeating = _Earlier([(None, "去年，我们坚持稳中求进工作总基调，经济运行总体平稳。")])
    context = passage_url("http://example.org/r.html", "报告", None, text, window, repeating)
    assert repeating.reads == 1 and context != plain


def test_english_directives_start_and_end_on_whole_words():
    page = PageText.build("Work report", (), None, ENGLISH)
    start = ENGLISH.index("ommittee")  # a window cut inside a word moves to the word's start
    directive = passage_directive(page, start, ENGLISH.index("storage") + 3)
    assert directive is not None
    assert directive.start.startswith("committee") and directive.end.endswith("storage")


def _corpus_paragraphs() -> list[str]:
    path = Path(__file__).resolve().parents[3].parent / "shared" / CORPUS_NAME
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        lines = [json.loads(line) for _, line in zip(range(12), handle, strict=False)]
    return [p for record in lines for p in paragraphs_of(record["content"]) if len(p) > 40]


PARAGRAPHS = _corpus_paragraphs()


@pytest.mark.skipif(not PARAGRAPHS, reason="../shared's corpus is absent")
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_directive_lands_on_its_passage_with_bounded_terms(data):
    """On real report paragraphs (and English text), any window gives a directive whose first
    match is the passage and every term of which starts and ends on a boundary."""
    paragraphs = [*PARAGRAPHS, ENGLISH]
    chosen = data.draw(st.lists(st.sampled_from(paragraphs), min_size=1, max_size=4, unique=True))
    text = "\n".join(chosen[1:]) or chosen[0]
    earlier = [(None, chosen[0])] if len(chosen) > 1 else []
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 200)))
    page = PageText.build("政府工作报告", earlier, None, text)
    directive = passage_directive(page, start, end)
    assert directive is not None
    found = first_match(page, directive)
    assert found is not None and abs(found[0] - (page.section_start + start)) <= 60
    first, last = found
    assert _bounded_before(page.text, first) and _bounded_after(
        page.text, first + len(directive.start)
    )
    if directive.end:
        assert _bounded_before(page.text, last - len(directive.end)) and _bounded_after(
            page.text, last
        )
    if directive.prefix:
        prefix_end = len(page.text[:first].rstrip())
        assert _bounded_before(page.text, prefix_end - len(directive.prefix))
    if directive.suffix:
        suffix_start = len(page.text) - len(page.text[last:].lstrip())
        assert _bounded_after(page.text, suffix_start + len(directive.suffix))


def _bounded_before(text: str, index: int) -> bool:
    """A term may start here: a word starts, or it starts with punctuation."""
    return is_word_start(text, index) or not text[index].isalnum()


def _bounded_after(text: str, index: int) -> bool:
    """A term may end here: a word ends, or it ends with punctuation."""
    return is_word_end(text, index) or not text[index - 1].isalnum()


def test_snippets_start_and_end_on_words_and_clauses():
    text = f"{ENGLISH} {ENGLISH}"
    at = text.index("elderly care")
    spans = [(at, at + len("elderly care"), "elderly care")]
    start, end = snippet_window(text, spans, width=70)
    assert is_word_start(text, start) and (is_word_end(text, end) or text[end - 1] == ".")
    snippet = render_snippet(text, spans, (start, end))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>elderly care</mark>" in snippet
    zh = (
        "过去一年，常委会坚持团结和民主两大主题，围绕新能源等重点课题开展专题调研，"
        "推动新能源汽车产业链发展，助力民营经济健康发展，取得了新的成效。"
    )
    zh = zh + zh
    spans = substring_spans(zh, ["民营经济"])[:1]
    start, end = snippet_window(zh, spans, width=40)
    assert zh[start - 1] == "，" and zh[end] in "，。"
