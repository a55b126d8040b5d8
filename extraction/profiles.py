"""Site profiles: the selectors and boilerplate patterns, kept as JSON data apart from the logic."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROFILE_DIR = Path(__file__).with_name("profiles")
DEFAULT_PROFILE = "default"


@dataclass(frozen=True)
class Profile:
    """Where a site keeps its article body and what counts as boilerplate on it."""

    content_xpaths: tuple[str, ...]
    boilerplate_tokens: frozenset[str]
    stop_lines: tuple[re.Pattern[str], ...]
    drop_lines: tuple[re.Pattern[str], ...]
    credit_labels: tuple[str, ...] = ()


def _read(directory: Path, name: str) -> dict[str, list[str]]:
    path = directory / f"{name}.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


@lru_cache(maxsize=64)
def load_profile(host: str = "", directory: Path = PROFILE_DIR) -> Profile:
    """The default profile, with a host's own profile (if one exists) layered in front of it."""
    base = _read(PROFILE_DIR, DEFAULT_PROFILE)
    known_host = bool(host) and re.fullmatch(r"[a-z0-9.-]+", host.lower()) is not None
    site = _read(directory, host.lower()) if known_host else {}

    def merged(key: str) -> list[str]:
        return list(site.get(key, [])) + list(base.get(key, []))

    return Profile(
        content_xpaths=tuple(merged("content_xpaths")),
        boilerplate_tokens=frozenset(token.lower() for token in merged("boilerplate_tokens")),
        stop_lines=_compile(merged("stop_lines")),
        drop_lines=_compile(merged("drop_lines")),
        credit_labels=tuple(dict.fromkeys(merged("credit_labels"))),
    )
