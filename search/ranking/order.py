"""The order of results, the same for one index and for many shards.

Whoosh orders documents of equal score by their number inside the index, which
depends on the order they were written in; shards number their documents
differently, so the order of ties would depend on how documents fell into
shards. Ranking by ``(-score, id)`` does not.

Scores are compared rounded to :data:`SCORE_DECIMALS` places: the same
document's score can differ in its last bits between one index and a shard
(Whoosh adds the clauses' scores in an order that depends on the index's
segments), and two documents that tie in one must tie in the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

SCORE_DECIMALS = 9


def rank_key(score: float, doc_id: str) -> tuple[float, str]:
    """Sort key: higher scores first, then ids in code-point order."""
    return (-round(score, SCORE_DECIMALS), doc_id)


def ranked_top(
    items: Sequence[tuple[float, int]], n: int, doc_id: Callable[[int], str]
) -> list[tuple[float, int]]:
    """The first ``n`` of ``items`` in ``(score, id)`` order.

    ``items`` are ``(score, docnum)`` pairs sorted by score, highest first, as
    Whoosh's ``Results.top_n`` holds them; ``doc_id`` gives a document's id.
    Ids are looked up only for documents that tie with another one, including
    ties that straddle the ``n``-th place.
    """
    if n <= 0 or not items:
        return []
    cut = min(n, len(items))
    boundary = round(items[cut - 1][0], SCORE_DECIMALS)
    end = cut
    while end < len(items) and round(items[end][0], SCORE_DECIMALS) == boundary:
        end += 1
    out: list[tuple[float, int]] = []
    start = 0
    while start < end:
        rounded = round(items[start][0], SCORE_DECIMALS)
        stop = start + 1
        while stop < end and round(items[stop][0], SCORE_DECIMALS) == rounded:
            stop += 1
        group = list(items[start:stop])
        if len(group) > 1:
            group.sort(key=lambda item: doc_id(item[1]))
        out.extend(group)
        start = stop
    return out[:n]
