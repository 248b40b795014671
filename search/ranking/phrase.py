"""Phrases matched from their words' posting lists at once, scored as Whoosh scores them.

Whoosh matches a phrase (``SpanNear2``) by walking an intersection of its
words' matchers one posting at a time, and for every document holding all the
words it builds a ``Span`` object for each position of each word: the phrase
queries were the slowest of the benchmark's mix. Here a segment's phrase is
worked out when its matcher is built: the rarest word's documents first, then
each other word's blocks read only where they can hold one of those documents,
positions decoded only for documents holding every word, and the chain of
positions followed with sets.

What matches and how it scores are Whoosh's (``SpanNear2(ordered=True,
mindist=1)``): each word after the first stands 1 to ``slop`` positions after
the previous word's match; the score is the sum of the words' BM25F scores in
the order of Whoosh's binary tree of intersections, times the phrase's boost.
Anything else (a field without plain positions, deleted documents, another
scorer, a caller that needs the matcher's positions) goes through Whoosh's own
matcher.
"""

from __future__ import annotations

from bisect import bisect_left

from whoosh import query as Q
from whoosh.formats import Positions
from whoosh.matching import mcore

from ..whoosh_ext.segments import (
    decode_positions,
    is_plain_postings,
    leaf_scorer,
    read_postings,
)
from . import bm25


class Phrase(Q.Phrase):
    """``whoosh.query.Phrase``, matched by :func:`phrase_matcher` where it can be."""

    def matcher(self, searcher, context=None):
        if context is None or not context.needs_current:
            matcher = phrase_matcher(self, searcher, context)
            if matcher is not None:
                return matcher
        return super().matcher(searcher, context)


def fast_phrases(query: Q.Query) -> Q.Query:
    """``query`` with each of Whoosh's phrases as a :class:`Phrase`.

    The query room builds Whoosh's own ``Phrase``; how a phrase is matched is
    this room's business, so the swap happens here, before matchers are built.
    """

    def swap(node: Q.Query) -> Q.Query:
        if type(node) is not Q.Phrase:
            return node
        return Phrase(
            node.fieldname,
            node.words,
            slop=node.slop,
            boost=node.boost,
            char_ranges=node.char_ranges,
        )

    return query.accept(swap)


class ScoredListMatcher(mcore.Matcher):
    """Documents with their final scores, in document order (one block)."""

    def __init__(self, ids: list[int], scores: list[float], position: int = 0):
        self._ids = ids
        self._scores = scores
        self._i = position
        self._best = max(scores) if scores else 0.0

    def is_active(self) -> bool:
        return self._i < len(self._ids)

    def id(self) -> int:
        return self._ids[self._i]

    def score(self) -> float:
        return self._scores[self._i]

    def next(self) -> bool:
        self._i += 1
        return False

    def skip_to(self, id) -> None:
        if not self.is_active():
            raise mcore.ReadTooFar
        self._i = bisect_left(self._ids, id, self._i)

    def all_ids(self):
        return iter(self._ids[self._i :])

    def reset(self) -> None:
        self._i = 0

    def copy(self) -> ScoredListMatcher:
        return ScoredListMatcher(self._ids, self._scores, self._i)

    def supports(self, astype: str) -> bool:
        return False

    def replace(self, minquality=0):
        if not self.is_active() or (minquality and self._best < minquality):
            return mcore.NullMatcher()
        return self

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self._best

    def block_quality(self) -> float:
        return self._best

    def skip_to_quality(self, minquality) -> int:
        if self.is_active() and self._best <= minquality:
            self._i = len(self._ids)
            return 1
        return 0


def phrase_matcher(phrase: Q.Phrase, searcher, context) -> mcore.Matcher | None:
    """The phrase's matches in this (segment's) searcher, or None where Whoosh must do it."""
    fieldname = phrase.fieldname
    if fieldname not in searcher.schema or len(phrase.words) < 2:
        return None
    field = searcher.schema[fieldname]
    if type(field.format) is not Positions:
        return None
    reader = searcher.reader()
    words = []
    for word in phrase.words:
        try:
            word = field.to_bytes(word)
        except ValueError:
            return None
        if (fieldname, word) not in reader:
            return mcore.NullMatcher()  # as Whoosh: a missing word matches nothing
        words.append(word)
    leaves = [Q.Term(fieldname, word).matcher(searcher, context) for word in words]
    if not all(_readable(leaf) for leaf in leaves):
        return None
    # the rarest word first: its documents are the candidates
    order = sorted(range(len(words)), key=lambda k: reader.doc_frequency(fieldname, words[k]))
    postings: dict[int, dict[int, tuple[float, bytes]]] = {}
    candidates: list[int] | None = None
    for k in order:
        postings[k] = read_postings(leaves[k], candidates)
        candidates = (
            sorted(postings[k])
            if candidates is None
            else sorted(docnum for docnum in candidates if docnum in postings[k])
        )
        if not candidates:
            return mcore.NullMatcher()
    scorers = [leaf_scorer(leaf) for leaf in leaves]
    maps = [postings[k] for k in range(len(words))]
    first, following = maps[0], maps[1:]
    ids, scores = [], []
    for docnum in candidates:
        if not _in_sequence(first[docnum][1], [m[docnum][1] for m in following], phrase.slop):
            continue
        parts = [
            _bm25(scorer, m[docnum][0], docnum) for scorer, m in zip(scorers, maps, strict=True)
        ]
        score = _tree_sum(parts)
        ids.append(docnum)
        scores.append(score * phrase.boost if phrase.boost != 1.0 else score)
    return ScoredListMatcher(ids, scores) if ids else mcore.NullMatcher()


def _readable(leaf) -> bool:
    """A plain posting list (no deletions to filter) scored by our BM25F."""
    scorer = leaf_scorer(leaf)
    return (
        is_plain_postings(leaf) and type(scorer) is bm25.BM25FScorer and scorer.lengths is not None
    )


def _in_sequence(first: bytes, following: list[bytes], slop: int) -> bool:
    """Whether each word stands 1 to ``slop`` positions after a match of the one before
    (the words' encoded positions)."""
    if slop == 1:
        ends = {position + 1 for position in decode_positions(first)}
        for value in following[:-1]:
            ends = {position + 1 for position in ends.intersection(decode_positions(value))}
            if not ends:
                return False
        return not ends.isdisjoint(decode_positions(following[-1]))
    steps = range(1, slop + 1)
    ends = set(decode_positions(first))
    for value in following:
        reachable = {end + step for end in ends for step in steps}
        ends = reachable.intersection(decode_positions(value))
        if not ends:
            return False
    return True


def _bm25(scorer, weight: float, docnum: int) -> float:
    # BM25FScorer.score, the same operations in the same order
    tf, fl = weight, scorer.lengths[docnum]
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


def _tree_sum(parts: list[float]) -> float:
    # IntersectionMatcher.score() over make_binary_tree's tree: a + b, halves first
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])
