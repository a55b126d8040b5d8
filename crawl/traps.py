"""Crawl-trap guard: pages of one URL pattern followed in a row while they bring nothing new.

A page extends its pattern's chain when it links to nothing of another pattern that is new to
the crawl, and to the same set of other-pattern links as the page of its pattern it was found on
(the next day of an endless calendar, the next page of an empty pager: only the same navigation
around them). A page that brings a new URL, or a different set of links (a listing page whose
articles are already known from a sitemap), breaks the chain. So a real listing is followed to
its end while an endless calendar stops after a bounded number of pages, whatever the templates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from crawl.urls import url_pattern

Link = tuple[str, int, str, int]  # (canonical url, depth, kind, pattern chain)


@dataclass(frozen=True)
class ChainedLinks:
    """A page's links with their chain, what the cap dropped, and the page's link digest (which
    its same-pattern links carry, so the next page can be compared with this one)."""

    links: list[Link]
    dropped: int
    digest: str


def other_links_digest(page_url: str, links: list[Link]) -> str:
    """A short digest of the set of links to other URL patterns than the page's own."""
    pattern = url_pattern(page_url)
    others = sorted({url for url, *_rest in links if url_pattern(url) != pattern})
    return hashlib.sha1("\n".join(others).encode("utf-8")).hexdigest()[:16]


def chain_links(
    page_url: str,
    page_chain: int,
    previous_digest: str | None,
    links: list[Link],
    is_known: Callable[[str], bool],
    cap: int | None,
) -> ChainedLinks:
    """Set each link's pattern chain and drop new ones past ``cap``. ``previous_digest`` is the
    link digest of the same-pattern page this one was found on (None if found elsewhere);
    ``is_known`` says whether the crawl has queued a URL already."""
    pattern = url_pattern(page_url)
    digest = other_links_digest(page_url, links)
    brings_new = any(
        url_pattern(url) != pattern and not is_known(url) for url, _depth, _kind, _chain in links
    )
    chain = 0 if brings_new or digest != previous_digest else page_chain + 1
    kept: list[Link] = []
    for url, depth, kind, _chain in links:
        link_chain = chain if url_pattern(url) == pattern else 0
        # a URL queued already costs nothing, so only new ones count as dropped
        if cap is None or link_chain <= cap or is_known(url):
            kept.append((url, depth, kind, link_chain))
    return ChainedLinks(kept, len(links) - len(kept), digest)
