"""The web front end: search pages and a JSON API over the ``search`` package.

``create_app()`` is the Flask application factory (``flask --app web run`` for
development); ``serve()`` runs the same app on waitress, a production WSGI server,
for ``search-cli serve``. Every page and every JSON answer comes from the
``search`` package's public API, so the CLI, the HTML and the JSON agree.
"""

from __future__ import annotations

import os
import sys

from flask import Flask

from search import DEFAULT_TIME_BUDGET, MAX_QUERY_LENGTH

# Content-Security-Policy: nothing inline, nothing from another origin.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

DEFAULTS = {
    # None: the default index (built from the bundled seeds when needed).
    "INDEX_DIR": None,
    # Longest query accepted (characters); longer ones are a 400.
    "MAX_QUERY_LENGTH": MAX_QUERY_LENGTH,
    # Results per HTML page; the JSON API takes ?limit=.
    "RESULTS_PER_PAGE": 10,
    # How many completions /api/suggest gives.
    "SUGGEST_LIMIT": 8,
    # Only GET is served; any request body larger than this is refused (413).
    "MAX_CONTENT_LENGTH": 16 * 1024,
    # Seconds one search may take; past it the answer is a 503 (0: no limit).
    # SEARCH_QUERY_TIME_BUDGET=2 in the environment sets it.
    "QUERY_TIME_BUDGET": DEFAULT_TIME_BUDGET,
}


def create_app(test_config: dict | None = None) -> Flask:
    """The app: defaults, then ``SEARCH_*`` environment variables, then ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("SEARCH")  # e.g. SEARCH_INDEX_DIR=/path/to/index
    if test_config:
        app.config.update(test_config)
    if app.config["INDEX_DIR"] is not None:
        app.config["INDEX_DIR"] = os.fspath(app.config["INDEX_DIR"])
    app.config["QUERY_TIME_BUDGET"] = _seconds(app.config["QUERY_TIME_BUDGET"])

    # JSON exactly as `search-cli --json` prints it: keys in order, text readable.
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    from . import errors, state, views

    state.init_app(app)
    errors.init_app(app)
    app.url_map.converters["docid"] = views.DocIdConverter
    app.register_blueprint(views.bp)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _seconds(value) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if not seconds >= 0:
        raise ValueError(f"QUERY_TIME_BUDGET must be a number of seconds (0: none), not {value!r}")
    return seconds


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    index_dir: str | os.PathLike | None = None,
    threads: int | None = None,
    index=None,
    workers: int = 1,
) -> None:
    """Runs the app on waitress until interrupted; the index is opened before listening.

    ``workers``: processes serving the one listening socket, each with its own app
    and ``SearchIndex`` (searching is pure Python: one process uses one CPU);
    ``threads``: waitress threads in each (default: 8 split across the workers, at
    least 2 each). ``index``: an open index to serve instead of ``index_dir``'s,
    such as a ``search.cluster.ShardedIndex`` (``search-cli serve --cluster
    ADDRESS``); it is served by this process alone.
    """
    from .server import Supervisor, default_threads, listening_socket, serve_app
    from .state import get_index, set_index

    if index is not None or not hasattr(os, "fork"):
        workers = 1
    threads = threads or default_threads(workers)
    config = {"INDEX_DIR": index_dir} if index_dir is not None else None
    app = create_app(config)
    if index is not None:
        set_index(app, index)
    with app.app_context():
        ix = get_index()  # fail now, with the index's own message, not on the first request
    sock = listening_socket(host, port)
    print(f"Searching {ix.path}", file=sys.stderr)
    how = f"{workers} processes × {threads} threads" if workers > 1 else f"{threads} threads"
    print(f"Serving on http://{host}:{port}/ ({how}; Ctrl+C to stop)", file=sys.stderr, flush=True)
    try:
        if workers == 1:
            serve_app(app, sock, threads)
            return
        del app, ix  # each worker opens its own
        status = Supervisor(lambda: _worker_app(config), sock, workers, threads).run()
    finally:
        sock.close()
    if status:
        sys.exit(status)


def _worker_app(config: dict | None) -> Flask:
    from .state import get_index

    app = create_app(config)
    with app.app_context():
        get_index()  # opened before the worker takes its first connection
    return app


__all__ = ["create_app", "serve"]
