"""The app's one :class:`search.SearchIndex`, opened on first use and shared by all threads.

A ``SearchIndex`` is safe to share: each thread gets its own Whoosh searcher,
refreshed when the index changes, so nothing is opened or closed per request.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from search import SearchIndex, open_index

EXTENSION = "search_index"
_LOCK = "search_index_lock"


def init_app(app: Flask) -> None:
    app.extensions[_LOCK] = threading.Lock()


def get_index() -> SearchIndex:
    """The index in ``INDEX_DIR`` (or the default one); raises ``search.IndexError_``."""
    extensions = current_app.extensions
    ix = extensions.get(EXTENSION)
    if ix is None:
        with extensions[_LOCK]:
            ix = extensions.get(EXTENSION)
            if ix is None:
                config = current_app.config
                ix = open_index(config["INDEX_DIR"], time_budget=config["QUERY_TIME_BUDGET"])
                extensions[EXTENSION] = ix
    return ix


def set_index(app: Flask, ix) -> None:
    """Serves ``ix``, an open index (a ``search.cluster.ShardedIndex``), not INDEX_DIR's."""
    app.extensions[EXTENSION] = ix
