"""Whoosh's BM25F, with each segment's field lengths read once instead of at every posting.

Scoring a posting asked the segment for the document's field length through
five calls (searcher, reader, per-document reader, column, byte decoding):
about a third of the time of scoring every match of a query. Here each segment
decodes a field's length column once into a list, kept with the segment's
reader, and the score is Whoosh's ``bm25()`` written out, term for term, so
that it gives the same floating-point number.
"""

from __future__ import annotations

import threading
import weakref

from whoosh import scoring
from whoosh.codec import whoosh3
from whoosh.matching import wrappers
from whoosh.util.numeric import byte_to_length

# the length of a field in a document from its length byte (0: none stored)
_BYTE_LENGTHS = [byte_to_length(b) if b else None for b in range(256)]
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def field_lengths(reader, fieldname: str) -> list | None:
    """Each document's length of ``fieldname`` in a segment's reader, as
    ``reader.doc_field_length`` gives it; None where this reader is not a
    whoosh3 segment's."""
    with _lock:
        per_reader = _cache.setdefault(reader, {})
    if fieldname in per_reader:
        return per_reader[fieldname]
    lengths = _read_lengths(reader, fieldname)
    with _lock:
        per_reader[fieldname] = lengths
    return lengths


def _read_lengths(reader, fieldname: str) -> list | None:
    perdoc = getattr(reader, "_perdoc", None)
    if not isinstance(perdoc, whoosh3.W3PerDocReader):
        return None
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if column is None:
        return None
    doccount = reader.doc_count_all()
    return [_BYTE_LENGTHS[column[docnum]] for docnum in range(doccount)]


class BM25FScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname: str, text: str, B: float, K1: float, qf: int = 1):
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)
        self.lengths = field_lengths(searcher.reader(), fieldname)
        if self.lengths is not None:
            self.dfl = self.lengths.__getitem__

    def score(self, matcher) -> float:
        # scoring.bm25(idf, tf, fl, avgfl, B, K1), the same operations in the same order
        tf, fl = matcher.weight(), self.dfl(matcher.id())
        idf, avgfl, B, K1 = self.idf, self.avgfl, self.B, self.K1
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


class BM25F(scoring.BM25F):
    """scoring.BM25F, scored by :class:`BM25FScorer`."""

    def scorer(self, searcher, fieldname: str, text: str, qf: int = 1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        return BM25FScorer(searcher, fieldname, text, B, self.K1, qf=qf)


def _bm25_figures(matcher) -> tuple | None:
    """(lengths, idf, avgfl, B, K1) of a whoosh3 leaf scored by :class:`BM25FScorer`
    over a whoosh3 segment: what its blocks can be scored with, without a call per
    posting; None for any other matcher."""
    if type(matcher) is not whoosh3.W3LeafMatcher:
        return None
    scorer = matcher.scorer
    if type(scorer) is not BM25FScorer or scorer.lengths is None:
        return None
    return scorer.lengths, scorer.idf, scorer.avgfl, scorer.B, scorer.K1


def _blocks(leaf):
    """(ids, weights, start, end) of the posting block a whoosh3 leaf stands in, from
    where it stands, then of each block after it: the leaf moves to the next block when
    the caller asks for it (a caller that stops inside a block leaves the leaf there)."""
    while leaf.is_active():
        if leaf._ids is None:
            leaf._read_ids()
        if leaf._weights is None:
            leaf._read_weights()
        yield leaf._ids, leaf._weights, leaf._i, leaf._blocklength
        leaf._i = leaf._blocklength - 1
        leaf.next()  # to the next block


def add_scores(matcher, scores, offset: int, limit: int, boost: float, slots: set) -> bool:
    """What ArrayUnionMatcher does with one of its clauses, block by block.

    For each posting of ``matcher`` below document ``limit``:
    ``scores[docnum - offset] += matcher.score() * boost``, the slot added to
    ``slots``, and the matcher moved on. Read straight from the blocks of a
    whoosh3 leaf scored by :class:`BM25FScorer` (perhaps under a boost), with
    the same operations in the same order; returns False, having read
    nothing, for any other matcher.
    """
    leaf, inner = matcher, None
    if type(leaf) is wrappers.WrappingMatcher:
        leaf, inner = leaf.child, leaf.boost
    figures = _bm25_figures(leaf)
    if figures is None:
        return False
    lengths, idf, avgfl, B, K1 = figures
    for ids, weights, start, end in _blocks(leaf):
        for i in range(start, end):
            docnum = ids[i]
            if docnum >= limit:
                leaf._i = i  # the leaf stays on this posting
                return True
            tf, fl = weights[i], lengths[docnum]
            score = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
            if inner is not None:
                score = score * inner  # WrappingMatcher.score()
            scores[docnum - offset] += score * boost
            slots.add(docnum - offset)
    return True


def leaf_scores(matcher) -> dict[int, float] | None:
    """docnum -> ``matcher.score()`` of every posting from where a whoosh3 leaf
    scored by :class:`BM25FScorer` stands (it is read to the end); None, having
    read nothing, for any other matcher."""
    figures = _bm25_figures(matcher)
    if figures is None:
        return None
    lengths, idf, avgfl, B, K1 = figures
    scores: dict[int, float] = {}
    for ids, weights, start, end in _blocks(matcher):
        for i in range(start, end):
            docnum, tf = ids[i], weights[i]
            fl = lengths[docnum]
            scores[docnum] = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    return scores
