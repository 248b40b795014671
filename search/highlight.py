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

The same matches tell the reader which of a hit's words a query word matched in
another script (:func:`matched_words`): the search hands over, with the terms,
where each cross-script key term and each name's linked term came from.
:func:`with_latin` adds a hit's title and snippet in Latin letters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from html import escape, unescape

from whoosh import query as Q

from .analysis import Analysis, default_analysis, word_spans
from .analysis.analyzers import ChunkTerms
from .analysis.crossscript import script_key
from .analysis.latin import to_latin
from .errors import QueryError
from .query import ParsedQuery
from .query.expand import crossed_words
from .results import Hit, Matched, StoredDocument, published_of

SNIPPET_WIDTH = 200
ELLIPSIS = "…"
# How much a matched token counts when choosing the snippet's window.
EXACT_SCORE, STEM_SCORE, KEY_SCORE = 3.0, 2.0, 1.0
# Whitespace other than ASCII's: some (U+202F) ICU joins words across, so a text
# holding any is matched word by word.
_OTHER_SPACE = re.compile(r"[^\S \t\n\r\f\v]")
# The words a hit lists as matched, at most (distinct ones, title first).
MAX_MATCHED = 10
CROSS_SCRIPT, NAME = "cross-script", "name"
_MARK_TAGS = re.compile(r"(</?mark>)")


@dataclass
class MatchTerms:
    """The terms a query looked up, by stream."""

    exact: set[str] = field(default_factory=set)
    stem: set[str] = field(default_factory=set)
    key: set[str] = field(default_factory=set)
    # where terms came from, for the hits' ``matched``: a key term of another script →
    # (the query word, how alike they sound); a name's linked exact term → (the query
    # word or words it is a form of, the form's length in words)
    crossed: dict[str, tuple[str, float]] = field(default_factory=dict)
    linked: dict[str, tuple[str, int]] = field(default_factory=dict)
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

    def explained(self, parsed: ParsedQuery, expansions) -> MatchTerms:
        """These terms, told where their cross-script words and names came from
        (``expansions``: the search's, by :func:`search.query.expand.multiterm_expansions`)."""
        self.crossed = crossed_words(parsed.query, expansions)
        self.linked = dict(parsed.links)
        return self


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
    return snippet_of(text, matches(text, terms, lang) if terms else [], width)


def snippet_of(text: str, spans, width: int = SNIPPET_WIDTH) -> str:
    """:func:`snippet` of the matches ``spans`` of ``text``."""
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
    """A hit from a document's stored fields: its snippet and title with the matches
    marked, and the words of either matched across scripts."""
    body, title, lang = fields.get("body", ""), fields.get("title", ""), fields.get("lang")
    title_spans = matches(title, terms, lang) if terms else []
    body_spans = matches(body, terms, lang) if terms and snippets else []
    return Hit(
        id=fields["id"],
        title=title,
        lang=fields.get("lang", ""),
        date=fields.get("date") or None,
        score=float(score or 0.0),
        snippet=snippet_of(body, body_spans) if snippets else "",
        url=fields.get("url"),
        path=fields.get("path"),
        source=fields.get("source") or None,
        author=fields.get("author") or None,
        published=published_of(fields),
        title_html=mark(title, title_spans),
        matched=matched_words([(title, title_spans), (body, body_spans)], terms),
    )


def matched_words(
    texts: Iterable[tuple[str, list[tuple[int, int, float, str]]]], terms: MatchTerms
) -> list[Matched]:
    """The words of ``texts`` (each with its :func:`matches`) that a query word matched
    in another script or as a name, each (query word, word, how) once, in order.

    A name of several words counts where all its words stand together
    (``الولايات المتحدة``), as one. The whole text counts, not only the snippet's
    window: the window is chosen from the matches of the whole text, found anyway,
    and a word matched outside it still tells why the article was found.
    """
    found: dict[tuple[str, str, str], Matched] = {}
    for text, spans in texts:
        name = None  # the name being read: [query words, its length, start, end, words]
        for start, end, score, term in spans:
            link = terms.linked.get(term) if score == EXACT_SCORE else None
            if name and link and link[0] == name[0] and not text[name[3] : start].strip():
                name[3], name[4] = end, name[4] + 1  # the next word of the same name
                continue
            _end_name(found, text, name)
            name = [*link, start, end, 1] if link else None
            if score == KEY_SCORE and term in terms.crossed:
                word, alike = terms.crossed[term]
                _add(found, Matched(word, text[start:end], CROSS_SCRIPT, alike))
        _end_name(found, text, name)
    return list(found.values())[:MAX_MATCHED]


def _end_name(found: dict, text: str, name: list | None) -> None:
    """The name read, when all its words were there."""
    if name and name[4] >= name[1]:
        _add(found, Matched(name[0], text[name[2] : name[3]], NAME))


def _add(found: dict, matched: Matched) -> None:
    found.setdefault((matched.query, matched.word, matched.how), matched)


def latin_html(html: str) -> str:
    """Escaped text with ``<mark>`` (a snippet, a marked title) in Latin letters,
    the marks kept."""
    parts = _MARK_TAGS.split(html)
    return "".join(
        part if i % 2 else escape(to_latin(unescape(part)), quote=False)
        for i, part in enumerate(parts)
    )


def with_latin(hit: Hit) -> Hit:
    """The hit with its title and snippet also in Latin letters (ICU ``Any-Latin``)."""
    return replace(
        hit,
        title_latin=to_latin(hit.title),
        title_latin_html=latin_html(hit.title_html or escape(hit.title, quote=False)),
        snippet_latin=latin_html(hit.snippet),
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
