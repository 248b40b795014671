"""Searching an index: ranked, filtered, paged, faceted and highlighted results.

This is the public API that the CLI, the web front end and the benchmarks
share: :func:`open_index` gives a :class:`SearchIndex`, whose
:meth:`SearchIndex.search` returns a :class:`SearchResult`.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from whoosh import query as Q

from . import index as index_module
from .analysis import word_spans
from .budget import MAX_QUERY_EXPANSIONS, Deadline
from .errors import QueryError
from .highlight import MatchTerms, highlighted_hit, marked_document
from .languages import LANG_CODES
from .query import ParsedQuery, QueryBuilder
from .query.crossscript import merge_prefix_candidates, prefix_candidates
from .query.expand import expand_multiterms, multiterm_expansions
from .query.parse import date_range
from .ranking import bm25
from .ranking.collect import Scored, scored_matches
from .ranking.order import ranked_top
from .results import SearchResult, StoredDocument, stored_document
from .suggest import (
    MIN_TITLE_PREFIX,
    SUGGEST_BELOW,
    Suggestion,
    best_completions,
    completion_candidates,
    completions,
    corrected_query,
    cross_script_words,
    prefix_words,
    spellings,
    split_prefix,
)
from .whoosh_ext import install as install_whoosh_ext

# Whoosh's top-k search and AND NOT lose or let through documents depending on
# where they lie in the index (search/whoosh_ext/matchers.py).
install_whoosh_ext()

# BM25F, with K1 and B as Lucene's reference runs on the relevance sets use
# them (and as they measured best there); titles are short and all about the
# article, so their length matters less.
K1 = 0.9
B = 0.4
TITLE_B = 0.5
MAX_LIMIT = 100
MAX_PAGE = 1000


def parse_request(
    builder: QueryBuilder,
    text: str,
    limit: int,
    page: int,
    lang: str | None,
    date_from: str | None,
    date_to: str | None,
) -> tuple[ParsedQuery, str | None, str | None, str | None]:
    """The checked search options, and the query with its own filters folded in.

    Shared by every index that searches (one index, or shards): QueryError
    for what cannot be searched.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not 1 <= page <= MAX_PAGE:
        raise QueryError(f"page must be between 1 and {MAX_PAGE}")
    if lang is not None and lang not in LANG_CODES:
        raise QueryError(f"unknown language {lang!r}: use one of {', '.join(LANG_CODES)}")
    if not text.strip():
        raise QueryError("the query is empty")
    parsed = builder.parse(text)
    filters = parsed.filters
    return (
        parsed,
        lang or filters.lang,
        date_from or filters.date_from,
        date_to or filters.date_to,
    )


