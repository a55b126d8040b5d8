"""The snippet window: the one-pass search finds what recounting every window finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indexer.search.snippets import best_window


def recounted(spans, width):
    """The window search as first written: recount the distinct terms of every window."""
    spans = sorted(spans)
    best_start, best_score = spans[0][0], (0, 0)
    left = 0
    for right in range(len(spans)):
        while left <= right and spans[right][1] - spans[left][0] > width:
            left += 1
        inside = spans[left : right + 1]
        score = (len({key for _, _, key in inside}), len(inside))
        if score > best_score:
            best_start, best_score = spans[left][0], score
    return best_start


SPAN = st.tuples(st.integers(0, 2000), st.integers(1, 12), st.sampled_from("abcd")).map(
    lambda t: (t[0], t[0] + t[1], t[2])
)


@given(st.lists(SPAN, min_size=1, max_size=300), st.integers(5, 200))
def test_best_window_is_the_recounted_best(spans, width):
    assert best_window(spans, width) == recounted(spans, width)
