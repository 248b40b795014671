"""Snippets and marked text: the reader's own words, found by any stream.

A token of the stored text is a match when its exact term, stem or
cross-script key is one the query looked up, so ``tungsten`` marks ``تنگستن``
and ``البيت`` marks ``بالبيت``. Everything is HTML-escaped; the only markup is
our ``<mark>``.

Rather than segmenting and analysing every word of every hit, the text is split
at whitespace and each distinct chunk is analysed once per process
(:meth:`Analysis.learn_chunks`); a query then looks only for the chunks that
hold its terms. :func:`matches_by_words` is the plain way, taken where the
chunks' words could depend on their neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from whoosh import query as Q

from .analysis import Analysis, default_analysis, word_spans
from .analysis.analyzers import ChunkTerms
from .analysis.crossscript import script_key
from .errors import QueryError
from .results import Hit, StoredDocument

SNIPPET_WIDTH = 200
ELLIPSIS = "…"
# How much a matched token counts when choosing the snippet's window.
EXACT_SCORE, STEM_SCORE, KEY_SCORE = 3.0, 2.0, 1.0
# Whitespace other than ASCII's: some (U+202F) ICU joins words across, so a text
# holding any is matched word by word.
_OTHER_SPACE = re.compile(r"[^\S \t\n\r\f\v]")


@dataclass
class MatchTerms:
    """The terms a query looked up, by stream."""

    exact: set[str] = field(default_factory=set)
    stem: set[str] = field(default_factory=set)
    key: set[str] = field(default_factory=set)
    # what the hits' chunks matched so far, by analysis and language (see _ChunkMemo):
    # the term sets are not to change once the matching has begun
    _memos: dict = field(default_factory=dict, repr=False, compare=False)

    def memo(self, analysis: Analysis, lang: str | None) -> _ChunkMemo:
        key = (analysis, lang)
        if key not in self._memos:
            self._memos[key] = _ChunkMemo()
        return self._memos[key]

    def __bool__(self) -> bool:
        return bool(self.exact or self.stem or self.key)

    @classmethod
    def of(cls, query: Q.Query, reader) -> MatchTerms:
        """Terms of the query's positive parts, prefixes and fuzzy terms expanded."""
        terms = cls()
        for fieldname, text in _positive_terms(query, reader):
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            if fieldname in ("title", "body"):
                terms.exact.add(text)
            elif fieldname == "stem":
                terms.stem.add(text)
            elif fieldname == "key":
                terms.key.add(text)
        return terms


@dataclass
class _ChunkMemo:
    """The chunks that hold one query's terms, and what matched in each."""

    source: ChunkTerms | None = None  # the ChunkTerms ``candidates`` was taken from,
    version: int = -1  # and its version then
    candidates: set[str] = field(default_factory=set)
    matching: dict[str, tuple[tuple[int, int, float, str], ...]] = field(default_factory=dict)

    def found_in(self, chunk: str, known: ChunkTerms, terms: MatchTerms):
        """(start, end, score, term) of the matches inside ``chunk``."""
        found = self.matching.get(chunk)
        if found is None:
            found = []
            for start, end, *streams in known.words[chunk]:
                match = _match(tuple(streams), terms)
                if match:
                    found.append((start, end, *match))
            found = self.matching[chunk] = tuple(found)
        return found


def _positive_terms(query: Q.Query, reader) -> set:
    if isinstance(query, Q.Not):
        return set()
    if isinstance(query, Q.AndNot):
        return _positive_terms(query.a, reader)
    if query.is_leaf():
        return set(query.existing_terms(reader, phrases=True, expand=True))
    out: set = set()
    for child in query.children():
        out |= _positive_terms(child, reader)
    return out


def matches(
    text: str, terms: MatchTerms, lang: str | None, analysis: Analysis | None = None
) -> list[tuple[int, int, float, str]]:
    """(start, end, score, term) of every token of ``text`` the query matched."""
    analysis = analysis or default_analysis()
    if _OTHER_SPACE.search(text):
        return matches_by_words(text, terms, lang, analysis)
    chunks = set(text.split())
    if len(chunks) > analysis.max_chunks // 4:
        # a huge text would flood the chunk cache: it is cheaper to analyse it once
        return matches_by_words(text, terms, lang, analysis)
    known = analysis.learn_chunks(chunks, lang)
    if not chunks.isdisjoint(known.unsure):
        return matches_by_words(text, terms, lang, analysis)
    memo = terms.memo(analysis, lang)
    if memo.source is not known or memo.version != known.version:
        memo.source, memo.version = known, known.version
        memo.candidates = known.holding(terms.exact | terms.stem | terms.key)
    found: list[tuple[int, int, float, str]] = []
    for chunk in chunks & memo.candidates:
        inside = memo.found_in(chunk, known, terms)
        for at in _occurrences(text, chunk) if inside else ():
            found.extend((at + s, at + e, score, term) for s, e, score, term in inside)
    found.sort()
    return found