class SearchIndex:
    """An open index. Safe to share between threads: each gets its own searcher.

    ``time_budget``: seconds a search may take before it stops with
    ``SearchTimeout`` (None or 0: no limit); ``search(time_budget=...)`` overrides it.
    """

    def __init__(self, path: str | os.PathLike, time_budget: float | None = None):
        self.path = Path(path)
        self.time_budget = time_budget
        self.ix = index_module.open_dir(self.path)
        self.weighting = bm25.BM25F(B=B, K1=K1, title_B=TITLE_B)
        self.builder = QueryBuilder()
        self._local = threading.local()
        self._surfaces: dict[str, str] = {}

    # -- searchers

    def searcher(self):
        """This thread's searcher, refreshed when a writer has committed since."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None or not searcher.up_to_date():
            # a new searcher, not searcher.refresh(): whoosh3's refresh keeps segments
            # merged away (documents twice) and misses deletions made since. The old
            # one is left open for a caller still reading it (closed when dropped).
            searcher = self.ix.searcher(weighting=self.weighting)
        self._local.searcher = searcher
        return searcher

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- searching

    def parse(self, text: str) -> ParsedQuery:
        return self.builder.parse(text)

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        page: int = 1,
        lang: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        snippets: bool = True,
        time_budget: float | None = None,
    ) -> SearchResult:
        """Ranked results for ``text``; raises QueryError for what cannot be searched,
        SearchTimeout when the search takes longer than its time budget."""
        started = time.perf_counter()
        deadline = Deadline(self.time_budget if time_budget is None else time_budget)
        parsed, lang, date_from, date_to = parse_request(
            self.builder, text, limit, page, lang, date_from, date_to
        )
        searcher = self.searcher()
        # prefixes, wildcards, fuzzy terms: the OR of their terms in the whole index
        # (Whoosh would score them by what they expand to in each segment)
        expansions = multiterm_expansions(
            parsed.query, searcher.reader(), deadline, MAX_QUERY_EXPANSIONS
        )
        query = expand_multiterms(parsed.query, expansions=expansions)
        date_filter = date_range(date_from, date_to)
        # One pass scores every match under the date filter; the ranking, the
        # total and the per-language counts all come from it. (A top-k search
        # may skip documents that cannot reach the top, but the counts then
        # took a second, unscored pass over the same matches, which cost more
        # than the scoring it saved.)
        facets, total, top = self.rank(
            searcher, searcher, query, page * limit, lang, date_filter, deadline
        )
        # the expanded query: its fuzzy terms and prefixes are not looked up again
        # (and where its cross-script words and names came from, for the hits' ``matched``)
        terms = MatchTerms()
        if snippets:
            terms = MatchTerms.of(query, searcher.reader()).explained(parsed, expansions)
        hits = []
        for score, docnum in top[(page - 1) * limit :]:
            deadline.check()  # a snippet of a very long article can take seconds
            hits.append(highlighted_hit(searcher.stored_fields(docnum), score, terms, snippets))
        deadline.check()
        suggestion = None
        if total < SUGGEST_BELOW:
            suggestion = corrected_query(parsed, self.builder, self._spellings)
        took = (time.perf_counter() - started) * 1000
        return SearchResult(
            query=text,
            total=total,
            took_ms=took,
            suggestion=suggestion,
            results=hits,
            page=page,
            limit=limit,
            lang=lang,
            facets=dict(sorted(facets.items())),
        )

    def rank(
        self,
        scorer,
        searcher,
        query: Q.Query,
        k: int,
        lang: str | None,
        date_filter: Q.Query | None,
        deadline: Deadline | None = None,
    ) -> tuple[dict[str, int], int, list[tuple[float, int]]]:
        """Matches per language, the total shown, and the first ``k`` (score, docnum).

        ``scorer`` scores (this index's searcher, or one with a cluster's global
        statistics); ``searcher`` is the index's own, for the stored ids and the
        languages. A shard ranks its part the same way.
        """
        scored = scored_matches(scorer, query, deadline or Deadline(None), filter=date_filter)
        facets, total, shown = self._counts(searcher, scored, lang)
        # ties by id, not by place in the index (search/ranking/order.py)
        top = ranked_top(shown.leading(k), k, lambda n: searcher.stored_fields(n)["id"])
        return facets, total, top

    def _counts(
        self, searcher, scored: Scored, lang: str | None
    ) -> tuple[dict[str, int], int, Scored]:
        """Matches per language, the total shown, and the matches in the
        language asked for (all of them without one)."""
        matched = set(scored.docnums)
        by_lang = self._lang_docs(searcher)
        facets = {code: len(matched & docs) for code, docs in by_lang.items()}
        if lang:
            scored = scored.only(by_lang.get(lang, set()))
        total = facets.get(lang, 0) if lang else len(matched)
        return {code: n for code, n in facets.items() if n}, total, scored

    def _lang_docs(self, searcher) -> dict[str, set[int]]:
        """Document numbers of each language, kept while the searcher is current."""
        cached = getattr(self._local, "lang_docs", None)
        if cached is not None and cached[0] is searcher:
            return cached[1]
        docs = {}
        for code in LANG_CODES:
            ids = searcher.docs_for_query(Q.Term("lang", code))
            docs[code] = set(ids)
        self._local.lang_docs = (searcher, docs)
        return docs

    def _spellings(self, words: list[str]) -> list[list[dict]]:
        return [spellings(self.searcher().reader(), words)]

    # -- documents

    def document(self, doc_id: str) -> StoredDocument | None:
        fields = self.searcher().document(id=doc_id)
        return stored_document(fields) if fields else None

    def match_terms(self, text: str) -> MatchTerms:
        """The terms the query ``text`` looks up in this index (QueryError if it cannot)."""
        return MatchTerms.of(self.parse(text).query, self.searcher().reader())

    def marked(self, doc: StoredDocument, text: str | None) -> dict[str, str]:
        """The document's title and text as HTML, with the query's matches marked."""
        return marked_document(doc, text, self.match_terms)

    # -- what the index holds

    def stats(self) -> dict:
        searcher = self.searcher()
        reader = searcher.reader()
        langs: dict[str, int] = {}
        for lang in LANG_CODES:
            count = reader.doc_frequency("lang", lang)
            if count:
                langs[lang] = count
        dates = [d for d in reader.lexicon("date") if d]
        return {
            "documents": searcher.doc_count(),
            "languages": langs,
            "date_from": dates[0].decode() if dates else None,
            "date_to": dates[-1].decode() if dates else None,
        }

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Completions of ``prefix``, as the text of :meth:`suggestions`."""
        return [s.text for s in self.suggestions(prefix, limit)]

    def suggestions(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Completions of ``prefix``: its last word completed from the index's own
        words, as they are written in the articles; words of other scripts whose
        beginning sounds like it, each with the word it matches; then titles that
        match it."""
        split = split_prefix(self.builder, prefix)
        if split is None:
            return []
        head, last = split
        typed = prefix.split()[-1]
        searcher = self.searcher()
        reader = searcher.reader()
        words = best_completions([completion_candidates(reader, last)], limit)
        across = cross_script_words(
            (
                merge_prefix_candidates([prefix_candidates(reader, "key", word)])
                for word in prefix_words(self.builder, typed)
            ),
            max(1, limit - 2),
        )
        surfaces = {word: self.surface(word) for word in words + across}
        titles = []
        if len(last) >= MIN_TITLE_PREFIX:
            titles = [hit["title"] for hit in searcher.search(Q.Prefix("title", last), limit=limit)]
        return completions(head, words, surfaces, titles, limit, typed, across)

    def surface(self, term: str) -> str:
        """How an exact term is written in the first article that has it (the term
        itself when no article has it as a word: a cross-script key's word without
        its Arabic clitics)."""
        cached = self._surfaces.get(term)
        if cached is not None:
            return cached
        surface = term
        searcher = self.searcher()
        held = bool(term) and searcher.reader().doc_frequency("body", term) > 0
        postings = searcher.postings("body", term) if held else None
        if postings is not None and postings.is_active():
            fields = searcher.stored_fields(postings.id())
            text, lang = fields.get("body", ""), fields.get("lang")
            # the term's first position is its first word (checked: the body is
            # indexed as part of title + body); else every word is analysed
            first = postings.value_as("positions")[:1]
            spans = word_spans(text) if first else []
            start, end = spans[first[0]] if first and first[0] < len(spans) else (0, 0)
            if end and self.builder.analysis.exact.apply(text[start:end], lang) == term:
                surface = text[start:end]
            else:
                for token in self.builder.analysis.tokens(text, lang):
                    if token.exact == term:
                        surface = token.surface
                        break
        if len(self._surfaces) > 10_000:
            self._surfaces.clear()
        self._surfaces[term] = surface
        return surface


def open_index(
    path: str | os.PathLike | None = None, time_budget: float | None = None
) -> SearchIndex:
    """The index at ``path``; without one, the default index, built from the seeds if needed."""
    if path is None:
        path = index_module.default_index_dir()
        if not os.environ.get("SEARCH_INDEX"):
            index_module.ensure_seeded(Path(path))
    return SearchIndex(path, time_budget=time_budget)
