"""The engine's own ways of scoring every match give Whoosh's documents and scores, bit for bit."""

from __future__ import annotations

import json
import random

import pytest
from whoosh import query as Q

from checkout import generated_news
from search import open_index, update
from search.budget import Deadline
from search.ranking.collect import Scored, scored_matches
from search.ranking.order import ranked_top
from search.ranking.phrase import Phrase, ScoredListMatcher, fast_phrases


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """An index of 400 generated articles in two segments, and the articles."""
    docs = generated_news(400, seed=7)
    folder = tmp_path_factory.mktemp("scoring")
    for part, batch in enumerate((docs[:250], docs[250:])):
        path = folder / f"part{part}.jsonl"
        path.write_text(
            "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in batch), encoding="utf-8"
        )
        update(folder / "index", [path])
    with open_index(folder / "index") as ix:
        assert len(ix.searcher().leaf_searchers()) == 2
        yield ix, docs


def _queries(docs: list[dict], count: int = 60) -> list[str]:
    """Words, pairs, phrases, AND, NOT, prefixes and fuzzy words from the articles' texts."""
    rng = random.Random(3)
    queries = []
    for _ in range(count):
        words = rng.choice(docs)["text"].split()
        at = rng.randrange(len(words) - 3)
        a, b, c = (w.strip("،.,:؛!?«»\"'()") for w in words[at : at + 3])
        queries += [a, f"{a} {b} {c}", f'"{a} {b}"', f"{a} AND {c}", f"{a} -{b}"]
        queries += [f"{a[:3]}*", f"{a}~", f"({a} AND {b}) -{c}", f'"{a} {b}" AND {c}']
        queries += [f"{a} ANDMAYBE {c}", f"{a[:2]}* AND {b}"]
    return [q for q in queries if q.strip('*~"- ')]


def test_scored_matches_are_whooshs_collected_matches(generated):
    ix, docs = generated
    searcher = ix.searcher()
    dates = Q.TermRange("date", "2025-03-01", "2025-09-30")
    checked = 0
    for text in _queries(docs):
        query = ix.parse(text).query
        for date_filter in (None, dates):
            expected = searcher.search(query, limit=None, filter=date_filter).top_n
            ours = scored_matches(searcher, query, Deadline(None), filter=date_filter)
            assert sorted(ours.items(), key=lambda i: (-i[0], i[1])) == expected, text
            checked += bool(expected)
    assert checked > 200


def test_leading_gives_ranked_top_its_first_n(generated):
    ix, docs = generated
    searcher = ix.searcher()

    def doc_id(n):
        return searcher.stored_fields(n)["id"]

    for text in _queries(docs, 20):
        query = ix.parse(text).query
        every = searcher.search(query, limit=None).top_n
        for n in (1, 10, 20, 100):
            head = Scored([d for _, d in every], [s for s, _ in every]).leading(n)
            assert head == every[: len(head)]
            assert ranked_top(head, n, doc_id) == ranked_top(every, n, doc_id)


def test_ties_past_the_nth_are_kept():
    items = [(1.0, 5), (2.0, 1), (1.0, 3), (1.0 + 1e-12, 4), (0.5, 2)]
    scored = Scored([d for _, d in items], [s for s, _ in items])
    assert scored.leading(2) == [(2.0, 1), (1.0 + 1e-12, 4), (1.0, 3), (1.0, 5)]
    assert scored.leading(9) == sorted(items, key=lambda i: (-i[0], i[1]))
    assert scored.only({5, 2, 7}).items() == [(1.0, 5), (0.5, 2)]


def test_phrases_match_and_score_as_whooshs(generated):
    ix, docs = generated
    searcher = ix.searcher()
    rng = random.Random(11)
    matched = phrased = fast = 0
    for text in _queries(docs):
        whooshs = ix.parse(text).query  # the query room builds Whoosh's own phrases
        query = fast_phrases(whooshs)  # the ranking room matches them its own way
        if not any(isinstance(node, Phrase) for node in _nodes(query)):
            continue
        phrased += 1
        ours = searcher.search(query, limit=None).top_n
        assert ours == searcher.search(whooshs, limit=None).top_n, text
        matched += bool(ours)
    # the words of a sentence in and out of order, repeated, at every slop
    for _ in range(40):
        words = rng.choice(docs)["text"].split()
        at = rng.randrange(len(words) - 4)
        terms = [ix.builder.exact(w) for w in words[at : at + 4]]
        terms = [t for t in terms if t]
        for phrase_terms in (terms[:2], terms[:3], terms[::-1][:2], terms[:1] * 2, terms):
            for slop in (1, 2, 4):
                for field in ("body", "title"):
                    ours = Phrase(field, phrase_terms, slop=slop, boost=1.5)
                    whooshs = Q.Phrase(field, phrase_terms, slop=slop, boost=1.5)
                    expected = searcher.search(whooshs, limit=None).top_n
                    assert searcher.search(ours, limit=None).top_n == expected
                    matched += bool(expected)
                    fast += any(
                        type(ours.matcher(sub, sub.context())) is ScoredListMatcher
                        for sub, _ in searcher.leaf_searchers()
                    )
    assert phrased > 60 and matched > 150 and fast > 100


def test_a_phrase_in_a_top_k_search_finds_whooshs_top_k(generated):
    ix, docs = generated
    searcher = ix.searcher()
    for text in _queries(docs, 20):
        whooshs_query = ix.parse(text).query
        query = fast_phrases(whooshs_query)
        for k in (1, 5):
            ours = [round(s, 9) for s, _ in searcher.search(query, limit=k).top_n]
            whooshs = [round(s, 9) for s, _ in searcher.search(whooshs_query, limit=k).top_n]
            assert ours == whooshs, text


def _nodes(query):
    yield query
    for child in query.children():
        yield from _nodes(child)
