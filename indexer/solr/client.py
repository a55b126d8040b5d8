"""Plain HTTP to a SolrCloud cluster: JSON in and out, failing over between its nodes.

The client knows the node URLs it was given (``--engine-url``, comma-separated) and, once it
has reached one, every live node of the cluster; a node that refuses a connection or times out
is skipped for the next one, so a search keeps answering while any node is up (SolrCloud itself
then routes to a live replica of each shard).
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from indexer.errors import EngineError, EngineUnavailableError

DEFAULT_TIMEOUT = 60.0
Params = Mapping[str, Any] | Sequence[tuple[str, Any]]


def node_urls(engine_url: str) -> list[str]:
    """The base URLs in an engine URL: one or more comma-separated ``http://host:port/solr``."""
    urls = [url.strip().rstrip("/") for url in engine_url.split(",") if url.strip()]
    for url in urls:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise EngineError(f"not a Solr URL: {url!r} (use http://host:8983/solr)")
    if not urls:
        raise EngineError("no Solr URL given (use --engine-url http://host:8983/solr)")
    return urls


class SolrClient:
    """Requests to any live node of one cluster; thread-safe."""

    def __init__(self, engine_url: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._urls = node_urls(engine_url)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._discovered = False

    @property
    def urls(self) -> list[str]:
        with self._lock:
            return list(self._urls)

    def get(self, path: str, params: Params = ()) -> dict[str, Any]:
        """GET ``path`` (relative to the node's /solr) with query parameters."""
        return self._request(path, params, None, None)

    def post_json(self, path: str, body: Any, params: Params = ()) -> dict[str, Any]:
        """POST a JSON body."""
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return self._request(path, params, data, "application/json")

    def post_form(self, path: str, params: Params) -> dict[str, Any]:
        """POST parameters as a form (long ones: thousands of terms to look up)."""
        data = urllib.parse.urlencode(_pairs(params)).encode("utf-8")
        return self._request(path, (), data, "application/x-www-form-urlencoded")

    def post_bytes(
        self, path: str, data: bytes, content_type: str, params: Params = ()
    ) -> dict[str, Any]:
        """POST raw bytes (a configset's zip file)."""
        return self._request(path, params, data, content_type)

    def _request(
        self, path: str, params: Params, data: bytes | None, content_type: str | None
    ) -> dict[str, Any]:
        query = urllib.parse.urlencode([*_pairs(params), ("wt", "json")])
        failures = []
        for base in self.urls:
            request = urllib.request.Request(f"{base}/{path.lstrip('/')}?{query}", data=data)
            if content_type:
                request.add_header("Content-Type", content_type)
            try:
                with urllib.request.urlopen(request, timeout=self._timeout) as response:
                    answer = json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as error:
                raise EngineError(f"Solr at {base}: {_reason(error)}") from None
            except (urllib.error.URLError, OSError, TimeoutError) as error:
                failures.append(f"{base}: {_unreachable(error)}")
                self._demote(base)
                continue
            if failures or not self._discovered:
                self._discover(base)
            return answer
        raise EngineUnavailableError(f"no Solr node answers ({'; '.join(failures)})")

    def _demote(self, base: str) -> None:
        """Try a node that failed last from now on."""
        with self._lock:
            if base in self._urls:
                self._urls.remove(base)
                self._urls.append(base)

    def _discover(self, base: str) -> None:
        """Learn every live node from the one that answered (after the ones already known)."""
        self._discovered = True
        try:
            status = self.get("admin/collections", {"action": "CLUSTERSTATUS"})
        except EngineError:
            return  # not SolrCloud, or no rights: keep the URLs given
        scheme = urllib.parse.urlsplit(base).scheme
        live = [_node_url(scheme, name) for name in status.get("cluster", {}).get("live_nodes", [])]
        with self._lock:
            first = [u for u in self._urls if u in live or u == base]
            self._urls = first + [u for u in live if u not in first]


def _pairs(params: Params) -> list[tuple[str, str]]:
    items = params.items() if isinstance(params, Mapping) else params
    return [(key, _text(value)) for key, value in items]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _node_url(scheme: str, node_name: str) -> str:
    """``127.0.0.1:8983_solr`` → ``http://127.0.0.1:8983/solr``."""
    host, _, context = node_name.partition("_")
    return f"{scheme}://{host}/{context.replace('%2F', '/') or 'solr'}"


def _reason(error: urllib.error.HTTPError) -> str:
    """Solr's own message from an error response, on one line."""
    try:
        body = json.loads(error.read().decode("utf-8"))
        message = body.get("error", {}).get("msg") or str(body.get("error"))
    except (ValueError, AttributeError, OSError):
        message = error.reason
    return f"HTTP {error.code}: {' '.join(str(message).split())[:300]}"


def _unreachable(error: BaseException) -> str:
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    return str(getattr(reason, "strerror", None) or reason)
