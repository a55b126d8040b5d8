"""Every page through axe-core (npm's, pinned in package-lock.json) in Debian's Chromium: no
serious or critical violations, at a desktop width and a phone's."""

from __future__ import annotations

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    "/search?q=新能源",
    "/search?q=养老&language=zh&committee=全国政协",
    "/search?q=elderly care&sort=newest&per_page=2&page=2",
    "/search?q=zzzzqqqq&language=en",
    "/search?q=new energy",
    "/search?q=new energy&off=新能源",
    "/search?q=new energy&expand=0",
    "/report/nat-2023-3?q=new energy",
    "/search?q=title:",
    "/search?q=养老&year_from=abc",
    "/report/nat-2023-3?q=新能源&language=zh",
    "/report/czen-2024-8",
    "/report/nat-2023-3/followup",
    "/trends",
    "/trends?q=新能源,养老,elderly&by_part=1",
    "/trends?q=new energy&off=新能源",
    "/figures",
    "/figures?q=提案",
    "/help",
    "/archive?url=http://127.0.0.1:9/none.html",
    "/no/such/page",
]
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): `make test` runs npm ci")
    return AXE.read_text("utf-8")


def violations(page, axe_source: str, within: str | None = None) -> list[str]:
    """axe's serious and critical violations on the open page (or the elements ``within``
    selects), one line each."""
    # Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') allows.
    page.evaluate(axe_source)
    found = page.evaluate(
        "async (within) => (await axe.run(within ? {include: [[within]]} : document,"
        " {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))",
        within,
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}"
        for v in found
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_has_serious_or_critical_axe_violations(browser, live_server, axe_source, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    problems: dict[str, list[str]] = {}
    try:
        for path in PAGES:
            tab.goto(f"{live_server}{path}")
            found = violations(tab, axe_source)
            if found:
                problems[path] = found
    finally:
        context.close()
    assert problems == {}, "\n".join(f"{p}: {v}" for p, vs in problems.items() for v in vs)


def test_the_archived_copy_banner_has_no_serious_violations(browser, axe_source, hostile_archive):
    """The archive view shows a capture as fetched: the markup is the source site's, and the
    banner on top is ours. Its sandbox runs no script, axe included, so the same HTML is
    checked in an ordinary page of the site, the banner alone."""
    from urllib.parse import quote

    from tests.webapp.support import LiveServer
    from webapp import create_app

    paths, url = hostile_archive
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        with LiveServer(create_app({"TESTING": True}, paths=paths)) as server:
            archived = tab.request.get(f"{server.url}/archive?url={quote(url, safe='')}")
            assert archived.ok
            tab.goto(f"{server.url}/help")
            tab.set_content(archived.text())
            assert tab.locator("div[role=note]").count() == 1
            assert violations(tab, axe_source, within="div[role=note]") == []
    finally:
        context.close()


def test_the_check_finds_what_it_looks_for(browser, axe_source):
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
        found = violations(tab, axe_source)
    finally:
        context.close()
    assert any("image-alt" in line for line in found) and any("label" in line for line in found)
