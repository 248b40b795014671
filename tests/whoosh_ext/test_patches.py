"""Each patch of search/whoosh_ext/ does what it is for, and Whoosh as it comes does not.

Every test runs the same check twice: with the patches (as the engine always
runs) and inside ``whoosh_ext.stock()``, where Whoosh's own methods are back
and the check must fail. So a patch that stops applying, or a Whoosh release
that fixes the bug itself, shows here.
"""

from __future__ import annotations

import pytest
from whoosh import query as Q
from whoosh.codec import whoosh3
from whoosh.filedb.structfile import BufferFile
from whoosh.matching import binary, combo, mcore, wrappers

from search import whoosh_ext
from search.ranking import bm25
from search.whoosh_ext.storage import MappedReader


class Blocks(mcore.Matcher):
    """A posting list in blocks of two, with block qualities, for the skipping paths."""

    def __init__(self, ids, scores, size=2):
        self.ids, self.scores, self.size, self.i = list(ids), list(scores), size, 0

    def is_active(self):
        return self.i < len(self.ids)

    def id(self):
        return self.ids[self.i]

    def score(self):
        return self.scores[self.i]

    def weight(self):
        return self.scores[self.i]

    def next(self):
        self.i += 1

    def skip_to(self, id):
        while self.is_active() and self.id() < id:
            self.i += 1

    def _block(self):
        start = self.i - self.i % self.size
        return start, start + self.size

    def supports_block_quality(self):
        return True

    def block_quality(self):
        start, end = self._block()
        return max(self.scores[start:end])

    def max_quality(self):
        return max(self.scores[self.i :]) if self.is_active() else 0.0

    def skip_to_quality(self, minquality):
        skipped = 0
        while self.is_active() and self.block_quality() <= minquality:
            self.i = self._block()[1]
            skipped += 1
        return skipped

    def replace(self, minquality=0):
        # as Whoosh's leaves: dropped when it can no longer reach ``minquality``
        if not self.is_active() or (minquality and self.max_quality() < minquality):
            return mcore.NullMatcher()
        return self

    def copy(self):
        copied = Blocks(self.ids, self.scores, self.size)
        copied.i = self.i
        return copied


def both(check) -> tuple:
    """``check()`` with the patches, then with Whoosh as it comes."""
    ours = check()
    with whoosh_ext.stock():
        whooshs = check()
    return ours, whooshs


def test_install_is_in_effect_and_stock_undoes_it_for_a_while():
    assert whoosh_ext.installed()
    with whoosh_ext.stock():
        assert not whoosh_ext.installed()
    assert whoosh_ext.installed()


def test_and_not_checks_its_first_document():
    # the excluded side stands on an earlier document than the first match
    def first():
        m = binary.AndNotMatcher(Blocks([5], [1.0]), Blocks([0, 5], [1.0, 1.0]))
        return m.id() if m.is_active() else None

    assert both(first) == (None, 5)


def test_a_union_can_score_the_sum_of_its_clauses():
    def best():
        subs = [Blocks([1, 2], [2.0, 2.0]), Blocks([1, 3], [3.0, 3.0])]
        # one document a part: the clauses are still on their later documents
        return combo.ArrayUnionMatcher(subs, 10, partsize=1).max_quality()

    assert both(best) == (5.0, 3.0)


def test_a_boosted_clause_is_kept_while_its_boost_can_reach_the_minimum():
    def kept():
        boosted = wrappers.WrappingMatcher(Blocks([1], [2.0]), boost=2.0)
        return boosted.replace(3.0).is_active()  # 2.0 * 2 can reach 3

    assert both(kept) == (True, False)


def test_an_optional_clause_follows_its_required_side_when_skipping():
    def score_after_skip():
        required = Blocks([1, 5], [1.0, 1.0])
        m = binary.AndMaybeMatcher(required, Blocks([1, 2, 3, 5], [1.0, 1.0, 1.0, 2.0]))
        m.skip_to(3)
        return m.id(), m.score()

    assert both(score_after_skip) == ((5, 3.0), (5, 1.0))


def test_an_optional_clause_follows_its_required_side_when_skipping_blocks():
    def score_after_skip():
        required = Blocks([1, 2, 7, 8], [1.0, 1.0, 5.0, 5.0])
        optional = Blocks([1, 7, 9, 10], [2.0, 2.0, 2.0, 2.0])
        m = binary.AndMaybeMatcher(required, optional)
        m.skip_to_quality(3.5)
        return m.id(), m.score()

    assert both(score_after_skip) == ((7, 7.0), (7, 5.0))


class Larger:
    """A searcher that says it holds more documents than it does (Whoosh's OR picks
    its matcher by the segment's size)."""

    def __init__(self, searcher, documents: int):
        self._searcher, self._documents = searcher, documents

    def doc_count_all(self):
        return self._documents

    def __getattr__(self, name):
        return getattr(self._searcher, name)


def test_an_or_of_three_clauses_preloads_on_a_large_segment(seeds_index):
    searcher = seeds_index.searcher()
    words = [Q.Term("body", w) for w in ("ترامب", "تنگستن", "معدن")]

    def kind():
        (leaf, _), *_ = searcher.leaf_searchers()
        matcher = Q.Or(words).matcher(Larger(leaf, 10_000), leaf.context())
        return type(matcher)

    assert both(kind) == (combo.ArrayUnionMatcher, binary.UnionMatcher)


def test_a_union_scores_bm25_leaves_a_block_at_a_time(seeds_index, monkeypatch):
    searcher = seeds_index.searcher()
    query = Q.Or([Q.Term("body", w) for w in ("ترامب", "تنگستن", "معدن", "قزاقستان")])
    assert isinstance(searcher.weighting, bm25.BM25F)

    def scored_without_score_calls():
        def refuse(self, matcher):
            raise AssertionError("scored posting by posting")

        with monkeypatch.context() as m:
            m.setattr(bm25.BM25FScorer, "score", refuse)
            try:
                return len(searcher.search(query, limit=None).top_n)
            except AssertionError:
                return None

    ours, whooshs = both(scored_without_score_calls)
    assert ours and ours > 2 and whooshs is None


def test_a_leaf_sums_its_document_gaps_in_c(seeds_index, monkeypatch):
    searcher = seeds_index.searcher()

    def ids_without_delta_decode():
        def refuse(ids):
            raise AssertionError("summed in Python")

        with monkeypatch.context() as m:
            m.setattr(whoosh3, "delta_decode", refuse)
            try:
                return sorted(searcher.docs_for_query(Q.Term("lang", "fa")))
            except AssertionError:
                return None

    ours, whooshs = both(ids_without_delta_decode)
    assert ours and whooshs is None


def test_segments_are_read_in_place(seeds_index):
    def reader_kind():
        with seeds_index.ix.searcher() as searcher:
            searcher.document(lang="fa")
            (leaf, _), *_ = searcher.leaf_searchers()
            files = [
                f for f in vars(leaf.reader()._terms).values() if isinstance(f, BufferFile)
            ] or [leaf.reader()._postfile]
            return type(files[0].file)

    ours, whooshs = both(reader_kind)
    assert ours is MappedReader and whooshs is not MappedReader


def test_another_whoosh_release_is_refused():
    whoosh_ext.check_version((3, 54, 0))
    with pytest.raises(whoosh_ext.UnsupportedWhoosh, match="whoosh3 3.55.0 is installed"):
        whoosh_ext.check_version((3, 55, 0))
