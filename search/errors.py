"""Every error the engine raises for people to read, under one base class.

Catch :class:`SearchError` for any of them. Each carries a message written for
the reader (the CLI prints it on one line, the web shows it on the page).
The names earlier versions used stay as aliases: ``IndexError_``, ``BadInput``.
"""

from __future__ import annotations


class SearchError(Exception):
    """Anything the engine refuses or cannot do, with a message for people."""


class IndexUnavailable(SearchError):
    """An index that cannot be opened or written."""


class QueryError(SearchError, ValueError):
    """A query that cannot be searched (a 400 from the web, exit 2 from the CLI)."""


class SearchTimeout(SearchError):
    """A search stopped at its time budget (a 503 from the web, exit 2 from the CLI)."""

    def __init__(self, budget: float):
        self.budget = budget
        super().__init__(
            f"the search was stopped after {budget:g} s, its time budget; a query with "
            "fewer wildcards (*, ?) or fuzzy words (~) takes less"
        )


class InvalidDocument(SearchError, ValueError):
    """A file or record that cannot be read as a document (reported and skipped)."""


class MissingLibrary(SearchError):
    """An input format whose library is not installed; the message says how to install it."""


# the names of earlier versions
IndexError_ = IndexUnavailable
BadInput = InvalidDocument
