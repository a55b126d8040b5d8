"""Whether a passage link lands on its passage in Chromium (the test and bench/passage_links.py).

Chromium scrolls to the first text directive of a fragment that matches, in directive order, and
does nothing when none does. So each link is opened with a second directive after its own, the
page's title, that always matches: the page always scrolls, to the passage when the link's own
directive matched, to the title when it did not, and nothing has to be waited out. An init
script pads the page above and below (it adds no text, so matching is unchanged), so that every
match scrolls and none is clamped at an edge of the page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from playwright.sync_api import TimeoutError

PAD_PAGE = """
document.addEventListener('DOMContentLoaded', () => {
  document.documentElement.style.setProperty('padding', '3000px 0', 'important');
});
"""
# The visible text of the viewport, whitespace removed: what a reader sees after the jump.
VISIBLE_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node, seen = '';
  while ((node = walker.nextNode())) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const box of range.getClientRects()) {
      if (box.bottom > 0 && box.top < innerHeight) { seen += node.data; break; }
    }
  }
  return seen.replace(/\\s+/g, '');
}"""
_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Landing:
    """Where one passage link took the browser."""

    url: str
    landed: bool
    detail: str


def snippet_context(snippet_html: str, around: int = 3) -> str:
    """The first highlighted term of a snippet with a few characters either side (plain)."""
    plain = html.unescape(_TAG.sub("", snippet_html))
    first = _MARK.search(snippet_html)
    term = html.unescape(_TAG.sub("", first.group(1))) if first else ""
    at = plain.find(term) if term else 0
    return plain[max(0, at - around) : at + len(term) + around].strip("… ")


def directive_term(text: str) -> str:
    """Percent-encoded as a text directive's term."""
    return quote(" ".join(text.split()), safe="").replace("-", "%2D")


# How long the title alone may take to scroll its page. Only a page whose text the browser
# cannot read at all (a charset it was not told and does not guess) never scrolls.
TITLE_WAIT_MS = 15_000


def open_at(page: Any, url: str, timeout: float | None = None) -> float:
    """Open ``url`` from a blank page and wait until a text directive scrolled it."""
    page.goto("about:blank")
    page.goto(url, wait_until="load")
    page.wait_for_function("scrollY > 0", timeout=timeout)
    return float(page.evaluate("scrollY"))


class LandingCheck:
    """Opens passage links in one Playwright page (padded by :data:`PAD_PAGE`)."""

    def __init__(self, page: Any) -> None:
        page.add_init_script(PAD_PAGE)
        self.page = page
        self._title_at: dict[str, float] = {}

    def __call__(self, passage_url: str, title: str, context: str) -> Landing:
        """Open a passage link with its page's ``title`` as the fallback directive. It landed
        when the page scrolled elsewhere than to the title and ``context`` is in view."""
        base, _, fragment = passage_url.partition("#")
        if not fragment.startswith(":~:text="):
            return Landing(passage_url, False, "no text fragment")
        fallback = f"text={directive_term(title)}"
        if base not in self._title_at:
            try:
                self._title_at[base] = open_at(self.page, f"{base}#:~:{fallback}", TITLE_WAIT_MS)
            except TimeoutError:
                self._title_at[base] = -1.0
        if self._title_at[base] < 0:
            return Landing(passage_url, False, "the browser finds not even the page's title")
        scrolled = open_at(self.page, f"{passage_url}&{fallback}")
        if scrolled == self._title_at[base]:
            return Landing(passage_url, False, "its directive matched nothing")
        if "".join(context.split()) not in self.page.evaluate(VISIBLE_TEXT):
            return Landing(passage_url, False, f"it landed away from {context!r}")
        return Landing(passage_url, True, "")
