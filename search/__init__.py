"""Full-text search over Hindi, Arabic and Persian news, across scripts.

The path of a search, top to bottom: :mod:`search.analysis` (text → terms) →
:mod:`search.documents` (files → documents) → :mod:`search.index` (documents →
Whoosh index) → :mod:`search.query` (what the reader typed → a query) →
:mod:`search.engine` (ranking, paging, facets) → :mod:`search.highlight`
(snippets) → :mod:`search.cli` and the ``web`` package.

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
# package first; neither needs the document reader nor the writer.
_EXPORTS = {
    "SearchTimeout": "budget",
    "Document": "documents",
    "Problem": "documents",
    "read_paths": "documents",
    "Hit": "engine",
    "SearchIndex": "engine",
    "SearchResult": "engine",
    "StoredDocument": "engine",
    "open_index": "engine",
    "IndexError_": "index",
    "IndexReport": "index",
    "default_index_dir": "index",
    "update": "index",
    "QueryError": "query",
}

if TYPE_CHECKING:
    from .budget import SearchTimeout
    from .documents import Document, Problem, read_paths
    from .engine import Hit, SearchIndex, SearchResult, StoredDocument, open_index
    from .index import IndexError_, IndexReport, default_index_dir, update
    from .query import QueryError


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
    "Document",
    "Hit",
    "IndexError_",
    "IndexReport",
    "Problem",
    "QueryError",
    "SearchIndex",
    "SearchResult",
    "SearchTimeout",
    "StoredDocument",
    "default_index_dir",
    "open_index",
    "read_paths",
    "update",
]
