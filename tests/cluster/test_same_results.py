"""A sharded index ranks as one index over the same documents: ids, order, scores.

Every comparison is against ``SearchIndex`` over an index built with
``search.update`` from the same files; the JSON must match but for the time.
"""

from __future__ import annotations

import csv

import pytest

from checkout import DATA, ROOT
from dask_cluster import Reference, assert_same
from news_articles import ARTICLES
from search import update
from search.cluster import ShardedIndex, index_sharded

RELEVANCE = ROOT.parent / "shared" / "relevance"
RELEVANCE_SETS = ("arcd-ar", "fa-parsinlu", "xquad-hi")
SAMPLE = 60

# Beyond dev.tsv: filters, syntax and words that the generated corpus holds.
QUERIES = [
    "tungsten",
    "قزاقستان",
    "ट्रंप",
    "ट्रम्प",
    '"Kov Kaz"',
    "واشنطن lang:ar",
    "ट्रंप -चीन",
    "تنگ*",
    "tungstan~",
    "united states",
    "Kazakhstan tungsten",
    "الرئيس ترامب",
    "अमेरिका OR चीन",
    "अमेरिका AND खनिज",
    "معدن NOT قزاقستان",
    "date:2024-01-01..2024-06-30 अमेरिका",
    "رئیس جمهور",
    "xqzt",
    "تنگستنن",
]


