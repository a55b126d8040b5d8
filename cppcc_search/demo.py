"""The demo: the whole pipeline on the bundled sample site, then the web UI.

The sample site stays served while the web UI runs, so "source" links work during the demo; the
archived copies work after it too. The site prefers a fixed port so that report URLs, and with them
report ids, stay the same from one demo run to the next.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from cppcc_search.settings import DataPaths
from cppcc_search.sitehost import serve_directory

PREFERRED_SITE_PORT = 8731
Say = Callable[[str], None]


def demo_site_root() -> Path:
    """Where the bundled sample archive site lives."""
    import demo

    return Path(demo.__file__).resolve().parent / "site"


def run_demo(
    paths: DataPaths,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    build_only: bool = False,
    say: Say = print,
) -> None:
    """Serve the sample site, crawl → extract → index it into ``paths``, then serve the UI."""
    paths.ensure()
    if not build_only:
        # Before minutes of building: a port already taken is known now, not after.
        port = web_port(host, port, say)
    with ExitStack() as stack:
        site_port = PREFERRED_SITE_PORT if port_is_free(PREFERRED_SITE_PORT) else 0
        base_url = stack.enter_context(serve_directory(demo_site_root(), port=site_port))
        say(f"sample site: {base_url}/")
        build_archive(paths, base_url, say)
        if build_only:
            say(f"index built in {paths.root}; try: cppcc-search search energy")
            return
        serve_web_ui(paths, host, port, say)


def build_archive(paths: DataPaths, base_url: str, say: Say) -> None:
    """Crawl the sample site without delay (it is ours, on loopback), extract, index."""
    from crawl.crawler import CrawlOptions, run_crawl
    from extraction.pipeline import extract_all
    from indexer.index.build import index_documents

    options = CrawlOptions(seeds=(f"{base_url}/",), delay=0.0, max_pages=500)
    say(run_crawl(paths, options, progress=None).format())
    say(extract_all(paths).format())
    say(index_documents(paths, rebuild=False, progress=None).format())


def serve_web_ui(paths: DataPaths, host: str, port: int, say: Say) -> None:
    from webapp import create_app
    from webapp.serve import serve

    app = create_app({"BASE_URL": f"http://{host}:{port}/"}, paths=paths)
    serve(app, host=host, port=port, ready=lambda url: say(f"web UI: {url}  (Ctrl-C to stop)"))


def web_port(host: str, port: int, say: Say) -> int:
    """The port the web UI will listen on: ``port`` when it is free, else a free one (said).

    0 asks for any free port."""
    if port and port_is_free(port, host):
        return port
    free = free_port(host)
    if port:
        say(
            f"port {port} is taken on {host}: the web UI will use port {free} instead "
            f"(make demo PORT=N or cppcc-search demo --port N chooses another)"
        )
    return free


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the system's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on ``host:port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the site server does: a port left in TIME_WAIT by the last demo is free to reuse.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
