"""Fixtures for the web tests: a small real index of zh/en reports, the app, a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from cppcc_search.settings import DataPaths
from tests.webapp.browser import launched_chromium
from tests.webapp.support import LiveServer, build_data_dir, crawl_hostile_site
from webapp import create_app


@pytest.fixture(scope="session")
def web_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """A data dir with a built index, shared by the web tests."""
    return build_data_dir(tmp_path_factory.mktemp("webdata"))


@pytest.fixture(scope="session")
def web_app(web_paths: DataPaths) -> Iterator[Flask]:
    """The real app over the sample index."""
    flask_app = create_app({"TESTING": True}, paths=web_paths)
    yield flask_app
    flask_app.extensions["cppcc_search"].close()


@pytest.fixture
def web_client(web_app: Flask):
    """A Flask test client of the app over the sample index."""
    return web_app.test_client()


@pytest.fixture
def hostile_archive(tmp_path: Path) -> tuple[DataPaths, str]:
    """A data dir holding the crawl of a hostile page, and that page's URL."""
    return crawl_hostile_site(tmp_path)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium (Debian's), or a skip that says what is missing."""
    yield from launched_chromium()


@pytest.fixture
def page(browser):
    """A fresh page at a desktop size; console errors (e.g. CSP violations) are collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
    yield tab
    context.close()


@pytest.fixture(scope="session")
def live_server(web_app: Flask) -> Iterator[str]:
    """The base URL of the app served by waitress."""
    with LiveServer(web_app) as server:
        yield server.url
