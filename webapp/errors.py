"""Error pages: a message for the user, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexMissingError,
    QueryError,
    QueryTooBroadError,
    SearchError,
)

log = logging.getLogger(__name__)

NO_INDEX = "no index yet: run cppcc-search index (or cppcc-search demo)"


def wants_json() -> bool:
    """Whether the failing request was for the JSON API."""
    return request.path.startswith("/api/")


def error_response(status: int, message: str, title: str):
    """A JSON ``{"error": ...}`` for the API, an HTML page otherwise."""
    if wants_json():
        return jsonify({"error": message}), status
    return render_template("error.html", status=status, message=message, title=title), status


def register(app: Flask) -> None:
    """Install handlers for search errors, HTTP errors and anything unexpected."""

    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return error_response(400, str(error), "Bad request · 请求有误")

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
