"""The web front end: faceted search, report view, trends, JSON API and feeds.

Views only parse the request, call the search service and render.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from cppcc_search.settings import DEFAULT_DATA_DIR, DataPaths, EngineSettings
from webapp.services import ServiceHolder, search_limits
from webapp.settings import default_config


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    paths: DataPaths | None = None,
    engine: EngineSettings | None = None,
) -> Flask:
    """Build the Flask app: defaults, then ``test_config``; the data dir comes in as ``paths``,
    the engine that answers (Whoosh by default) as ``engine``."""
    app = Flask(__name__)
    app.config.update(default_config())
    if test_config is not None:
        app.config.update(test_config)
    app.config["DEBUG"] = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable Chinese in the API
    app.extensions["cppcc_search"] = ServiceHolder(
        paths or DataPaths(DEFAULT_DATA_DIR), engine or EngineSettings(), search_limits(app.config)
    )
    _register(app)
    return app


def _register(app: Flask) -> None:
    """Attach blueprints, template helpers, security headers and error pages."""
    from webapp import errors, filters, security
    from webapp.views import api, archive, feeds, figures, report, search, spread, trends

    for module in (search, report, trends, figures, spread, api, feeds, archive):
        app.register_blueprint(module.bp)
    filters.register(app)
    security.register(app)
    errors.register(app)
