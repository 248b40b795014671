"""Full-text search over Hindi, Arabic and Persian news, across scripts.

One package a job, each importing only those before it: :mod:`search.analysis`
(text → terms) → :mod:`search.documents` (files → documents) →
:mod:`search.index` (documents → Whoosh index) → :mod:`search.query` (what the
reader typed → a query) → :mod:`search.ranking` (matches, scored and ordered)
→ :mod:`search.engine` with :mod:`search.highlight` and :mod:`search.suggest`
(a page of results) → :mod:`search.cli` and the ``web`` package.
:mod:`search.whoosh_ext` is everything that reaches into Whoosh's internals;
:mod:`search.cluster` searches shards on a Dask cluster through the same steps.
See docs/architecture.md.

>>> from search import open_index
>>> with open_index() as ix:                         # doctest: +SKIP
...     result = ix.search("tungsten", limit=5)
...     print(result.results[0].id, result.results[0].snippet)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each public name, and the module it comes from. They are imported when first
# asked for (PEP 562), not here: ``search-cli "QUERY"`` imports ``search.cli``
# and, opening an index, ``search.index``, and each of those imports this
# package first; neither needs the writer.
_EXPORTS = {
    "DEFAULT_TIME_BUDGET": "budget",
    "Document": "documents",
    "Problem": "documents",
    "read_paths": "documents",
    "SearchIndex": "engine",
    "open_index": "engine",
    "BadInput": "errors",
    "IndexError_": "errors",
    "IndexUnavailable": "errors",
    "InvalidDocument": "errors",
    "QueryError": "errors",
    "SearchError": "errors",
    "SearchTimeout": "errors",
    "IndexReport": "index",
    "default_index_dir": "index",
    "update": "index",
    "with_latin": "highlight",
    "LANG_CODES": "languages",
    "LANGUAGES": "languages",
    "MAX_QUERY_LENGTH": "query",
    "Hit": "results",
    "Searchable": "results",
    "SearchResult": "results",
    "StoredDocument": "results",
}

if TYPE_CHECKING:
    from .budget import DEFAULT_TIME_BUDGET
    from .documents import Document, Problem, read_paths
    from .engine import SearchIndex, open_index
    from .errors import (
        BadInput,
        IndexError_,
        IndexUnavailable,
        InvalidDocument,
        QueryError,
        SearchError,
        SearchTimeout,
    )
    from .highlight import with_latin
    from .index import IndexReport, default_index_dir, update
    from .languages import LANG_CODES, LANGUAGES
    from .query import MAX_QUERY_LENGTH
    from .results import Hit, Searchable, SearchResult, StoredDocument


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "BadInput",
    "DEFAULT_TIME_BUDGET",
    "Document",
    "Hit",
    "IndexError_",
    "IndexReport",
    "IndexUnavailable",
    "InvalidDocument",
    "LANGUAGES",
    "LANG_CODES",
    "MAX_QUERY_LENGTH",
    "Problem",
    "QueryError",
    "SearchError",
    "SearchIndex",
    "SearchResult",
    "SearchTimeout",
    "Searchable",
    "StoredDocument",
    "default_index_dir",
    "open_index",
    "read_paths",
    "update",
    "with_latin",
]
