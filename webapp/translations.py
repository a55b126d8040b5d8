"""The "also searched" line: the renderings a search (or a trend) also searched in the other
language, each a link that turns it off, the ones turned off with links that turn them back on,
and a link between searching both languages and searching the query only as typed.

Every control is a plain link to the same page with one parameter changed (``off=RENDERING``,
``expand=0``), so it works without scripts and the whole state stays in the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cppcc_search.cjk import CJK_CHAR
from indexer.search.types import Translation
from webapp.params import UrlState


@dataclass(frozen=True)
class RenderingLink:
    """One rendering and the link that turns it off (when searched) or on (when off)."""

    text: str
    lang: str  # an HTML lang value for the rendering's text: zh-Hans or en
    url: str


@dataclass(frozen=True)
class TranslationBar:
    """What the page says about the query's translations."""

    searched: list[RenderingLink]
    off: list[RenderingLink]
    expanded: bool  # False: the query was searched only as typed
    toggle_url: str  # only as typed (when expanded), both languages again (when not)


def translation_bar(
    translations: Iterable[Translation],
    state: UrlState,
    link: Callable[[UrlState], str],
    expanded: bool,
) -> TranslationBar | None:
    """The bar for a page whose URL state is ``state`` (``link`` turns a state into the page's
    URL; ``expanded``: the request searched the other language too), or None when there is
    nothing to say: nothing translated, nothing turned off, both languages searched."""
    # A changed translation changes the results: back to their first page.
    base = state.without("page")
    searched = [
        RenderingLink(text, html_lang(text), link(base.with_value("off", text)))
        for text in dict.fromkeys(r for t in translations for r in t.renderings)
    ]
    # Every rendering the URL turns off, as given: one that names nothing can be removed too.
    off = [
        RenderingLink(text, html_lang(text), link(base.without("off", text)))
        for text in base.values("off")
    ]
    if expanded and not searched and not off:
        return None
    toggle = base.replaced("expand", "0") if expanded else base.without("expand")
    return TranslationBar(searched, off, expanded, link(toggle))


def html_lang(text: str) -> str:
    """The language of a rendering for its ``lang`` attribute (screen readers read by it)."""
    return "zh-Hans" if CJK_CHAR.search(text) else "en"
