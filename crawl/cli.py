"""Command-line options of ``crawl`` (everything except ``--data-dir``, which the caller adds),
built from the declarations in ``crawl.options``."""

from __future__ import annotations

import argparse

from crawl.options import CrawlOptions, option_fields, validate_options


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
