"""Error pages: a message for the user, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from indexer.errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexMissingError,
    QueryError,
    QueryTooBroadError,
    SearchError,
)
from webapp.params import limits_from_config, valid_state
from webapp.present import build_chips

log = logging.getLogger(__name__)

NO_INDEX = "no index yet: run cppcc-search index (or cppcc-search demo)"


def wants_json() -> bool:
    """Whether the failing request was for the JSON API."""
    return request.path.startswith("/api/")


def error_response(status: int, message: str, title: str):
    """A JSON ``{"error": ...}`` for the API, an HTML page otherwise: the site's layout with the
    message and a search box holding the query as typed (editable) and the filters that parse."""
    if wants_json():
        return jsonify({"error": message}), status
    limits = limits_from_config(current_app.config, api=False)
    state = valid_state(request.args, limits)
    page = render_template(
        "error.html",
        status=status,
        message=message,
        title=title,
        query=request.args.get("q", "")[: limits.max_query_length],
        state=state,
        chips=build_chips(state, url_for("search.search")),
    )
    return page, status


def register(app: Flask) -> None:
    """Install handlers for search errors, HTTP errors and anything unexpected."""

    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return error_response(400, str(error), "检索式有误 · A problem with this search")

    @app.errorhandler(IndexMissingError)
    def no_index(error: IndexMissingError):
        # The error says where the index was looked for, or why it cannot be read.
        return error_response(503, f"{NO_INDEX}. {error}", "No index yet · 尚未建立索引")

    @app.errorhandler(IndexDamagedError)
    def damaged(error: IndexDamagedError):
        return error_response(503, str(error), "Index damaged · 索引已损坏")

    @app.errorhandler(IndexBusyError)
    def busy(error: IndexBusyError):
        return error_response(503, str(error), "Index busy · 索引正在更新")

    @app.errorhandler(QueryTooBroadError)
    def too_broad(error: QueryTooBroadError):
        return error_response(400, str(error), "Query too broad · 查询范围过大")

    @app.errorhandler(SearchError)
    def search_error(error: SearchError):
        return error_response(400, str(error), "Search error · 检索出错")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return error_response(status, error.description or error.name, error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error on %s", request.path)
        return error_response(500, "Something went wrong on our side.", "Server error · 服务器错误")
