"""Every match of a query with its score, read from Whoosh's matchers without its collector.

The engine scores every match in one pass (the ranking, the total and the
per-language counts all come from it). Whoosh's ``UnlimitedCollector`` does
that with several Python calls per matched document (the collector's
generator, ``id()``, ``score()``, ``next()``, a set and a list), then sorts
them all, which cost most of a query matching most of the index; an
``AND`` or a ``NOT`` also moved its two sides along one posting at a time.
:func:`scored_matches` builds the same matchers and reads the scores of their
documents child by child into dicts (an OR's preloaded parts,
search/whoosh_ext/matchers.py, whole; a term's posting blocks whole), adding them up
as each Whoosh matcher does, in the same order, so that every score is the
same float; :func:`leading` sorts only what the page can show.
"""

from __future__ import annotations

import heapq
from itertools import compress

from whoosh.matching import binary, combo, wrappers

from ..budget import Deadline
from ..whoosh_ext.matchers import union_scores
from ..whoosh_ext.segments import filter_docnums
from . import bm25
from .order import SCORE_DECIMALS
from .phrase import ScoredListMatcher, fast_phrases

# Whoosh's scored collectors let a matcher simplify itself every this many matches.
_REPLACE_EVERY = 10
# Scores equal to SCORE_DECIMALS places differ by less than this.
_TIE_MARGIN = 10.0 ** -(SCORE_DECIMALS - 3)

Item = tuple[float, int]


class Scored:
    """Every match of a query: document numbers and their scores, side by side
    (kept apart, so that counting and filtering them are C loops, not Python ones)."""

    def __init__(self, docnums: list[int] | None = None, scores: list[float] | None = None):
        self.docnums: list[int] = docnums if docnums is not None else []
        self.scores: list[float] = scores if scores is not None else []

    def __len__(self) -> int:
        return len(self.docnums)

    def items(self) -> list[Item]:
        """``(score, docnum)`` pairs, in no particular order."""
        return list(zip(self.scores, self.docnums, strict=True))

    def only(self, docs) -> Scored:
        """The matches among ``docs`` (a set of document numbers)."""
        keep = list(map(docs.__contains__, self.docnums))
        return Scored(list(compress(self.docnums, keep)), list(compress(self.scores, keep)))

    def leading(self, n: int) -> list[Item]:
        """The start of the matches sorted as Whoosh's ``Results.top_n``: at least the
        first ``n`` and every one whose score rounds like the ``n``-th's, which is all
        :func:`search.ranking.order.ranked_top` reads to give the first ``n``."""
        if n <= 0 or len(self.scores) <= n:
            return sorted(self.items(), key=_order)
        nth = heapq.nlargest(n, self.scores)[-1]
        # a prefix of the sorted list: everything scoring at least a little under the n-th
        near = map((nth - _TIE_MARGIN).__le__, self.scores)
        head = list(compress(zip(self.scores, self.docnums, strict=True), near))
        head.sort(key=_order)
        return head


def scored_matches(searcher, query, deadline: Deadline, filter=None) -> Scored:
    """Every match of ``query`` with its score, in no particular order.

    The same documents and scores as ``searcher.search(query, limit=None,
    filter=filter)``: the same matchers built in the same context, each
    simplified (``replace``) when Whoosh's collector would, and a date
    ``filter`` (a query) applied as its ``FilterCollector`` does.
    """
    query = fast_phrases(query)
    context = searcher.context()
    allowed = filter_docnums(searcher, filter) if filter is not None else None
    check = deadline.check if deadline.seconds else None
    found = Scored()
    for subsearcher, offset in searcher.leaf_searchers():
        deadline.check()
        matcher = query.matcher(subsearcher, context).replace(0)
        if type(matcher) in _READ_WHOLE:
            scores = _scores(matcher, check)
            if check is not None:
                for _ in scores:
                    check()  # as the collector did at every matched document
            found.docnums.extend(map(offset.__add__, scores) if offset else scores)
            found.scores.extend(scores.values())
        else:
            _step(matcher, offset, found, check)
    return found.only(allowed) if allowed is not None else found


def _scores(matcher, check) -> dict[int, float]:
    """docnum -> ``matcher.score()`` for every document ``matcher`` matches from
    where it stands, read child by child as Whoosh's matchers combine them (the
    same sums in the same order): no Python call per document for a union,
    an intersection, an exclusion or a boost. The matcher is used up."""
    kind = type(matcher)
    if kind is combo.ArrayUnionMatcher:
        return union_scores(matcher, check)
    if kind is binary.UnionMatcher:  # a.score() + b.score() where both match
        a, b = _scores(matcher.a, check), _scores(matcher.b, check)
        for docnum, score in b.items():
            a[docnum] = a[docnum] + score if docnum in a else score
        return a
    if kind is binary.IntersectionMatcher:  # a.score() + b.score()
        a, b = _scores(matcher.a, check), _scores(matcher.b, check)
        return {docnum: score + b[docnum] for docnum, score in a.items() if docnum in b}
    if kind is binary.AndNotMatcher:  # a.score(), where b does not match
        a, b = _scores(matcher.a, check), _scores(matcher.b, check)
        return {docnum: score for docnum, score in a.items() if docnum not in b}
    if kind is wrappers.WrappingMatcher:  # child.score() * boost
        boost = matcher.boost
        return {docnum: score * boost for docnum, score in _scores(matcher.child, check).items()}
    if kind is ScoredListMatcher:  # a phrase, scored when it was built
        at = matcher._i
        return dict(zip(matcher._ids[at:], matcher._scores[at:], strict=True))
    if check is not None:
        check()
    leaf = bm25.leaf_scores(matcher)
    if leaf is not None:
        return leaf
    scores = {}
    while matcher.is_active():
        if check is not None:
            check()
        scores[matcher.id()] = matcher.score()
        matcher.next()
    return scores


_READ_WHOLE = (
    combo.ArrayUnionMatcher,
    binary.UnionMatcher,
    binary.IntersectionMatcher,
    binary.AndNotMatcher,
    wrappers.WrappingMatcher,
)


def _step(matcher, offset: int, found: Scored, check) -> None:
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
        found.scores.append(matcher.score())
        found.docnums.append(offset + matcher.id())
        matcher.next()


def _order(item: Item) -> tuple[float, int]:
    # UnlimitedCollector's order: higher scores first, then lower document numbers
    return (0 - item[0], item[1])
