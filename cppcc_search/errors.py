"""The one base of the product's own errors.

Every error a user can act on (a bad option, a missing index, an unreadable documents file, a
crawl that cannot start) derives from :class:`CppccSearchError` and carries a one-line message;
the command line prints that line and exits 1, the web app turns it into a page or a JSON error.
Anything else that escapes is a bug, reported with its type.
"""

from __future__ import annotations


class CppccSearchError(Exception):
    """A problem the user can act on; its message is one clear line."""


class DataLossRefused(CppccSearchError):
    """A command would drop most of what the data directory holds; it needs ``--force``."""


class LexiconError(CppccSearchError):
    """The bilingual lexicon cannot be read (a malformed term table, a missing dictionary)."""
