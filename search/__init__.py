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

from .budget import SearchTimeout
from .documents import Document, Problem, read_paths
from .engine import Hit, SearchIndex, SearchResult, StoredDocument, open_index
from .index import IndexError_ as IndexError_
from .index import IndexReport, default_index_dir, update
from .query import QueryError

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
