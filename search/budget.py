"""A time budget for one search, and a bound on how many words its wildcards may stand for.

A search is pure Python: once started, nothing outside it can stop it. So the
search checks a :class:`Deadline` itself, at each step (expanding wildcards,
prefixes and fuzzy words; collecting matches; counting them; snippets) and
inside the long loops of each, and raises :class:`SearchTimeout` past it. The
one step that cannot check, Whoosh building a matcher for each term, is
bounded instead: all the wildcards, prefixes and fuzzy words of one query may
stand for at most :data:`MAX_QUERY_EXPANSIONS` terms together (a
``QueryError``, found while expanding, before the matchers are built).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from .errors import SearchTimeout

# Seconds a search may take in the web server and in `search-cli`; 0: no limit.
DEFAULT_TIME_BUDGET = 5.0
# Terms all the prefixes, wildcards and fuzzy words of one query may stand for
# together (each alone is bounded by search.query.MAX_EXPANSIONS, per field):
# a matcher a term, built before any budget check can run.
MAX_QUERY_EXPANSIONS = 4000

__all__ = ["DEFAULT_TIME_BUDGET", "MAX_QUERY_EXPANSIONS", "Deadline", "SearchTimeout"]

T = TypeVar("T")


class Deadline:
    """When a search must stop; ``seconds`` None or 0: never."""

    def __init__(self, seconds: float | None, clock: Callable[[], float] | None = None):
        self.seconds = seconds
        self._clock = clock = clock or time.monotonic
        self._at = clock() + seconds if seconds else None

    def check(self) -> None:
        if self._at is not None and self._clock() > self._at:
            raise SearchTimeout(self.seconds or 0)

    def left(self) -> float | None:
        """Seconds left (at least 0); None without a limit."""
        return None if self._at is None else max(0.0, self._at - self._clock())

    def iterate(self, items: Iterable[T], every: int = 64) -> Iterator[T]:
        """``items``, checking the deadline every ``every`` of them."""
        if self._at is None:
            yield from items
            return
        for n, item in enumerate(items):
            if n % every == 0:
                self.check()
            yield item
