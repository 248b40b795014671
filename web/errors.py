"""One error shape: ``{"error": {"status": 400, "message": "..."}}`` under ``/api/``, an
escaped error page everywhere else, and never a traceback.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search import IndexError_, SearchTimeout

from . import display

API_PREFIX = "/api/"

# Plain words for the errors a reader can meet; a view's own description wins.
MESSAGES = {
    400: "The request could not be understood.",
    404: "There is no page at this address.",
    405: "This address does not answer that method.",
    413: "The request is too large.",
    500: "Something went wrong on our side; the error has been logged.",
    503: "The search index could not be opened; the server's log says why.",
}
TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    500: "Server error",
    503: "Search unavailable",
}


def wants_json() -> bool:
    return request.path.startswith(API_PREFIX)


def error_body(status: int, message: str) -> dict:
    """The JSON body of every API error."""
    return {"error": {"status": status, "message": message}}


def _message(e: HTTPException) -> str:
    default = type(e).description
    if e.description and e.description != default:
        return e.description
    return MESSAGES.get(e.code or 500, default or "Error")


def render_error(status: int, message: str, response=None):
    """The error as JSON or as a page; ``response`` keeps headers such as ``Allow``."""
    if wants_json():
        body = jsonify(error_body(status, message))
    else:
        body = current_app.make_response(
            render_template(
                "error.html", status=status, title=TITLES.get(status, "Error"), message=message
            )
        )
    if response is not None:
        for name, value in response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                body.headers.setdefault(name, value)
    body.status_code = status
    return body


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.code is None or e.code < 400:
            return e
        return render_error(e.code, _message(e), e.get_response())

    @app.errorhandler(IndexError_)
    def index_error(e: IndexError_):
        app.logger.error("cannot open the search index: %s", e)
        return render_error(503, MESSAGES[503])

    @app.errorhandler(SearchTimeout)
    def search_timeout(e: SearchTimeout):
        app.logger.warning("search stopped at its time budget: %.200r", request.args.get("q"))
        return render_error(503, display.sentence(str(e)))
