"""Parse request arguments into search requests, and build URLs that hold the whole state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from cppcc_search.models import DOC_TYPES, LANGUAGES, LEVELS, PART_KINDS
from indexer.errors import QueryError
from indexer.search.types import SORTS, SearchRequest, YearRange, unknown_sort

# Request argument → SearchRequest field, for the repeatable filters.
FILTER_ARGS: tuple[tuple[str, str], ...] = (
    ("year", "years"),
    ("part", "parts"),
    ("section", "sections"),
    ("committee", "committees"),
    ("region", "regions"),
    ("level", "levels"),
    ("doc_type", "doc_types"),
    ("language", "languages"),
)
# Filters whose values come from a fixed list, so a typo gets a helpful 400.
CHOICES: dict[str, tuple[str, ...]] = {
    "part": PART_KINDS,
    "level": LEVELS,
    "doc_type": DOC_TYPES,
    "language": LANGUAGES,
}
STATE_ORDER = (
    "q",
    *(name for name, _ in FILTER_ARGS),
    "expand",
    "off",
    "sort",
    "per_page",
    "page",
)
SINGLE_VALUED = frozenset({"q", "expand", "sort", "per_page", "page"})


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask for."""

    default_per_page: int
    max_per_page: int
    max_query_length: int
    max_filter_values: int
    max_page: int


def limits_from_config(config: Mapping, *, api: bool) -> Limits:
    """The bounds of the HTML pages or of the API, from the app config."""
    return Limits(
        default_per_page=config["HTML_PER_PAGE"] if not api else 10,
        max_per_page=config["API_MAX_PER_PAGE"] if api else config["HTML_MAX_PER_PAGE"],
        max_query_length=config["MAX_QUERY_LENGTH"],
        max_filter_values=config["MAX_FILTER_VALUES"],
        max_page=config["MAX_PAGE"],
    )


def parse_search_args(args: MultiDict, limits: Limits) -> SearchRequest:
    """Turn query-string arguments into a SearchRequest (raises QueryError with a message)."""
    query = parse_query(args, limits)
    filters = {field: parse_filter(args, name, limits) for name, field in FILTER_ARGS}
    filters["years"] = tuple(YearRange.parse(text) for text in filters["years"])
    sort = args.get("sort", "relevance").strip() or "relevance"
    if sort not in SORTS:
        raise QueryError(unknown_sort(sort))
    page = parse_int(args, "page", 1, 1, limits.max_page)
    per_page = parse_int(args, "per_page", limits.default_per_page, 1, limits.max_per_page)
    return SearchRequest(
        query=query,
        sort=sort,
        page=page,
        per_page=per_page,
        expand=parse_flag(args, "expand", default=True),
        renderings_off=parse_filter(args, "off", limits),
        **filters,
    )


def parse_flag(args: MultiDict, name: str, default: bool) -> bool:
    """A yes/no argument: 1/true/yes/on or 0/false/no/off (a QueryError otherwise)."""
    text = args.get(name, "").strip().lower()
    if not text:
        return default
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise QueryError(f"{name} must be 1 or 0, not {text[:20]!r}")


def parse_query(args: MultiDict, limits: Limits) -> str:
    """The query string, trimmed and bounded."""
    query = args.get("q", "").strip()
    if len(query) > limits.max_query_length:
        raise QueryError(
            f"the query is too long: at most {limits.max_query_length} characters "
            f"(检索式过长：最多 {limits.max_query_length} 个字符)"
        )
    if "\x00" in query:
        raise QueryError("the query contains a NUL character (检索式含有空字符)")
    return query


def parse_filter(args: MultiDict, name: str, limits: Limits) -> tuple[str, ...]:
    """The non-empty values of one repeatable filter, checked against its choices."""
    values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
    if len(values) > limits.max_filter_values:
        raise QueryError(
            f"too many {name} values: at most {limits.max_filter_values} "
            f"({name} 的取值过多：最多 {limits.max_filter_values} 个)"
        )
    for value in values:
        if len(value) > limits.max_query_length or "\x00" in value:
            raise QueryError(f"a {name} value is too long or malformed ({name} 的取值过长或有误)")
        choices = CHOICES.get(name)
        if choices and value not in choices:
            raise QueryError(
                f"unknown {name} {value!r}; use one of {', '.join(choices)} "
                f"({name} 只能是 {'、'.join(choices)})"
            )
    return values


