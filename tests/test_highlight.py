"""The snippets' chunk path gives the same matches, snippets and marks as analysing every word."""

from __future__ import annotations

import random
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkout import SEEDS, generated_news
from search import highlight
from search.analysis import Analysis
from search.documents import read_text_file
from search.highlight import MatchTerms, matches, matches_by_words


def _documents() -> list[tuple[str, str, str | None]]:
    """(title, text, lang) of the seeds and of generated news in the three languages."""
    docs = [read_text_file(path) for path in sorted(SEEDS.glob("*.txt"))]
    out = [(d.title, d.text, d.lang) for d in docs]
    out += [(d["title"], d["text"], d.get("lang")) for d in generated_news(300, seed=5)]
    return out


def _query_terms(words: list[str], analysis: Analysis, rng: random.Random) -> MatchTerms:
    """What a query of ``words`` looks up: exact terms, every stem, cross-script keys."""
    terms = MatchTerms()
    for word in words:
        for token in analysis.tokens(word):
            if rng.random() < 0.7:
                terms.exact.add(token.exact)
            terms.stem.update(analysis.query_stems(token.surface))
            terms.key.update(analysis.query_keys(token.surface))
    return terms


@pytest.fixture(scope="module")
def documents():
    return _documents()


def _word_path_html(monkeypatch, title, text, terms, lang):
    with monkeypatch.context() as patch:
        patch.setattr(highlight, "matches", matches_by_words)
        return highlight.snippet(text, terms, lang), highlight.mark_all(title, terms, lang)


def test_snippets_and_titles_as_the_word_path(documents, monkeypatch):
    rng = random.Random(7)
    compared = marked = 0
    for _ in range(60):
        # one query's terms over many hits, as SearchIndex.search uses them
        source = rng.choice(documents)
        words = rng.sample(source[1].split(), 3)
        terms = _query_terms(words, highlight.default_analysis(), rng)
        for title, text, lang in rng.sample(documents, 25):
            new = highlight.snippet(text, terms, lang), highlight.mark_all(title, terms, lang)
            assert new == _word_path_html(monkeypatch, title, text, terms, lang)
            compared += 1
            marked += "<mark>" in new[0]
    assert compared == 60 * 25 and marked > 300  # most snippets hold a match


def test_matches_survive_cache_resets(documents):
    analysis = Analysis()
    analysis.max_chunks = 200  # the chunk cache starts again many times over
    reference = Analysis()
    rng = random.Random(3)
    for title, text, lang in rng.sample(documents, 80):
        terms = _query_terms(rng.sample(text.split(), 4), reference, rng)
        for part in (title, text):
            assert matches(part, terms, lang, analysis) == matches_by_words(
                part, terms, lang, reference
            )


# Letters of the three scripts and Latin, with the characters whose word
# boundaries depend on their neighbours: spaces ICU joins across (U+202F), marks
# and format characters after a space, ZWNJ/ZWJ, punctuation, digits, emoji.
ALPHABET = list("abcAB1٢۳ بيتال کتاب नमसत ") + [
    "\u0650",  # Arabic kasra (a mark)
    "\u093e",  # Devanagari vowel sign aa (a spacing mark)
    "\u200c",
    "\u200d",
    "\u00a0",
    "\u202f",
    "\t",
    "\n",
    ".",
    "'",
    "-",
    "\U0001f469",
]


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, max_size=60),
    words=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=6), min_size=1, max_size=3),
    lang=st.sampled_from([None, "ar", "fa", "hi"]),
)
def test_matches_as_the_word_path_on_any_text(text, words, lang):
    analysis = Analysis()
    terms = _query_terms(words + text.split()[:2], analysis, random.Random(0))
    assert matches(text, terms, lang, analysis) == matches_by_words(text, terms, lang, analysis)


def test_threads_sharing_the_analysis_get_the_word_path_matches(documents):
    """The web app's threads share one analysis, whose chunk cache starts again often here."""
    analysis = Analysis()
    analysis.max_chunks = 300
    rng = random.Random(11)
    jobs = []
    for _ in range(16):
        texts = rng.sample(documents, 60)
        terms = _query_terms(rng.sample(texts[0][1].split(), 3), Analysis(), rng)
        jobs.append((texts, terms))

    def run(job):
        texts, terms = job
        return [matches(text, terms, lang, analysis) for _, text, lang in texts]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns inside the cache's updates
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(run, jobs))
    finally:
        sys.setswitchinterval(interval)
    reference = Analysis()
    for (texts, terms), found in zip(jobs, results, strict=True):
        expected = [matches_by_words(text, terms, lang, reference) for _, text, lang in texts]
        assert found == expected


def test_a_huge_text_leaves_the_chunk_cache_alone(documents):
    analysis = Analysis()
    analysis.max_chunks = 400
    _, text, lang = max(documents, key=lambda d: len(set(d[1].split())))
    assert len(set(text.split())) > analysis.max_chunks // 4
    terms = _query_terms(text.split()[:3], analysis, random.Random(1))
    assert matches(text, terms, lang, analysis) == matches_by_words(text, terms, lang, analysis)
    assert not any(known.words for known in analysis._chunks.values())


# -- what matched across scripts, and Latin letters


def test_matched_words_names_cross_script_words_and_whole_names():
    text = "ایالات متحده و تنگستن؛ متحده تنها. ایالات متحده"
    states = "ايالات"  # the exact term of ایالات (Persian yeh as Arabic's)
    terms = MatchTerms(
        exact={states, "متحده"},
        key={"tngstn|تنگستن"},
        crossed={"tngstn|تنگستن": ("tungsten", 0.9375)},
        linked={states: ("united states", 2), "متحده": ("united states", 2)},
    )
    found = highlight.matched_words([(text, matches(text, terms, "fa"))], terms)
    assert [(m.query, m.word, m.how, m.similarity) for m in found] == [
        ("united states", "ایالات متحده", "name", None),  # once, though written twice
        ("tungsten", "تنگستن", "cross-script", 0.9375),
    ]  # and not the lone متحده: a part of the name is not the name
    assert found[1].to_dict()["similarity"] == 0.94


def test_matched_words_leave_out_the_query_words_own_matches():
    text = "تنگستن و tungsten"
    terms = MatchTerms(exact={"tungsten"}, crossed={"tngstn|tungsten": ("tungsten", 1.0)})
    assert highlight.matched_words([(text, matches(text, terms, None))], terms) == []


def test_latin_html_keeps_the_marks_and_escapes():
    html = "…«<mark>تنگستن</mark>» &lt;b&gt; &amp; ट्रंप…"
    assert highlight.latin_html(html) == "…«<mark>tngstn</mark>» &lt;b&gt; &amp; ṭrampa…"
