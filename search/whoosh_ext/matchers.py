"""Fixes to Whoosh's matchers (whoosh3 3.54), and a faster union of few documents.

Both make a result depend on how documents lie in an index, so one index and
its shards went wrong in different places; with the fixes both are right.

**``a ANDNOT b``.** ``AndNotMatcher`` checks its first document against the
excluded matcher only when both stand on the same document; when the excluded
one stands on an earlier document, the first is let through even if it holds
the excluded words. The collector rebuilds matchers as it goes
(``Matcher.replace``), so this happens anywhere in the list: ``معدن NOT
قزاقستان`` over the seeds and a generated corpus returned a document with
قزاقستان in it. The fix: ``_find_first`` skips the excluded matcher ahead, as
``next()`` already does.

**Top-k searches with AND and NOT.** ``ArrayUnionMatcher`` (Whoosh's OR for
segments of at most 5,000 documents) reports as its best possible score the
best score of *one* of its terms, where its score is their *sum*. A top-k
search (``searcher.search(q, limit=k)``, which the shards use; one index
scores every match since its counts come from the same pass) drops a matcher
whose best possible score is below the k-th score so far; under an ``AND`` or ``ANDNOT``, the whole
query stops there. ``ट्रंप -चीन`` returned a document scoring 8.42 first when
documents scoring 9.79 and 9.20 matched: the ten best are not the ten shown.
The fix: the best possible score of a sum is the sum of the best ones.

**Top-k searches with boosted clauses.** ``WrappingMatcher.replace`` (a
clause's boost) hands its child the minimum score the *boosted* clause must
reach, not that minimum divided by the boost (``skip_to_quality`` divides, this
does not). A clause boosted above 1 (the stem stream's 1.5) is then dropped
while it could still lift a document into the top k: over 10,000 generated
articles, the one-word query ``टंगस्टन`` did not show its best-scoring
article. The fix divides by the boost.

**Top-k searches, optional clauses.** ``AndMaybeMatcher`` (what an OR becomes
when one side alone can no longer reach the top k) moves its optional side to
the id it was asked to skip to, not to where its required side landed, and
its ``skip_to_quality`` leaves the optional side behind: the optional
clause's score is then missing from the document (``टंगस्टन`` again: 14.03
instead of 16.64, so the article fell out of the top 10). The fix keeps the
optional side on the required side's document.

**Speed: ``ArrayUnionMatcher``** (Whoosh's OR in a segment of at most 5,000
documents) sums its clauses' scores into an array of 2,048 documents, then
walked that array one document at a time to find the next one with a score,
cleared it one slot at a time, and took its maximum again at every
``block_quality`` call: a few thousand Python steps per block whatever the
query matches, most of a one-word query's time at 10,000 documents. The array
now keeps the sorted slots that hold a score and its maximum; it sums the same
scores in the same order, reading a BM25F-scored clause block by block (a
:class:`~search.whoosh_ext.segments.BlockScorer`'s ``add_scores``). Whoosh walks
a binary tree of unions instead in segments of more than 5,000 documents, a few
calls per level for every match; an OR of three or more clauses now preloads on
segments of any size.
A posting block's document numbers are summed from their gaps by
``itertools.accumulate`` rather than Whoosh's Python generator.

:func:`search.whoosh_ext.install` applies them, once per process.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import accumulate

from whoosh.codec import whoosh3
from whoosh.matching import binary, combo, wrappers
from whoosh.matching.mcore import ReadTooFar
from whoosh.query import compound

from .segments import add_block_scores


def _find_first(self) -> None:
    if self.a.is_active() and self.b.is_active():
        self._find_next()


def _union_max_quality(self) -> float:
    # every sub-matcher: they are read ahead into the array and inactive
    # while documents they scored are still to come
    return sum(m.max_quality() for m in self._submatchers) * self._boost


def _wrapping_replace(self, minquality=0):
    # the child must reach minquality / boost for the wrapped clause to reach minquality
    child_min = minquality / self.boost if minquality and self.boost else 0
    r = self.child.replace(child_min)
    return self if r is self.child else self._replacement(r)


def _and_maybe_sync(self) -> None:
    a, b = self.a, self.b
    if a.is_active() and b.is_active() and b.id() < a.id():
        b.skip_to(a.id())


def _and_maybe_skip_to(self, id):
    if not self.a.is_active():
        raise ReadTooFar
    ra = self.a.skip_to(id)
    rb = False
    if self.a.is_active() and self.b.is_active() and self.b.id() < self.a.id():
        rb = self.b.skip_to(self.a.id())
    return ra or rb


_and_maybe_skip_to_quality = binary.AndMaybeMatcher.skip_to_quality


def _and_maybe_skip_to_quality_synced(self, minquality):
    skipped = _and_maybe_skip_to_quality(self, minquality)
    _and_maybe_sync(self)
    return skipped


# Whoosh's own, to compare with (tests)
WHOOSH_ARRAY_UNION = {
    name: combo.ArrayUnionMatcher.__dict__[name]
    for name in ("__init__", "_read_part", "_find_next", "block_quality", "all_ids")
}


def _union_init(self, submatchers, doccount, boost=1.0, scored=True, partsize=2048):
    combo.CombinationMatcher.__init__(self, submatchers, boost=boost)
    self._scored = scored
    self._doccount = doccount
    self._partsize = partsize or doccount
    self._zeros = array("d", bytes(8 * self._partsize))
    self._a = array("d", self._zeros)
    self._docnum = self._min_id()
    self._read_part()


def _union_read_part(self) -> None:
    scored, boost = self._scored, self._boost
    limit = min(self._docnum + self._partsize, self._doccount)
    offset = self._docnum
    a = self._a
    a[:] = self._zeros
    touched = set()
    # the same sums in the same order as Whoosh's loop: clause by clause
    for m in self._submatchers:
        if scored and add_block_scores(m, a, offset, limit, boost, touched):
            continue
        while m.is_active() and m.id() < limit:
            i = m.id() - offset
            if scored:
                a[i] += m.score() * boost
            else:
                a[i] = 1
            touched.add(i)
            m.next()
    self._offset = offset
    self._limit = limit
    slots = sorted(touched)
    if not all(map((0.0).__lt__, map(a.__getitem__, slots))):  # a score of 0 is no match
        slots = [i for i in slots if a[i] > 0]
    self._slots = slots
    self._best = max(a) if touched else 0.0


def _union_find_next(self) -> None:
    slots = self._slots
    at = bisect_left(slots, self._docnum - self._offset)
    if at < len(slots):
        self._docnum = self._offset + slots[at]
    else:
        self._docnum = self._min_id()
        self._read_part()


def _union_block_quality(self) -> float:
    return self._best


def _union_all_ids(self):
    doccount = self._doccount
    while True:
        offset, slots = self._offset, self._slots
        for slot in slots[bisect_left(slots, self._docnum - offset) :]:
            yield offset + slot
        following = self._min_id()
        if following >= doccount:
            self._docnum = doccount
            return
        self._docnum = following
        self._read_part()


def _leaf_read_ids(self) -> None:
    # W3LeafMatcher._read_ids with the gaps summed by itertools.accumulate (C) instead
    # of whoosh.util.numlists.delta_decode (a Python generator): the same numbers
    if self._data is None:
        self._read_data()
    ids = self._data[0]
    if not self._byteids:
        ids = tuple(accumulate(ids))
    self._ids = ids


def _or_matcher(self, subs, searcher, context):
    # Whoosh's own choice, but for the size of the segment: an OR of three or
    # more clauses that need not say where a match lies preloads its scores
    needs_current = context.needs_current if context else True
    preload = (
        self.matcher_type == self.AUTO_MATCHER
        and 2 < len(subs)
        and not needs_current
        and not self.scale
    )
    if not preload:
        return _whoosh_or_matcher(self, subs, searcher, context)
    preloaded = compound.PreloadedOr(subs, boost=self.boost, minmatch=self.minmatch)
    return preloaded.matcher(searcher, context)


_whoosh_or_matcher = compound.Or._matcher


PATCHES = (
    (binary.AndNotMatcher, "_find_first", _find_first),
    (combo.ArrayUnionMatcher, "max_quality", _union_max_quality),
    (wrappers.WrappingMatcher, "replace", _wrapping_replace),
    (binary.AndMaybeMatcher, "skip_to", _and_maybe_skip_to),
    (binary.AndMaybeMatcher, "skip_to_quality", _and_maybe_skip_to_quality_synced),
    (combo.ArrayUnionMatcher, "__init__", _union_init),
    (combo.ArrayUnionMatcher, "_read_part", _union_read_part),
    (combo.ArrayUnionMatcher, "_find_next", _union_find_next),
    (combo.ArrayUnionMatcher, "block_quality", _union_block_quality),
    (combo.ArrayUnionMatcher, "all_ids", _union_all_ids),
    (compound.Or, "_matcher", _or_matcher),
    (whoosh3.W3LeafMatcher, "_read_ids", _leaf_read_ids),
)


def union_scores(matcher, check=None) -> dict[int, float]:
    """docnum -> score of every document a preloaded OR (``ArrayUnionMatcher`` as
    patched here) scored, from where it stands, part by part as ``_union_all_ids``
    walks them; ``check`` is called before each part. The matcher is used up."""
    doccount = matcher._doccount
    scores: dict[int, float] = {}
    while True:
        if check is not None:
            check()
        part, base, slots = matcher._a, matcher._offset, matcher._slots
        slots = slots[bisect_left(slots, matcher._docnum - base) :]
        scores.update(zip(map(base.__add__, slots), map(part.__getitem__, slots), strict=True))
        following = matcher._min_id()
        if following >= doccount:
            matcher._docnum = doccount
            return scores
        matcher._docnum = following
        matcher._read_part()
