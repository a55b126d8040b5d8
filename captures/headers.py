"""HTTP headers as the archive keeps them: (name, value) pairs, looked up by name without regard
to case, the one way every stage reads a header."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

HeaderList = list[tuple[str, str]]
# What callers hand over: a capture's pairs, a dict built by hand, or nothing.
Headers = Mapping[str, str] | Iterable[tuple[str, str]] | None


def header_value(headers: Headers, name: str) -> str | None:
    """The first value of header ``name``, matched without regard to case (None if absent)."""
    if headers is None:
        return None
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    wanted = name.lower()
    return next((value for key, value in pairs if key.lower() == wanted), None)


def media_type(headers: Headers) -> str:
    """The Content-Type without its parameters, lower case ('' when absent)."""
    return (header_value(headers, "Content-Type") or "").split(";")[0].strip().lower()
