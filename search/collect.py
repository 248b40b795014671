"""Every match of a query with its score, read from Whoosh's matchers without its collector.

The engine scores every match in one pass (the ranking, the total and the
per-language counts all come from it). Whoosh's ``UnlimitedCollector`` does
that with several Python calls per matched document (the collector's
generator, ``id()``, ``score()``, ``next()``, a set and a list), then sorts
them all: over half the time of a query matching most of the index.
:func:`scored_matches` asks the same matchers for the same scores, and reads
an OR's preloaded part (``ArrayUnionMatcher``, search/cluster_whoosh.py)
as a whole; :func:`leading` sorts only what the page can show.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left

from whoosh.matching import combo

from .budget import Deadline
from .cluster_rank import SCORE_DECIMALS

# Whoosh's scored collectors let a matcher simplify itself every this many matches.
_REPLACE_EVERY = 10
# Scores equal to SCORE_DECIMALS places differ by less than this.
_TIE_MARGIN = 10.0 ** -(SCORE_DECIMALS - 3)

Item = tuple[float, int]


def scored_matches(searcher, query, deadline: Deadline, filter=None) -> list[Item]:
    """``(score, docnum)`` of every match of ``query``, in no particular order.

    The same documents and scores as ``searcher.search(query, limit=None,
    filter=filter)``: the same matchers built in the same context, each
    simplified (``replace``) when Whoosh's collector would, and a date
    ``filter`` (a query) applied as its ``FilterCollector`` does.
    """
    context = searcher.context()
    allowed = searcher._filter_to_comb(filter) if filter is not None else None
    check = deadline.check if deadline.seconds else None
    items: list[Item] = []
    for subsearcher, offset in searcher.leaf_searchers():
        deadline.check()
        matcher = query.matcher(subsearcher, context).replace(0)
        if type(matcher) is combo.ArrayUnionMatcher:
            _read_union(matcher, offset, items, check)
        else:
            _step(matcher, offset, items, check)
    if allowed is not None:
        items = [item for item in items if item[1] in allowed]
    return items


def _read_union(matcher, offset: int, items: list[Item], check) -> None:
    """A preloaded OR's scored slots, part by part (cluster_whoosh's ``_union_all_ids``)."""
    doccount = matcher._doccount
    while True:
        scores, base, slots = matcher._a, matcher._offset, matcher._slots
        start = bisect_left(slots, matcher._docnum - base)
        if check is None:
            first = offset + base
            items.extend([(scores[slot], first + slot) for slot in slots[start:]])
        else:
            for slot in slots[start:]:
                check()  # as the collector did at every matched document
                items.append((scores[slot], offset + base + slot))
        following = matcher._min_id()
        if following >= doccount:
            matcher._docnum = doccount
            return
        matcher._docnum = following
        matcher._read_part()


def _step(matcher, offset: int, items: list[Item], check) -> None:
    """Any other matcher, one document at a time, as ``ScoredCollector.matches`` walks it."""
    countdown = _REPLACE_EVERY
    while matcher.is_active():
        if countdown == 0:
            matcher = matcher.replace(0)
            if not matcher.is_active():
                return
            countdown = _REPLACE_EVERY
        countdown -= 1
        if check is not None:
            check()
        items.append((matcher.score(), offset + matcher.id()))
        matcher.next()


def _order(item: Item) -> tuple[float, int]:
    # UnlimitedCollector's order: higher scores first, then lower document numbers
    return (0 - item[0], item[1])


def leading(items: list[Item], n: int) -> list[Item]:
    """The start of ``items`` sorted as Whoosh's ``Results.top_n``: at least the
    first ``n`` and every one whose score rounds like the ``n``-th's, which is all
    :func:`search.cluster_rank.ranked_top` reads to give the first ``n``."""
    if n <= 0 or len(items) <= n:
        return sorted(items, key=_order)
    nth = heapq.nlargest(n, [score for score, _ in items])[-1]
    # a prefix of the sorted list: everything scoring at least a little under the n-th
    head = [item for item in items if item[0] >= nth - _TIE_MARGIN]
    head.sort(key=_order)
    return head
