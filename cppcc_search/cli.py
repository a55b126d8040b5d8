"""The ``cppcc-search`` command: parses options, calls one library function, prints the result.

Each subcommand imports its stage lazily so that ``search`` starts fast and a broken optional
stage never stops the others. Every expected failure ends as one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cppcc_search import __version__
from cppcc_search.errors import CppccSearchError
from cppcc_search.models import DOC_TYPES, LANGUAGES, LEVELS, PART_KINDS
from cppcc_search.settings import (
    DATA_DIR_ENV,
    DEFAULT_DATA_DIR,
    ENGINE_ENV,
    ENGINE_URL_ENV,
    ENGINES,
    DataPaths,
    EngineSettings,
)
from crawl.shutdown import Shutdown
from indexer.errors import IndexMissingError
from indexer.search.types import MAX_PER_PAGE, SORTS

if TYPE_CHECKING:
    from indexer.search.types import SearchResponse, TrendsResponse

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CliError(CppccSearchError):
    """A failure to report as one line."""


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    environ = os.environ if environ is None else environ
    parser = build_parser(default_data_dir(environ), default_engine(environ))
    args = parser.parse_args(argv)
    try:
        # SIGTERM (kill, service managers, timeouts) stops any command through Ctrl-C's
        # clean-up: a Solr rebuild deletes its collection, a Whoosh rebuild its generation.
        with Shutdown().installed():
            return int(args.handler(args) or EXIT_OK)
    except KeyboardInterrupt:
        print("cppcc-search: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the contract: one clear line, never a traceback
        message = describe_error(error)
        note = data_dir_note(args.data_dir) if isinstance(error, IndexMissingError) else ""
        if note and getattr(args, "engine", "whoosh") == "whoosh":
            message = f"{message} ({note})"
        print(f"cppcc-search: error: {message}", file=sys.stderr)
        return EXIT_FAILURE


def data_dir_note(data_dir: Path) -> str:
    """Where the data dir is, for a message about something missing from it: a relative one
    is read from the current folder, which is the usual surprise ("" for an absolute one)."""
    if data_dir.is_absolute():
        return ""
    return (
        f"the data dir {data_dir} is relative to the current folder {Path.cwd()}: run from the "
        f"folder that holds it, or give --data-dir or set {DATA_DIR_ENV}"
    )


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """``$CPPCC_SEARCH_DATA_DIR`` if set, else ``./index_data``."""
    return Path(environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def default_engine(environ: Mapping[str, str]) -> EngineSettings:
    """``$CPPCC_SEARCH_ENGINE`` and ``$CPPCC_SEARCH_ENGINE_URL`` if set, else Whoosh."""
    return EngineSettings(
        engine=environ.get(ENGINE_ENV) or "whoosh", url=environ.get(ENGINE_URL_ENV) or None
    )


def engine_settings(args: argparse.Namespace) -> EngineSettings:
    """The engine the options chose."""
    return EngineSettings(engine=args.engine, url=args.engine_url)


def describe_error(error: BaseException) -> str:
    """One line for a user: the message of our own errors, the gist of any other."""
    message = " ".join(str(error).split())
    if isinstance(error, OSError) and error.filename:
        message = f"{error.strerror or message}: {error.filename}"
    if isinstance(error, CppccSearchError):
        return message or type(error).__name__
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def build_parser(data_dir: Path, engine: EngineSettings | None = None) -> argparse.ArgumentParser:
    """The whole command-line grammar (documented in docs/contracts.md)."""
    engine = engine or EngineSettings()
    parser = argparse.ArgumentParser(
        prog="cppcc-search",
        description="Search engine over CPPCC political consultation archives.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=data_dir,
        help=f"data directory (default: ${DATA_DIR_ENV} or ./index_data; now {data_dir})",
    )
    engines = argparse.ArgumentParser(add_help=False)
    engines.add_argument(
        "--engine",
        choices=ENGINES,
        default=engine.engine,
        help=f"the engine that indexes and answers (default: ${ENGINE_ENV} or whoosh; "
        f"now {engine.engine})",
    )
    engines.add_argument(
        "--engine-url",
        default=engine.url,
        metavar="URL[,URL...]",
        help=f"Solr node URLs, e.g. http://127.0.0.1:8983/solr (default: ${ENGINE_URL_ENV})",
    )
    add_crawl_command(commands, common)
    add_extract_command(commands, common)
    add_index_command(commands, [common, engines])
    add_search_command(commands, [common, engines])
    add_trends_command(commands, [common, engines])
    add_serve_command(commands, [common, engines])
    add_demo_command(commands, common)
    return parser


def add_crawl_command(commands: Any, common: argparse.ArgumentParser) -> None:
    from crawl.cli import add_crawl_arguments

    crawl = commands.add_parser(
        "crawl", parents=[common], help="fetch report pages politely into WARC captures"
    )
    add_crawl_arguments(crawl)
    crawl.set_defaults(handler=run_crawl_command)


def add_extract_command(commands: Any, common: argparse.ArgumentParser) -> None:
    extract = commands.add_parser(
        "extract", parents=[common], help="turn stored captures into documents.jsonl"
    )
    extract.add_argument(
        "--force",
        action="store_true",
        help="write documents.jsonl even when that drops more than half of its documents",
    )
    extract.set_defaults(handler=run_extract_command)


def add_index_command(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    index = commands.add_parser("index", parents=parents, help="index documents.jsonl")
    index.add_argument(
        "--rebuild", action="store_true", help="build a new index aside and swap it in atomically"
    )
    index.add_argument(
        "--force",
        action="store_true",
        help="index even when that drops more than half of the indexed reports",
    )
    index.add_argument(
        "--check",
        action="store_true",
        help="verify the index against its checksums and report its health (writes nothing; "
        "exit 1 when it is damaged)",
    )
    index.add_argument(
        "--init", action="store_true", help="upload the product's configset first (solr)"
    )
    index.set_defaults(handler=run_index_command)


def add_search_command(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    search = commands.add_parser(
        "search",
        parents=parents,
        help="search the index",
        description='Query syntax: words (ANDed), "quoted phrases", OR, -exclusion, '
        "title:word, section:word, 2015..2020. Each term is also searched in the other "
        "language (--no-translate: only as typed).",
    )
    search.add_argument("query", help="the query")
    add_filter_arguments(search)
    search.add_argument("--sort", default="relevance", choices=SORTS)
    search.add_argument("--page", type=positive_int, default=1)
    search.add_argument(
        "--per-page", type=per_page_int, default=10, help=f"1 to {MAX_PER_PAGE} (default 10)"
    )
    search.add_argument("--json", action="store_true", help="print the JSON contract")
    search.set_defaults(handler=run_search_command)


def add_trends_command(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    trends = commands.add_parser(
        "trends",
        parents=parents,
        help="hits per year for one or more terms",
        description="Matching sections per year for each term (terms may also be "
        "comma-separated), with the search filters; each term is also counted in the other "
        "language (--no-translate: only as typed).",
    )
    trends.add_argument("terms", nargs="+", metavar="TERM", help="a term (or TERM,TERM,...)")
    add_filter_arguments(trends)
    trends.add_argument(
        "--by-part", action="store_true", help="split each year's hits by part (review/plan)"
    )
    trends.add_argument("--json", action="store_true", help="print the /api/trends JSON")
    trends.set_defaults(handler=run_trends_command)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The search filters and translation settings, shared by ``search`` and ``trends``."""
    parser.add_argument(
        "--year", action="append", default=[], metavar="Y|Y1..Y2", help="year or range (repeatable)"
    )
    parser.add_argument(
        "--section",
        action="append",
        default=[],
        help="section kind: a code or label of docs/section-kinds.md, or a heading's words",
    )
    parser.add_argument("--part", action="append", default=[], choices=PART_KINDS)
    parser.add_argument(
        "--committee",
        action="append",
        default=[],
        help="issuing body: its id or any of its names (政协常州市委员会, 15th Changzhou "
        "Municipal Committee)",
    )
    parser.add_argument(
        "--region",
        action="append",
        default=[],
        help="province or city: a division code or name (a province holds its cities)",
    )
    parser.add_argument("--level", action="append", default=[], choices=LEVELS)
    parser.add_argument("--doc-type", action="append", default=[], choices=DOC_TYPES)
    parser.add_argument("--lang", action="append", default=[], choices=LANGUAGES)
    # The web's expand=0 and off=RENDERING.
    parser.add_argument(
        "--no-translate",
        dest="expand",
        action="store_false",
        help="search the terms only as typed, not also in the other language",
    )
    parser.add_argument(
        "--off",
        action="append",
        default=[],
        metavar="RENDERING",
        type=rendering_text,
        help="do not search this rendering (as 'also searched' names it; repeatable)",
    )


