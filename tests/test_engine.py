"""Query syntax, ranking order, filters, paging, did-you-mean, highlighting."""

from __future__ import annotations

import json
import re

import pytest

from checkout import HIT_KEYS
from search import QueryError, open_index, update

PERSIAN, ARABIC_002, ARABIC_003 = (
    "004_a9852c1cd0dd4442",
    "002_c1bf324b60e7b699",
    "003_4df96fbdbd0ef333",
)
HINDI_000, HINDI_001 = "000_6c52c591178293ae", "001_238f73fc2cdb7101"


def ids(result):
    return [h.id for h in result.results]


def marked(snippet):
    return re.findall(r"<mark>(.*?)</mark>", snippet)


@pytest.mark.parametrize(
    "query, expected",
    [
        ('"البيت الأبيض"', {ARABIC_002, ARABIC_003}),
        ("تنگستن AND सेरियम", set()),
        # Qasim is written कासिम in the Hindi articles: a cross-script match
        ("قاسم AND ترامب", {ARABIC_002, ARABIC_003, HINDI_000, HINDI_001}),
        ("تنگستن OR सेरियम", {PERSIAN, HINDI_000}),
        ("tungst*", set()),  # prefixes are on the exact words: no Latin tungsten in the corpus
        ("تنگس*", {PERSIAN}),
        ("تنگستان~", {PERSIAN}),
        ("lang:fa Trump", {PERSIAN}),
        ("Trump date:2025-11-06..2025-11-06", {HINDI_000}),
        ("Trump date:[2025-11-06 TO 2025-11-06]", {HINDI_000}),
    ],
)
def test_query_syntax(seeds_index, query, expected):
    result = seeds_index.search(query)
    if expected is not None:
        assert set(ids(result)) == expected, query


def test_not_excludes(seeds_index):
    everything = set(ids(seeds_index.search("Trump")))
    without = set(ids(seeds_index.search("Trump -تنگستن")))
    assert PERSIAN in everything and without == everything - {PERSIAN}
    # a word excluded in one script is excluded in all: ترمپ is Trump everywhere
    assert seeds_index.search("Trump NOT ترمپ").total == 0


@pytest.mark.parametrize(
    "query",
    ['"unbalanced quote', "(open paren", "close) paren", "a AND", "NOT", ":", "***", "~", '"'],
)
def test_malformed_syntax_never_fails(seeds_index, query):
    seeds_index.search(query)


def test_unbalanced_quote_is_searched_as_words(seeds_index):
    assert PERSIAN in ids(seeds_index.search('"تنگستن قزاقستان'))


@pytest.mark.parametrize(
    "kwargs, message",
    [({"limit": 0}, "limit"), ({"page": 0}, "page"), ({"lang": "xx"}, "unknown language")],
)
def test_bad_options_are_clear_errors(seeds_index, kwargs, message):
    with pytest.raises(QueryError, match=message):
        seeds_index.search("Trump", **kwargs)


def test_bad_query_text_is_a_clear_error(seeds_index):
    with pytest.raises(QueryError, match="empty"):
        seeds_index.search("   ")
    with pytest.raises(QueryError, match="longer than"):
        seeds_index.search("x" * 5000)
    with pytest.raises(QueryError, match="unknown language"):
        seeds_index.search("Trump lang:xx")


