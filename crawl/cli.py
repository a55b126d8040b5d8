"""Command-line options of ``crawl`` (everything except ``--data-dir``, which the caller adds),
built from the declarations in ``crawl.options``, and the lines both crawl commands end with:
why a run that fetched nothing fails, and what an interrupted run kept and how to resume it."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from crawl.options import CrawlOptions, option_fields, validate_options
from crawl.summary import CrawlSummary


def add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the crawl command's arguments (URLs and options) to ``parser``."""
    for spec, how in option_fields():
        if how.positional:
            parser.add_argument(spec.name, nargs="+", metavar=how.name, help=how.help)
        elif how.negated:
            parser.add_argument(how.name, dest=spec.name, action="store_false", help=how.help)
        elif how.repeatable:
            parser.add_argument(
                how.name,
                dest=spec.name,
                action="append",
                default=list(spec.default),
                type=how.rule.parse,
                metavar=how.metavar,
                help=how.help,
            )
        else:
            parser.add_argument(
                how.name,
                dest=spec.name,
                default=spec.default,
                type=how.rule.parse,
                metavar=how.metavar,
                help=how.help,
            )


def options_from_args(args: argparse.Namespace) -> CrawlOptions:
    """Build CrawlOptions from parsed arguments; raises CrawlError for bad values."""
    values = {}
    for spec, how in option_fields():
        value = getattr(args, spec.name)
        values[spec.name] = tuple(value) if how.repeatable else value
    options = CrawlOptions(**values)
    validate_options(options)
    return options


def command_line(program: str, options: CrawlOptions, data_dir: Path) -> str:
    """The command that runs ``options`` again on ``data_dir`` (options left at their default
    are left out), as a shell would read it."""
    words = shlex.split(program)
    for spec, how in option_fields():
        value = getattr(options, spec.name)
        if how.positional or value == spec.default or value is None:
            continue
        if how.negated:
            words.append(how.name)
        elif how.repeatable:
            for item in value:
                words.extend((how.name, str(item)))
        else:
            words.extend((how.name, f"{value:g}" if isinstance(value, float) else str(value)))
    return shlex.join([*words, "--data-dir", str(data_dir), *options.seeds])


def failure_message(summary: CrawlSummary) -> str | None:
    """The one-line error of a run that fetched nothing at all, else None."""
    if not summary.nothing_fetched:
        return None
    failed = f"{summary.failure_count} URL(s) failed" if summary.failure_count else "none failed"
    return f"nothing could be fetched in crawl run {summary.run_id} ({failed}): " + (
        summary.first_failure()
    )


def interrupted_message(summary: CrawlSummary, resume: str) -> str:
    """What an interrupted run kept, and the command that resumes it."""
    return (
        f"interrupted: crawl run {summary.run_id} keeps {summary.pages} pages and "
        f"{summary.attachments} attachments ({summary.done} URLs settled, {summary.queued} "
        f"still queued); resume with: {resume}"
    )