def _dev_queries() -> list[str]:
    """The queries of tests/data/dev.tsv (qid, query, top, returned, note)."""
    lines = (DATA / "dev.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[1] for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("query", _dev_queries())
def test_dev_case_on_two_shards(seeds_reference, seeds_2, query):
    assert_same(seeds_reference.search(query), seeds_2.search(query), query)


@pytest.mark.parametrize("query", _dev_queries() + QUERIES)
def test_corpus_on_three_shards(corpus_index, corpus_3, query):
    assert_same(corpus_index.search(query), corpus_3.search(query), query)


@pytest.mark.parametrize("query", QUERIES)
def test_corpus_on_a_shared_root(corpus_index, corpus_2_shared, query):
    assert_same(corpus_index.search(query), corpus_2_shared.search(query), query)


@pytest.mark.parametrize(
    "options",
    [
        {"limit": 7, "page": 1},
        {"limit": 7, "page": 2},
        {"limit": 7, "page": 5},
        {"limit": 100, "page": 1},
        {"limit": 3, "page": 1000},
        {"lang": "fa"},
        {"lang": "hi", "page": 2, "limit": 5},
        {"date_from": "2024-03-01", "date_to": "2024-09-30"},
        {"lang": "ar", "date_from": "2025-01-01"},
        {"snippets": False, "limit": 20},
    ],
    ids=repr,
)
def test_paging_filters_and_facets(corpus_index, corpus_3, options):
    for query in ("ट्रंप", "قزاقستان", "tungsten", "अमेरिका OR चीन"):
        assert_same(corpus_index.search(query, **options), corpus_3.search(query, **options))


def test_what_matched_across_scripts_as_one_index(seeds_reference, seeds_2):
    # the sharded client maps the merged expansions; the shards mark the words
    for query in ("tungsten", "Kazakhstan", "united states", "ट्रंप"):
        one, many = seeds_reference.search(query), seeds_2.search(query)
        assert_same(one, many, query)
        assert any(hit.matched for hit in many.results), query
    [hit] = seeds_2.search("tungsten").results
    assert [(m.query, m.word, m.how) for m in hit.matched] == [
        ("tungsten", "تنگستن", "cross-script")
    ]


def test_no_shard_is_left_out(corpus_3):
    result = corpus_3.search("ट्रंप", limit=100)
    assert not result.partial and "partial" not in result.to_dict()
    stats = corpus_3.stats()
    assert stats["shards"] == 3 and stats["missing_shards"] == []


def test_documents_marks_and_completions(corpus_index, corpus_3):
    for doc_id in ("004_a9852c1cd0dd4442", "gen-0000009", "gen-0000300"):
        one = corpus_index.document(doc_id)
        assert corpus_3.document(doc_id) == one
        for query in ("tungsten", "تنگ*", "ट्रंप -चीन"):
            assert corpus_3.marked(one, query) == corpus_index.marked(one, query)
    assert corpus_3.document("no-such-id") is None
    exact = corpus_index.builder.exact
    for prefix in ("ट्र", "قز", "رئیس ج", "x", "tung"):
        # the same words in the same order; a word's spelling may come from
        # another article, and titles tied in score come in id order
        one, many = corpus_index.suggest(prefix), corpus_3.suggest(prefix)
        words = min(6, sum(1 for c in one if " " not in c[len(prefix) :].strip()))
        assert [exact(c.split()[-1]) for c in many[:words]] == [
            exact(c.split()[-1]) for c in one[:words]
        ], prefix
        assert len(many) == len(one), prefix
    for prefix in ("tung", "trum", "ट्र", "ترا", "Trump kaz", "chin", "tu"):
        # words of other scripts: the same words, matching the same, in the same order
        one, many = corpus_index.suggestions(prefix), corpus_3.suggestions(prefix)
        across = [(exact(s.text.split()[-1]), s.matches, s.script) for s in one if s.matches]
        assert [
            (exact(s.text.split()[-1]), s.matches, s.script) for s in many if s.matches
        ] == across, prefix
        assert bool(across) == (prefix != "tu"), prefix
        assert [s.text for s in many] == corpus_3.suggest(prefix)
    one, many = corpus_index.stats(), corpus_3.stats()
    assert {k: many[k] for k in one} == one


def test_query_errors_as_one_index(corpus_3):
    from search import QueryError

    for bad in ({"limit": 0}, {"page": 1001}, {"lang": "xx"}):
        with pytest.raises(QueryError):
            corpus_3.search("ट्रंप", **bad)
    with pytest.raises(QueryError):
        corpus_3.search("   ")


def test_the_time_budget_as_one_index(corpus_index, corpus_3):
    from search import Searchable, SearchTimeout

    assert isinstance(corpus_3, Searchable) and isinstance(corpus_index, Searchable)
    for ix in (corpus_index, corpus_3):
        with pytest.raises(SearchTimeout):
            ix.search("ट्रंप OR قزاقستان OR تنگ*", time_budget=1e-9)
        assert ix.search("ट्रंप", time_budget=0).total  # 0: no limit
    corpus_3.time_budget = 1e-9  # the index's own budget, as SearchIndex's
    try:
        with pytest.raises(SearchTimeout):
            corpus_3.search("ट्रंप")
    finally:
        corpus_3.time_budget = None


# -- the relevance sets, read in place


def _sample(queries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    step = max(1, len(queries) // SAMPLE)
    return queries[::step][:SAMPLE]


@pytest.mark.slow
@pytest.mark.parametrize("name", RELEVANCE_SETS)
def test_relevance_dev_queries(client, tmp_path, name):
    folder = RELEVANCE / name
    if not folder.is_dir():
        pytest.skip(f"no {folder}: the relevance sets live in ../shared beside this checkout")
    from search.evaluation import read_queries

    docs = folder / "docs.jsonl"
    single_dir = tmp_path / "single"
    update(single_dir, [docs])
    index_sharded(client, f"$SEARCH_SHARD_ROOT/{name}-{tmp_path.name}", [docs], shards=2)
    queries = _sample(read_queries(folder / "queries.tsv"))
    with (
        Reference(single_dir) as single,
        ShardedIndex(client, f"$SEARCH_SHARD_ROOT/{name}-{tmp_path.name}", timeout=30) as many,
    ):
        for qid, text in queries:
            one = single.search(text, limit=100, snippets=False)
            assert_same(one, many.search(text, limit=100, snippets=False), f"{name} {qid}")
        try:
            import ir_measures  # noqa: F401
        except ImportError:
            return
        from search.evaluation import evaluate, run_queries

        figures = [
            evaluate(list(run_queries(ix, queries, 100)), folder / "qrels.txt", queries)
            for ix in (single, many)
        ]
        assert figures[0] == figures[1]


def test_news_fields_as_one_index(client, tmp_path):
    # the outlet, the author and the publication time come back from the shards too;
    # read from a CSV whose text column is mapped, on both ways of indexing
    news = tmp_path / "news.csv"
    with open(news, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["URL", "Headline", "story", "Published", "Outlet", "Byline"])
        for a in ARTICLES:
            out.writerow([a.url, a.title, a.text, a.published, a.source, a.author])
    update(tmp_path / "one", [news], csv_map="text=story")
    report = index_sharded(
        client, "$SEARCH_SHARD_ROOT/news-2", [news], shards=2, csv_map={"text": "story"}
    )
    assert not report.problems and report.added == len(ARTICLES)
    root = "$SEARCH_SHARD_ROOT/news-2"
    with Reference(tmp_path / "one") as one, ShardedIndex(client, root, timeout=20.0) as many:
        for a in ARTICLES:
            single, sharded = one.search(a.word), many.search(a.word)
            assert_same(single, sharded, a.word)
            hit = sharded.to_dict()["results"][0]
            assert (hit["id"], hit["source"], hit["author"]) == (a.url, a.source, a.author)
            assert hit["published"] == a.published
            assert many.document(a.url) == one.document(a.url)
            assert many.document(a.url).to_dict()["published"] == a.published