def test_own_words_outrank_stems_outrank_keys(tmp_path):
    rows = [
        {"id": "exact", "text": "البيت قديم وكبير جدا في المدينة", "lang": "ar"},
        {"id": "stem", "text": "بالبيت قديم وكبير جدا في المدينة", "lang": "ar"},
        {"id": "other", "text": "خبر آخر عن الطقس في المدينة", "lang": "ar"},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    update(tmp_path / "ix", [path])
    with open_index(tmp_path / "ix") as ix:
        assert ids(ix.search("البيت")) == ["exact", "stem"]


def test_title_outranks_body(tmp_path):
    rows = [
        {"id": "body", "title": "خبر روز", "text": "گزارش درباره تنگستن و معدن"},
        {"id": "title", "title": "تنگستن", "text": "گزارش درباره فلز و معدن"},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    update(tmp_path / "ix", [path])
    with open_index(tmp_path / "ix") as ix:
        assert ids(ix.search("تنگستن")) == ["title", "body"]


def test_phrase_and_proximity_rank_higher(tmp_path):
    rows = [
        {"id": "apart", "text": "الغاز في الشمال. وفي الجنوب خبر طويل آخر عن الطبيعي والبحر"},
        {"id": "together", "text": "الغاز الطبيعي في الشمال. وفي الجنوب خبر طويل آخر عن البحر"},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    update(tmp_path / "ix", [path])
    with open_index(tmp_path / "ix") as ix:
        assert ids(ix.search("الغاز الطبيعي")) == ["together", "apart"]
        assert ids(ix.search('"الغاز الطبيعي"')) == ["together"]


def test_cross_script_match_is_marked(seeds_index):
    result = seeds_index.search("tungsten")
    assert ids(result) == [PERSIAN]
    assert marked(result.results[0].snippet) == ["تنگستن"]


def test_stemmed_match_marks_the_surface(seeds_index):
    result = seeds_index.search("اليورانيوم")
    snippets = {h.id: h.snippet for h in result.results}
    assert "لليورانيوم" in marked(snippets[ARABIC_002])


def test_snippet_length_and_whole_words(seeds_index):
    for hit in seeds_index.search("Trump", limit=10).results:
        text = re.sub(r"</?mark>", "", hit.snippet).strip("…")
        assert 40 <= len(text) <= 240
        doc = seeds_index.document(hit.id)
        import html

        assert html.unescape(text) in doc.text.replace("\n", " ")


def test_snippet_escapes_document_text(tmp_path):
    path = tmp_path / "d.jsonl"
    row = {"id": "x", "text": 'خبر <script>alert(1)</script> تنگستن & "quotes"'}
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    update(tmp_path / "ix", [path])
    with open_index(tmp_path / "ix") as ix:
        snippet = ix.search("tungsten").results[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


def test_offsets_of_marks_are_exact_with_astral_text(tmp_path):
    path = tmp_path / "d.jsonl"
    row = {"id": "x", "text": "😀😀 خبر درباره 𝒜 تنگستن 😀 پایان"}
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    update(tmp_path / "ix", [path])
    with open_index(tmp_path / "ix") as ix:
        assert marked(ix.search("tungsten").results[0].snippet) == ["تنگستن"]


def test_paging_and_facets(seeds_index):
    first = seeds_index.search("Trump", limit=2, page=1)
    second = seeds_index.search("Trump", limit=2, page=2)
    assert first.total == second.total == 5
    assert not set(ids(first)) & set(ids(second))
    assert first.facets == {"ar": 2, "fa": 1, "hi": 2}
    hindi = seeds_index.search("Trump", lang="hi")
    assert set(ids(hindi)) == {HINDI_000, HINDI_001}
    assert hindi.facets == first.facets  # counts are over every language


def test_did_you_mean(seeds_index):
    result = seeds_index.search("تنگستنن")
    assert result.suggestion == "تنگستن"
    assert seeds_index.search("تنگستن").suggestion is None


def test_result_shape(seeds_index):
    data = seeds_index.search("tungsten").to_dict()
    assert list(data) == ["query", "total", "took_ms", "suggestion", "results"]
    assert list(data["results"][0]) == HIT_KEYS
    json.dumps(data)


def test_hits_say_what_matched_across_scripts(seeds_index):
    hit = seeds_index.search("tungsten").results[0]
    assert hit.id == PERSIAN
    [matched] = hit.to_dict()["matched"]
    assert matched["query"] == "tungsten"
    assert matched["word"] == "تنگستن"
    assert matched["how"] == "cross-script"
    assert 0.8 < matched["similarity"] <= 1
    assert matched["similarity"] == round(matched["similarity"], 2)


def test_a_name_linked_by_cldr_is_matched_as_a_name(seeds_index):
    by_id = {hit.id: hit for hit in seeds_index.search("united states").results}
    names = [(m.query, m.word, m.how) for m in by_id[PERSIAN].matched]
    # the two words of the Persian form, together, as one
    assert names == [("united states", "ایالات متحده", "name")]


def test_the_readers_own_words_are_not_listed(seeds_index):
    for hit in seeds_index.search("تنگستن").results:
        assert [m.word for m in hit.matched if m.query == "تنگستن"] == []
    assert seeds_index.search("tungsten", snippets=False).results[0].matched == []


def test_titles_and_snippets_in_latin_letters(seeds_index):
    from search.highlight import with_latin

    hit = with_latin(seeds_index.search("tungsten").results[0])
    assert "<mark>tngstn</mark>" in hit.snippet_latin
    assert not any("\u0600" <= ch <= "\u06ff" for ch in hit.title_latin + hit.snippet_latin)
    data = hit.to_dict()
    assert data["title_latin"] == hit.title_latin
    assert data["snippet_latin"] == hit.snippet_latin


def test_suggest_completes_from_index_words(seeds_index):
    assert "تنگستن" in seeds_index.suggest("تنگ")
    assert seeds_index.suggest("") == []


def across(ix, prefix):
    return {s.text: s for s in ix.suggestions(prefix) if s.matches}


def test_suggestions_across_scripts(seeds_index):
    # the seeds hold تنگستن (Persian) but no टंगस्टन
    found = across(seeds_index, "tung")
    assert found["تنگستن"].to_dict() == {
        "text": "تنگستن",
        "matches": "tung",
        "script": "arabic",
        "lang": "fa",
    }
    found = across(seeds_index, "trum")
    assert {"ترامب", "ترمپ", "ट्रंप"} <= set(found)
    assert found["ट्रंप"].script == "devanagari" and found["ट्रंप"].lang == "hi"
    # the words before the last are kept; the text is what the box would hold
    assert "Trump تنگستن" in across(seeds_index, "Trump tung")
    assert across(seeds_index, "Trump tung")["Trump تنگستن"].matches == "tung"
    # from Devanagari and Arabic script too, never into the typed word's own script
    assert "ترامب" in across(seeds_index, "ट्र")
    assert all(s.script != "arabic" for s in across(seeds_index, "ترا").values())
    assert "ट्रंप" in across(seeds_index, "ترا")
    # suggest() is the same texts, in the same order
    assert seeds_index.suggest("trum") == [s.text for s in seeds_index.suggestions("trum")]


def test_no_suggestions_across_scripts_below_three_letters(seeds_index):
    assert across(seeds_index, "tr") == {} and across(seeds_index, "tru") != {}
    assert across(seeds_index, "ट्") == {}


def test_suggestions_leave_room_for_both_scripts(seeds_index):
    # ट्र completes three Hindi words, and Arabic words sound like it: both are offered
    found = seeds_index.suggestions("ट्र")
    assert found[0].text == "ट्रंप" and found[0].matches is None
    assert sum(1 for s in found if s.matches) >= 2
    assert len(found) <= 8


def test_marked_document(seeds_index):
    doc = seeds_index.document(PERSIAN)
    html_doc = seeds_index.marked(doc, "tungsten")
    assert html_doc["text"].count("<mark>تنگستن</mark>") == doc.text.count("تنگستن")


def test_compound_written_with_a_space_finds_it_joined(tmp_path):
    rows = [
        {"id": "joined", "text": "زیارت شاهچراغ در شیراز", "lang": "fa"},
        {"id": "zwnj", "text": "زیارت شاه‌چراغ در شیراز", "lang": "fa"},
        {"id": "apart", "text": "شاه ایران در سالهای دور گذشته و چراغ خانه", "lang": "fa"},
        {"id": "other", "text": "خبر دیگری از شیراز", "lang": "fa"},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    update(tmp_path / "ix", [path])
    with open_index(tmp_path / "ix") as ix:
        # without the joined lookup, "joined" would share no word with the query;
        # the parts a ZWNJ joins are words, as if written with a space
        assert set(ids(ix.search("شاه چراغ"))) == {"joined", "zwnj", "apart"}
        assert ids(ix.search("شاه چراغ"))[0] == "zwnj"
        assert ids(ix.search("شاه‌چراغ"))[0] == "zwnj"
        assert "joined" in ids(ix.search("شاه‌چراغ"))


@pytest.mark.parametrize(
    "query",
    [
        pytest.param('"طريق الحرير"', id="phrase"),
        pytest.param("طريق الحرير", id="words"),
    ],
)
def test_preposition_joined_to_a_noun_without_the_article(seeds_index, query):
    # 002 writes طريق الحرير, 003 لطريق الحرير (li- before a noun without al-)
    assert set(ids(seeds_index.search(query))[:2]) == {ARABIC_002, ARABIC_003}


def test_compound_spellings_find_each_other(tmp_path):
    rows = [
        {"id": "joined", "text": "سفر رئیسجمهور ایران به چین", "lang": "fa"},
        {"id": "zwnj", "text": "سفر رئیس‌جمهور ایران به چین", "lang": "fa"},
        {"id": "space", "text": "سفر رئیس جمهور ایران به چین", "lang": "fa"},
        {"id": "other", "text": "خبر دیگری از شیراز", "lang": "fa"},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    update(tmp_path / "ix", [path])
    spellings = {"joined", "zwnj", "space"}
    with open_index(tmp_path / "ix") as ix:
        for written in ("رئیسجمهور", "رئیس‌جمهور", "رئیس جمهور"):
            # each spelling, as words and in phrases, finds all three
            for query in (written, f'"{written}"', f'"{written} ایران"', f'"سفر {written}"'):
                assert set(ids(ix.search(query))) == spellings, query


def test_seed_compound_with_a_space(seeds_index):
    assert ids(seeds_index.search("رئیس جمهور"))[0] == PERSIAN


def test_title_is_marked_as_html(seeds_index):
    hit = seeds_index.search("ترمپ").results[0]
    assert hit.id == PERSIAN
    assert "<mark>ترمپ</mark>" in hit.title_html
    assert "title_html" not in hit.to_dict()


def test_suggestions_are_written_as_in_the_articles(seeds_index):
    completions = seeds_index.suggest("ट्र")
    assert completions[0] == "ट्रंप"
    # words as the article writes them (not the folded index term) ...
    assert "Kov" in seeds_index.suggest("kov")
    # ... then titles with a word that starts so, from four letters typed
    assert any(len(c) > 40 and "ترامب" in c for c in seeds_index.suggest("ترام"))
    assert not any(len(c) > 40 for c in seeds_index.suggest("ترا"))


def test_fuzzy_distance_is_capped(seeds_index):
    # word~9 would match nearly every word of the index: the distance is capped
    from whoosh import query as Q

    parsed = seeds_index.parse("abcdefghijklmnopqrstuvwxyz~9")
    fuzzy = [q for q in parsed.query.leaves() if isinstance(q, Q.FuzzyTerm)]
    assert fuzzy and all(q.maxdist == 2 for q in fuzzy)
    assert PERSIAN in ids(seeds_index.search("تنگستان~9"))


def test_fuzzy_terms_are_the_words_whoosh_finds(seeds_index):
    # NearTerm keeps the words Whoosh finds within the distance over several
    # segments (transpositions count one), found from the words of about the
    # same length only
    from whoosh.reading import IndexReader

    from search.query.fuzzy import words_within

    reader = seeds_index.searcher().reader()
    words = [w.decode() for w in reader.lexicon("body")]
    probes = words[::7] + [w[0] + w[2:] for w in words[::11] if len(w) > 2]
    probes += [w[:2] + w[3] + w[2] + w[4:] for w in words[::13] if len(w) > 4]
    assert len(probes) > 50
    found = 0
    for word in probes:
        for maxdist in (1, 2):
            expected = sorted(IndexReader.terms_within(reader, "body", word, maxdist, prefix=1))
            assert words_within(reader, "body", word, maxdist, 1) == expected
            found += len(expected) > 1
    assert found  # some probes have neighbours, not only themselves


def test_fuzzy_term_forgives_swapped_letters_on_a_one_segment_index(seeds_index):
    # Whoosh's automaton over a single segment counted a swap as two edits,
    # where over several segments it counted one
    reader = seeds_index.searcher().reader()
    assert reader.segment() is not None  # the seeds index is one segment
    swapped = "تنگتسن"  # تنگستن with س and ت swapped
    assert PERSIAN in ids(seeds_index.search(swapped + "~1"))


def test_prefix_expansions_are_bounded(seeds_index, monkeypatch):
    from search.query import parse as query

    reader = seeds_index.searcher().reader()
    (prefix,) = [q for q in seeds_index.parse("ا*").query.leaves() if q.fieldname == "body"]
    assert len(list(prefix._btexts(reader))) > 20
    monkeypatch.setattr(query, "MAX_EXPANSIONS", 20)
    assert len(list(prefix._btexts(reader))) == 20


def test_question_mark_ending_a_word_is_punctuation(seeds_index):
    from whoosh import query as Q

    leaves = list(seeds_index.parse("सुपर बाउल किसने जीता?").query.leaves())
    assert not any(isinstance(q, Q.Wildcard) for q in leaves)
    assert ids(seeds_index.search("تنگستن?")) == [PERSIAN]
    inside = list(seeds_index.parse("ت?گستن").query.leaves())
    assert any(isinstance(q, Q.Wildcard) for q in inside)


def test_array_union_finds_and_scores_as_whoosh_did(seeds_index):
    # search/whoosh_ext/matchers.py's faster ArrayUnionMatcher: the same documents,
    # the same sums, in blocks of 2 documents so that every path is taken
    from whoosh.matching import combo

    from search import whoosh_ext

    searcher = seeds_index.searcher()
    query = seeds_index.parse("ترامب tungsten معدن رئیس ट्रंप").query
    terms = [leaf for leaf in query.leaves() if leaf.field() in ("body", "stem", "key")]
    assert len(terms) > 5

    def walk(scored, start=0, minquality=None):
        ms = [t.matcher(searcher, searcher.context()) for t in terms]
        union = combo.ArrayUnionMatcher(
            ms, searcher.doc_count_all(), boost=1.5, scored=scored, partsize=2
        )
        if start:
            union.skip_to(start)
        if minquality is not None:
            union.skip_to_quality(minquality)
        seen = []
        while union.is_active():
            seen.append((union.id(), union.score(), union.block_quality()))
            union.next()
        return seen

    def all_ids(scored):
        ms = [t.matcher(searcher, searcher.context()) for t in terms]
        return list(combo.ArrayUnionMatcher(ms, 5, scored=scored, partsize=2).all_ids())

    def walks():
        best = max(score for _, score, _ in walk(True))
        return [
            walk(True),
            walk(False),
            walk(True, start=3),
            walk(True, minquality=best / 2),
            all_ids(True),
            all_ids(False),
        ]

    ours = walks()
    with whoosh_ext.stock():
        whooshs = walks()
    assert len(ours[0]) > 2 and ours == whooshs


def test_bm25_scores_are_whooshs_to_the_last_bit(seeds_index):
    # search/ranking/bm25.py reads the field lengths once per segment and writes
    # Whoosh's formula out: the scores must not move, not even in the last bit
    from whoosh import scoring

    from search import engine
    from search.ranking import bm25

    searcher = seeds_index.searcher()
    reader = searcher.reader()
    for field in ("title", "body", "stem", "key"):
        lengths = bm25.field_lengths(reader, field)
        assert lengths == [reader.doc_field_length(n, field) for n in range(reader.doc_count_all())]
    query = seeds_index.parse("ترامب tungsten معدن رئیس ट्रंप").query
    stock = scoring.BM25F(B=engine.B, K1=engine.K1, title_B=engine.TITLE_B)
    with seeds_index.ix.searcher(weighting=stock) as whooshs:
        expected = whooshs.search(query, limit=None).top_n
    assert isinstance(searcher.weighting, bm25.BM25F)
    assert len(expected) > 2 and searcher.search(query, limit=None).top_n == expected


def test_preloaded_or_scores_as_whooshs_union_tree(seeds_index, monkeypatch):
    # search/whoosh_ext/matchers.py preloads an OR's scores on segments of any size,
    # where Whoosh walked a tree of unions above 5,000 documents
    from whoosh import query as Q

    searcher = seeds_index.searcher()
    query = seeds_index.parse("ترامب tungsten معدن رئیس ट्रंप").query
    preloaded = searcher.search(query, limit=None).top_n
    monkeypatch.setattr(Q.Or, "matcher_type", Q.Or.DEFAULT_MATCHER)
    tree = searcher.search(query, limit=None).top_n
    assert len(tree) > 2
    assert [(round(s, 9), n) for s, n in preloaded] == [(round(s, 9), n) for s, n in tree]