def parse_int(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    """An integer argument within [low, high], or a QueryError saying what is allowed."""
    text = args.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise QueryError(
            f"{name} must be a whole number, not {text[:40]!r} "
            f"({name} 应为整数，而不是 {text[:40]!r})"
        ) from None
    if not low <= value <= high:
        raise QueryError(
            f"{name} must be between {low} and {high} ({name} 应在 {low} 到 {high} 之间)"
        )
    return value


def valid_state(args: MultiDict, limits: Limits) -> UrlState:
    """The URL's search state without the values that cannot be parsed (and without a page):
    what a search box may carry on after a request was refused."""
    kept = []
    for name, value in UrlState.from_args(args).pairs:
        if name in ("q", "page"):
            continue
        try:
            if name in ("per_page",):
                parse_int(MultiDict([(name, value)]), name, 1, 1, limits.max_per_page)
            elif name == "sort":
                SearchRequest(sort=value)
            elif name == "expand":
                parse_flag(MultiDict([(name, value)]), name, default=True)
            else:
                for text in parse_filter(MultiDict([(name, value)]), name, limits):
                    if name == "year":
                        YearRange.parse(text)
        except QueryError:
            continue
        kept.append((name, value))
    return UrlState(kept)


def year_range_arg(args: MultiDict) -> str | None:
    """A ``year`` value from the range form's from/to boxes, or None if both are empty."""
    start = args.get("year_from", "").strip()
    end = args.get("year_to", "").strip()
    if not start and not end:
        return None
    for name, text, label in (("year_from", start, "起始年份"), ("year_to", end, "截止年份")):
        if text and not (text.isascii() and text.isdigit() and len(text) <= 4):
            raise QueryError(
                f"{name} must be a year such as 2015, not {text[:40]!r} "
                f"({label}应为 2015 这样的四位数年份，而不是 {text[:40]!r})"
            )
    return str(YearRange.parse(f"{start}..{end}"))


class UrlState:
    """The search state of one request as ordered (name, value) pairs, for building links."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = [(k, v) for k, v in pairs if k in STATE_ORDER and v != ""]

    @classmethod
    def from_args(cls, args: MultiDict) -> UrlState:
        """The state from request arguments, in canonical order: one value of each
        single-valued argument (the first, as parsing takes it), each filter value once."""
        pairs = []
        for name in STATE_ORDER:
            values = args.getlist(name)
            if name in SINGLE_VALUED:
                values = values[:1]
            pairs.extend((name, value) for value in dict.fromkeys(values))
        return cls(pairs)

    def values(self, name: str) -> list[str]:
        """The values of one argument."""
        return [v for k, v in self.pairs if k == name]

    def has(self, name: str, value: str) -> bool:
        """Whether ``name=value`` is part of the state."""
        return (name, value) in self.pairs

    def without(self, name: str, value: str | None = None) -> UrlState:
        """The state minus one value (or every value) of an argument."""
        return UrlState(
            (k, v) for k, v in self.pairs if not (k == name and (value is None or v == value))
        )

    def with_value(self, name: str, value: str) -> UrlState:
        """The state plus one value of a repeatable argument."""
        return UrlState(self.sorted([*self.pairs, (name, value)]))

    def replaced(self, name: str, value: str | None) -> UrlState:
        """The state with a single-valued argument set (or removed when None)."""
        rest = [(k, v) for k, v in self.pairs if k != name]
        return UrlState(self.sorted(rest if value is None else [*rest, (name, value)]))

    def toggled(self, name: str, value: str) -> UrlState:
        """Add or remove a filter value, back to page 1."""
        state = self.without("page")
        return (
            state.without(name, value) if state.has(name, value) else state.with_value(name, value)
        )

    def query_string(self) -> str:
        """The state as a URL query string (without the ``?``)."""
        return urlencode(self.pairs)

    def url(self, path: str) -> str:
        """``path`` with this state as its query string."""
        qs = self.query_string()
        return f"{path}?{qs}" if qs else path

    @staticmethod
    def sorted(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        order = {name: i for i, name in enumerate(STATE_ORDER)}
        return sorted(pairs, key=lambda kv: order.get(kv[0], len(order)))


def filter_count(state: UrlState) -> int:
    """How many filter values are active."""
    return sum(len(state.values(name)) for name, _ in FILTER_ARGS)
