"""Reading a whoosh3 segment's posting blocks and length columns directly.

Whoosh hands out postings one at a time through its matchers' methods, a
Python call each; the ranking reads whole blocks instead. What a block holds
and how a leaf matcher stands in it are private to ``whoosh.codec.whoosh3``,
so every read of them is here. Nothing here changes a Whoosh class.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from pickle import loads

from whoosh.codec import whoosh3
from whoosh.matching import mcore, wrappers
from whoosh.system import _INT_SIZE


class BlockScorer:
    """A scorer that scores a whole posting block at a time (a mixin for Whoosh's scorers).

    The preloaded OR (:mod:`search.whoosh_ext.matchers`) hands it the blocks of
    each of its leaves instead of asking ``score()`` posting by posting.
    """

    def add_scores(
        self, leaf, inner: float | None, scores, offset: int, limit: int, boost: float, slots
    ) -> bool:
        """For each posting of ``leaf`` below document ``limit``:
        ``scores[docnum - offset] += score * inner * boost`` (``inner``: the boost of a
        wrapping matcher, or None), the slot added to ``slots``; the leaf left on the
        first posting at or past ``limit``. False, having read nothing, where it cannot."""
        return False


def is_segment_leaf(matcher) -> bool:
    """A whoosh3 segment's posting list, read block by block."""
    return type(matcher) is whoosh3.W3LeafMatcher


def add_block_scores(matcher, scores, offset: int, limit: int, boost: float, slots) -> bool:
    """What ArrayUnionMatcher does with one of its clauses, a block at a time, where the
    clause is a segment leaf (perhaps under a boost) whose scorer is a :class:`BlockScorer`."""
    leaf, inner = matcher, None
    if type(leaf) is wrappers.WrappingMatcher:
        leaf, inner = leaf.child, leaf.boost
    if not is_segment_leaf(leaf) or not isinstance(leaf.scorer, BlockScorer):
        return False
    return leaf.scorer.add_scores(leaf, inner, scores, offset, limit, boost, slots)


def leaf_blocks(leaf) -> Iterator[tuple]:
    """(ids, weights, start, end) of the posting block a segment leaf stands in, from
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


def stop_at(leaf, i: int) -> None:
    """Leaves a segment leaf on the ``i``-th posting of the block it stands in."""
    leaf._i = i


def leaf_scorer(leaf):
    """The scorer of a leaf matcher: a whoosh3 block reader keeps it as ``.scorer``, a
    ``ListMatcher`` (a term of the segment being written) as ``._scorer``."""
    return getattr(leaf, "scorer", None) or getattr(leaf, "_scorer", None)


def is_plain_postings(leaf) -> bool:
    """A posting list :func:`read_postings` can read: a segment's, or a list of them."""
    return type(leaf) in (whoosh3.W3LeafMatcher, mcore.ListMatcher)


def read_postings(leaf, candidates: list[int] | None) -> dict[int, tuple[float, bytes]]:
    """docnum -> (weight, encoded value) of a posting list, for ``candidates`` only (all
    without them); blocks that cannot hold a candidate are not read."""
    out: dict[int, tuple[float, bytes]] = {}
    wanted = set(candidates) if candidates is not None else None
    if type(leaf) is mcore.ListMatcher:
        while leaf.is_active():
            docnum = leaf.id()
            if wanted is None or docnum in wanted:
                out[docnum] = (leaf.weight(), leaf.value())
            leaf.next()
        return out
    previous_max = -1
    while leaf.is_active():
        block_max = leaf._maxid
        if candidates is not None:
            at = bisect_right(candidates, previous_max)
            if at == len(candidates):
                break
            if candidates[at] > block_max:  # no candidate in this block
                previous_max = block_max
                leaf._i = leaf._blocklength - 1
                leaf.next()
                continue
        if leaf._ids is None:
            leaf._read_ids()
        if leaf._weights is None:
            leaf._read_weights()
        if leaf._values is None:
            leaf._read_values()
        ids, weights, values = leaf._ids, leaf._weights, leaf._values
        for i in range(leaf._i, leaf._blocklength):
            docnum = ids[i]
            if wanted is None or docnum in wanted:
                out[docnum] = (weights[i], values[i])
        previous_max = block_max
        leaf._i = leaf._blocklength - 1
        leaf.next()
    return out


def decode_positions(value: bytes) -> Iterator[int]:
    """The positions of a ``Positions`` posting value (``Positions.decode_positions``:
    a count, then the pickled gaps between positions)."""
    if not value.endswith(b"."):
        value += b"."
    return accumulate(loads(value[_INT_SIZE:]))


def length_column(reader, fieldname: str):
    """A whoosh3 segment reader's column of ``fieldname``'s length bytes; None for any
    other reader or a field without lengths."""
    perdoc = getattr(reader, "_perdoc", None)
    if not isinstance(perdoc, whoosh3.W3PerDocReader):
        return None
    return perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)


def filter_docnums(searcher, filter_query):
    """The document numbers a filter query lets through, as Whoosh's collectors take them."""
    return searcher._filter_to_comb(filter_query)
