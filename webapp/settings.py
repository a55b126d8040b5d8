"""Every web setting, declared once as (name, default, help)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One configuration key of the web app, its default and what it does."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SITE_NAME", "CPPCC Search · 政协报告检索", "Name shown in the header and feeds."),
    Setting(
        "BASE_URL",
        "http://127.0.0.1:8000/",
        "Where users reach the site: absolute URLs in feeds and the OpenSearch description are "
        "made from it, never from the request's Host header (serve --base-url).",
    ),
    Setting("MAX_PARAMETERS", 200, "Most query-string parameters one request may carry."),
    Setting(
        "HTML_PER_PAGE",
        20,
        "Reports per page on the HTML search page (each with its best sections).",
    ),
    Setting("HTML_MAX_PER_PAGE", 100, "Largest per_page (reports) the HTML search page accepts."),
    Setting("API_MAX_PER_PAGE", 1000, "Largest per_page /api/search accepts."),
    Setting(
        "EXPORT_ROWS",
        500,
        "Sections in one chunk of a CSV, RIS or BibTeX export (at most 1,000); `page` asks for "
        "the next chunk, which the Link header names.",
    ),
    Setting("FEED_ENTRIES", 50, "Entries in an Atom feed."),
    Setting("MAX_QUERY_LENGTH", 500, "Longest query string accepted (characters)."),
    Setting("MAX_FILTER_VALUES", 50, "Most values accepted for one repeatable filter."),
    Setting("MAX_TREND_TERMS", 8, "Most terms compared on the trends page."),
    Setting("MAX_PAGE", 10000, "Highest page number accepted."),
    Setting("FACET_VISIBLE", 8, "Facet values shown before the 'more' list."),
    Setting("FACET_MAX", 60, "Most values of one facet listed on the page (the rest are counted)."),
    Setting(
        "SEARCH_TIME_BUDGET",
        3.0,
        "Seconds one search or trends call may work before it answers 'query too broad'.",
    ),
    Setting(
        "SEARCH_SLOW_AFTER",
        0.25,
        "Seconds after which a call counts as slow and waits for one of the slow slots.",
    ),
    Setting("SEARCH_SLOW_SLOTS", 2, "Slow calls that may work at once; quick ones never wait."),
    Setting(
        "SEARCH_EXPENSIVE_WORK",
        1_000_000,
        "Estimated work (postings decoded; a hit counts 5,000) from which a search waits for a "
        "slow slot before it starts; cheaper ones never wait behind it.",
    ),
    Setting(
        "SEARCH_MAX_POSTINGS",
        2_000_000,
        "Postings of its terms one search or trends call may read; a query over it is refused "
        "at once as too broad (64 common single characters: about 6 million at 100k sections).",
    ),
)


def default_config() -> dict[str, Any]:
    """The defaults of every setting, as a config mapping."""
    return {setting.name: setting.default for setting in SETTINGS}
