"""The engine's own ways of scoring every match give Whoosh's documents and scores, bit for bit."""

from __future__ import annotations

import importlib.util
import json
import random
import sys

import pytest
from whoosh import query as Q

from helpers import ROOT
from search import open_index, update
from search.budget import Deadline
from search.cluster_rank import ranked_top
from search.collect import leading, scored_matches


def _generated_docs(n_docs: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return list(module.generate(n_docs, seed=7))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """An index of 400 generated articles in two segments, and the articles."""
    docs = _generated_docs(400)
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
        queries += [f"{a[:3]}*", f"{a}~"]
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
            assert sorted(ours, key=lambda i: (-i[0], i[1])) == expected, text
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
            head = leading(list(every), n)
            assert head == every[: len(head)]
            assert ranked_top(head, n, doc_id) == ranked_top(every, n, doc_id)


def test_ties_past_the_nth_are_kept():
    items = [(1.0, 5), (2.0, 1), (1.0, 3), (1.0 + 1e-12, 4), (0.5, 2)]
    assert leading(items, 2) == [(2.0, 1), (1.0 + 1e-12, 4), (1.0, 3), (1.0, 5)]
    assert leading(items, 9) == sorted(items, key=lambda i: (-i[0], i[1]))