def _occurrences(text: str, chunk: str):
    """Where ``chunk`` stands in ``text`` as a whole whitespace-delimited chunk."""
    size, last = len(chunk), len(text)
    at = text.find(chunk)
    while at != -1:
        end = at + size
        if (at == 0 or text[at - 1].isspace()) and (end == last or text[end].isspace()):
            yield at
            at = text.find(chunk, end)
        else:
            at = text.find(chunk, at + 1)


def matches_by_words(
    text: str, terms: MatchTerms, lang: str | None, analysis: Analysis | None = None
) -> list[tuple[int, int, float, str]]:
    """:func:`matches` by analysing every word of ``text`` (the reference path)."""
    analysis = analysis or default_analysis()
    spans = word_spans(text)
    found = []
    # the indexing path's per-word cache: one lookup a word for all three streams
    for (start, end), words in zip(spans, analysis.terms(text, spans, lang), strict=True):
        match = _match(words, terms)
        if match:
            found.append((start, end, *match))
    return found


def _match(words: tuple[str, str, str], terms: MatchTerms) -> tuple[float, str] | None:
    """(score, term) when one of a word's (exact, stem, key) is a term of the query."""
    exact, stem, key = words
    if exact in terms.exact:
        return EXACT_SCORE, exact
    if stem and stem in terms.stem:
        return STEM_SCORE, stem
    if key and (key in terms.key or script_key(key) in terms.key):
        return KEY_SCORE, key
    return None


def mark(
    text: str, spans: list[tuple[int, int, float, str]], start: int = 0, end: int | None = None
) -> str:
    """``text[start:end]`` escaped, with ``<mark>`` around each span inside it."""
    end = len(text) if end is None else end
    out, at = [], start
    for s, e, _, _ in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[at:s], quote=False))
        out.append("<mark>" + escape(text[s:e], quote=False) + "</mark>")
        at = e
    out.append(escape(text[at:end], quote=False))
    return "".join(out)


def mark_all(text: str, terms: MatchTerms, lang: str | None = None) -> str:
    """The whole text, escaped, with every match marked."""
    return mark(text, matches(text, terms, lang) if terms else [])


def _best_window(spans, width: int) -> tuple[int, int]:
    """The stretch of at most ``width`` characters holding the most (distinct) matches."""
    best, best_score = (spans[0][0], spans[0][1]), -1.0
    for i, (start, _, _, _) in enumerate(spans):
        seen: dict[str, float] = {}
        end = spans[i][1]
        for _s, e, score, term in spans[i:]:
            if e - start > width:
                break
            seen[term] = max(seen.get(term, 0.0), score)
            end = e
        score = sum(seen.values()) + 0.1 * len(seen)
        if score > best_score:
            best, best_score = (start, end), score
    return best


def _snap(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    """Widens [start, end) to about ``width`` characters, cut at spaces."""
    room = max(0, width - (end - start))
    new_start = max(0, start - room // 2)
    new_end = min(len(text), end + room - (start - new_start))
    new_start = max(0, min(new_start, new_end - width))
    if new_start > 0:
        space = text.find(" ", new_start, start)
        new_start = space + 1 if space != -1 else new_start
    if new_end < len(text):
        space = text.rfind(" ", end, new_end)
        new_end = space if space != -1 else new_end
    return new_start, new_end


def snippet(
    text: str, terms: MatchTerms, lang: str | None = None, width: int = SNIPPET_WIDTH
) -> str:
    """About ``width`` characters of ``text`` around its best matches, as HTML."""
    spans = matches(text, terms, lang) if terms else []
    if spans:
        start, end = _best_window(spans, width)
    else:
        start, end = 0, 0
    start, end = _snap(text, start, end, width)
    body = mark(text, spans, start, end).replace("\n", " ")
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return prefix + body.strip() + suffix


def highlighted_hit(fields: dict, score: float, terms: MatchTerms, snippets: bool = True) -> Hit:
    """A hit from a document's stored fields: its snippet and title with the matches marked."""
    body, title, lang = fields.get("body", ""), fields.get("title", ""), fields.get("lang")
    return Hit(
        id=fields["id"],
        title=title,
        lang=fields.get("lang", ""),
        date=fields.get("date") or None,
        score=float(score or 0.0),
        snippet=snippet(body, terms, lang) if snippets else "",
        url=fields.get("url"),
        path=fields.get("path"),
        title_html=mark_all(title, terms, lang),
    )


def marked_document(
    doc: StoredDocument, text: str | None, match_terms: Callable[[str], MatchTerms]
) -> dict[str, str]:
    """The document's title and text as HTML, with the matches of query ``text`` marked
    (``match_terms(text)``: the terms it looks up in the index); nothing marked for a
    query that cannot be searched."""
    terms = MatchTerms()
    if text and text.strip():
        try:
            terms = match_terms(text)
        except QueryError:
            pass
    return {
        "title": mark_all(doc.title, terms, doc.lang),
        "text": mark_all(doc.text, terms, doc.lang),
    }
