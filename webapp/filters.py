"""Template helpers: labels, numbers, dates."""

from __future__ import annotations

from flask import Flask

from webapp.labels import CITE_LABELS, SORT_LABELS, facet_label, value_label
from webapp.urls import http_only, xml_text


def thousands(value: object) -> str:
    """An integer with thousands separators."""
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)


def register(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.filters["thousands"] = thousands
    app.jinja_env.filters["http_only"] = http_only
    app.jinja_env.filters["xml_text"] = xml_text
    app.jinja_env.globals.update(
        facet_label=facet_label,
        value_label=value_label,
        sort_labels=SORT_LABELS,
        cite_labels=CITE_LABELS,
        site_name=lambda: app.config["SITE_NAME"],
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