def add_serve_command(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", parents=parents, help="serve the web UI and JSON API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=port_int, default=8000)
    serve.add_argument(
        "--base-url",
        type=base_url,
        metavar="URL",
        help="where users reach the site, for absolute URLs in feeds (default: http://HOST:PORT/)",
    )
    serve.set_defaults(handler=run_serve_command)


def add_demo_command(commands: Any, common: argparse.ArgumentParser) -> None:
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="crawl the bundled sample site, index it and serve the web UI",
    )
    demo.add_argument("--build-only", action="store_true", help="stop after indexing")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=port_int, default=8000)
    demo.set_defaults(handler=run_demo_command)


def rendering_text(text: str) -> str:
    """A rendering to turn off, trimmed; a blank one is a usage error."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty rendering")
    return text.strip()


def positive_int(text: str) -> int:
    value = _int_argument(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def per_page_int(text: str) -> int:
    value = positive_int(text)
    if value > MAX_PER_PAGE:
        raise argparse.ArgumentTypeError(f"at most {MAX_PER_PAGE}: {text}")
    return value


def base_url(text: str) -> str:
    """An http(s) URL ending in a slash."""
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"not an http(s) URL: {text!r}")
    return text.strip().rstrip("/") + "/"


def port_int(text: str) -> int:
    value = _int_argument(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port: {text}")
    return value


def _int_argument(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_crawl_command(args: argparse.Namespace) -> int:
    from crawl.cli import command_line, failure_message, interrupted_message, options_from_args
    from crawl.crawler import run_crawl
    from crawl.errors import CrawlInterrupted

    options = options_from_args(args)
    try:
        summary = run_crawl(DataPaths(args.data_dir).ensure(), options, stderr_progress)
    except CrawlInterrupted as stop:  # Ctrl-C, or SIGTERM (run_crawl turns it into one)
        resume = command_line("cppcc-search crawl", options, args.data_dir)
        print(f"cppcc-search: {interrupted_message(stop.summary, resume)}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:  # before the crawl began
        print("cppcc-search: interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    print(summary.format())
    failure = failure_message(summary)
    if failure is not None:  # the summary above names the failures
        print(f"cppcc-search: error: {failure}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def run_extract_command(args: argparse.Namespace) -> int:
    from extraction.pipeline import extract_all

    paths = DataPaths(args.data_dir)
    if not paths.crawl_db.exists():
        raise CliError(f"nothing crawled in {paths.root}: run `cppcc-search crawl URL` first")
    print(extract_all(paths, force=args.force).format())
    return EXIT_OK


def run_index_command(args: argparse.Namespace) -> int:
    from indexer.engines import index_with_engine
    from indexer.index.build import check_index

    paths = DataPaths(args.data_dir)
    if args.check:
        health = check_index(paths)
        print(health.format_line())
        return EXIT_OK if health.ok else EXIT_FAILURE
    if not paths.documents.exists():
        raise CliError(f"no {paths.documents}: run `cppcc-search extract` first")
    summary = index_with_engine(
        paths,
        engine_settings(args),
        args.rebuild,
        args.init,
        progress=stderr_progress,
        force=args.force,
    )
    print(summary.format())
    return EXIT_OK


def run_search_command(args: argparse.Namespace) -> int:
    from indexer.engines import open_search_service
    from indexer.search.clauses import searchable_query

    request = search_request_from_args(args)
    searchable_query(request.query)  # a query that cannot work says so, index or not
    service = open_search_service(DataPaths(args.data_dir), engine_settings(args))
    try:
        response = service.search(request)
    finally:
        service.close()
    for line in format_resolutions(response):
        print(line, file=sys.stderr)
    if args.json:
        print(json.dumps(response.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_response(response, request.expand))
    return EXIT_OK


def run_trends_command(args: argparse.Namespace) -> int:
    from indexer.engines import open_search_service
    from indexer.search.clauses import searchable_query
    from indexer.search.trends import split_terms

    terms = split_terms(args.terms)
    if not terms:
        raise CliError("trends needs at least one non-empty term")
    for term in terms:
        searchable_query(term)  # a term that cannot work says so, index or not
    request = filters_request(args)
    service = open_search_service(DataPaths(args.data_dir), engine_settings(args))
    try:
        response = service.trends(terms, by_part=args.by_part, request=request)
    finally:
        service.close()
    if args.json:
        print(json.dumps(response.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_trends(response, request.expand, args.by_part))
    return EXIT_OK


def format_resolutions(response: SearchResponse) -> list[str]:
    """One line per filter value given by name: what it was taken to mean."""
    lines = []
    for resolved in response.filters:
        if not resolved.values:
            lines.append(f"{resolved.facet} {resolved.given!r}: names nothing in the index")
            continue
        meant = ", ".join(
            f"{value} ({label.get('zh', '')} {label.get('en', '')})".replace(" ()", "")
            for value, label in zip(resolved.values, resolved.labels, strict=True)
        )
        lines.append(f"{resolved.facet} {resolved.given!r} → {meant}")
    return lines


def search_request_from_args(args: argparse.Namespace) -> Any:
    from dataclasses import replace

    return replace(
        filters_request(args),
        query=args.query,
        sort=args.sort,
        page=args.page,
        per_page=args.per_page,
    )


def filters_request(args: argparse.Namespace) -> Any:
    """A SearchRequest holding the filter and translation options (no query)."""
    from indexer.search.types import SearchRequest, YearRange

    return SearchRequest(
        years=tuple(YearRange.parse(text) for text in args.year),
        sections=tuple(args.section),
        parts=tuple(args.part),
        committees=tuple(args.committee),
        regions=tuple(args.region),
        levels=tuple(args.level),
        doc_types=tuple(args.doc_type),
        languages=tuple(args.lang),
        expand=args.expand,
        renderings_off=tuple(dict.fromkeys(args.off)),
    )


def format_translations(translations: Sequence[Any], expand: bool) -> list[str]:
    """The "also searched" line (and what was turned off), as the search page shows them."""
    if not expand:
        return ["searched only as typed (--no-translate)"]
    searched = dict.fromkeys(r for t in translations for r in t.renderings)
    off = dict.fromkeys(r for t in translations for r in t.off)
    lines = []
    if searched:
        lines.append(f"also searched: {', '.join(searched)}")
    if off:
        lines.append(f"turned off: {', '.join(off)}")
    return lines


_MARK = re.compile(r"</?mark>")
_TAG = re.compile(r"<[^>]+>")


def format_response(response: SearchResponse, expand: bool = True) -> str:
    """A terminal rendering of a search: what it also searched, hits with snippets, then the
    year and part facets."""
    import html

    lines = [f"{response.total} matching sections for {response.query!r}"]
    lines.extend(format_translations(response.translations, expand))
    if response.suggestion:
        lines.append(f"did you mean: {response.suggestion}")
    first = (response.page - 1) * response.per_page
    for number, hit in enumerate(response.results, start=first + 1):
        heading = f" — {hit.section_title}" if hit.section_title else ""
        lines.append(f"\n{number}. [{hit.year or '----'}] {hit.title}{heading}")
        snippet = _MARK.sub("*", hit.snippet)
        lines.append("   " + html.unescape(_TAG.sub("", snippet)).replace("\n", " "))
        lines.append(f"   {hit.url}")
    if response.total > first + len(response.results):
        next_page = response.page + 1
        lines.append(f"\npage {response.page} of {response.pages}; next: --page {next_page}")
    for name in ("year", "part"):
        values = response.facets.get(name) or []
        if values:
            counts = ", ".join(f"{v.value}: {v.count}" for v in values[:20])
            lines.append(f"{name}: {counts}")
    return "\n".join(lines)


def format_trends(response: TrendsResponse, expand: bool, by_part: bool) -> str:
    """A terminal rendering of trends: per term, what it also counted, its first appearance
    and its hits per year (years with none left out)."""
    blocks = []
    for series in response.series:
        total = sum(point.hits for point in series.points)
        lines = [f"{series.term}: {total} matching sections"]
        lines.extend("  " + line for line in format_translations(series.translations, expand))
        if series.first is not None:
            lines.append(f"  first appears {series.first.year}: {series.first.title}")
        for point in series.points:
            if point.hits:
                parts = ""
                if by_part:
                    parts = "  " + ", ".join(f"{k}: {v}" for k, v in point.by_part.items())
                lines.append(
                    f"  {point.year}  {point.hits:>5}  {point.per_1000:>7.2f} per 1,000{parts}"
                )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def run_serve_command(args: argparse.Namespace) -> int:
    from webapp import create_app
    from webapp.serve import serve

    site = args.base_url or f"http://{args.host}:{args.port}/"
    app = create_app(
        {"BASE_URL": site}, paths=DataPaths(args.data_dir), engine=engine_settings(args)
    )
    if args.engine == "whoosh" and not has_index(DataPaths(args.data_dir)):
        where = DataPaths(args.data_dir).index_dir.absolute()
        note = data_dir_note(args.data_dir)
        print(
            f"cppcc-search: no index in {where} yet{f' ({note})' if note else ''}; pages say "
            "so until `cppcc-search index` builds one",
            file=sys.stderr,
            flush=True,
        )
    serve(app, host=args.host, port=args.port, ready=lambda url: _say(serving(args.data_dir, url)))
    return EXIT_OK


def serving(data_dir: Path, url: str) -> str:
    return f"cppcc-search: serving {data_dir} on {url}"


def has_index(paths: DataPaths) -> bool:
    """Whether the data dir has a current index generation."""
    from indexer.index.generations import read_pointer

    return read_pointer(paths.index_dir) is not None


def run_demo_command(args: argparse.Namespace) -> int:
    from cppcc_search.demo import run_demo

    run_demo(
        DataPaths(args.data_dir),
        host=args.host,
        port=args.port,
        build_only=args.build_only,
        say=_say,
    )
    return EXIT_OK


def _say(message: str) -> None:
    print(message, flush=True)


Handler = Callable[[argparse.Namespace], int]

if __name__ == "__main__":
    sys.exit(main())
