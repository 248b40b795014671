"""Whoosh's BM25F, with each segment's field lengths read once instead of at every posting.

Scoring a posting asked the segment for the document's field length through
five calls (searcher, reader, per-document reader, column, byte decoding),
for every posting scored. Here each segment
decodes a field's length column once into a list, kept with the segment's
reader, and the score is Whoosh's ``bm25()`` written out, term for term, so
that it gives the same floating-point number.
"""

from __future__ import annotations

import threading
import weakref

from whoosh import scoring
from whoosh.util.numeric import byte_to_length

from ..whoosh_ext.segments import BlockScorer, is_segment_leaf, leaf_blocks, length_column, stop_at

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
    column = length_column(reader, fieldname)
    if column is None:
        return None
    doccount = reader.doc_count_all()
    return [_BYTE_LENGTHS[column[docnum]] for docnum in range(doccount)]


class BM25FScorer(scoring.BM25FScorer, BlockScorer):
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

    def add_scores(self, leaf, inner, scores, offset, limit, boost, slots) -> bool:
        """A union's clause scored block by block (see BlockScorer), with the same
        operations in the same order as ``score()`` and ``WrappingMatcher.score()``."""
        lengths, idf, avgfl, B, K1 = self.lengths, self.idf, self.avgfl, self.B, self.K1
        if lengths is None:
            return False
        for ids, weights, start, end in leaf_blocks(leaf):
            for i in range(start, end):
                docnum = ids[i]
                if docnum >= limit:
                    stop_at(leaf, i)  # the leaf stays on this posting
                    return True
                tf, fl = weights[i], lengths[docnum]
                score = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
                if inner is not None:
                    score = score * inner  # WrappingMatcher.score()
                scores[docnum - offset] += score * boost
                slots.add(docnum - offset)
        return True


class BM25F(scoring.BM25F):
    """scoring.BM25F, scored by :class:`BM25FScorer`."""

    def scorer(self, searcher, fieldname: str, text: str, qf: int = 1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        return BM25FScorer(searcher, fieldname, text, B, self.K1, qf=qf)


def leaf_scores(matcher) -> dict[int, float] | None:
    """docnum -> ``matcher.score()`` of every posting from where a whoosh3 leaf
    scored by :class:`BM25FScorer` stands (it is read to the end); None, having
    read nothing, for any other matcher."""
    if not is_segment_leaf(matcher):
        return None
    scorer = matcher.scorer
    if type(scorer) is not BM25FScorer or scorer.lengths is None:
        return None
    lengths, idf, avgfl, B, K1 = scorer.lengths, scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    scores: dict[int, float] = {}
    for ids, weights, start, end in leaf_blocks(matcher):
        for i in range(start, end):
            docnum, tf = ids[i], weights[i]
            fl = lengths[docnum]
            scores[docnum] = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    return scores
