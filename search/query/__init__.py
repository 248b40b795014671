"""What the reader typed → a Whoosh query.

- :mod:`.parse` the query language: words in every stream, phrases, boolean
  operators, filters;
- :mod:`.fuzzy` ``word~``: the words of the index within an edit distance;
- :mod:`.expand` prefixes, wildcards and fuzzy words expanded over the whole
  collection before ranking.
"""

from __future__ import annotations

from .parse import MAX_QUERY_LENGTH, Filters, ParsedQuery, QueryBuilder

__all__ = ["MAX_QUERY_LENGTH", "Filters", "ParsedQuery", "QueryBuilder"]
