"""From what a reader types to a Whoosh query over the index's three term streams.

The query language is Whoosh's (words, ``"phrases"``, ``AND``/``OR``/``NOT``,
``prefix*``, ``word~``), plus ``-word``, ``lang:fa`` and
``date:2025-11-01..2025-11-07`` (or Whoosh's ``date:[A TO B]``). The parser only
finds the structure; every word is then analysed by its own script and expanded
into a disjunction over the streams, weighted so that the reader's own words
outrank stemmed matches, which outrank cross-script key matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice, pairwise

from whoosh import qparser
from whoosh import query as Q
from whoosh.fields import TEXT, Schema

from ..analysis import Analysis, IcuTokenizer, default_analysis, token_script, word_spans
from ..analysis.crossscript import script_key
from ..analysis.persian import compound_splits
from ..analysis.scripts import ARABIC
from ..errors import QueryError
from ..languages import LANG_CODES
from .crossscript import CrossScriptTerm
from .fuzzy import NearTerm
from .links import link_clauses, linked_words, name_clauses

# How much a match in each stream counts (multiplies that stream's BM25 score).
# Measured on the relevance sets (docs/BENCHMARKS.md): the stemmed stream
# carries most of the weight; the exact streams add the bonus for the
# reader's own words on top of it (an exact match matches all streams).
TITLE_WEIGHT = 0.75
BODY_WEIGHT = 0.5
STEM_WEIGHT = 1.5
KEY_WEIGHT = 0.3
# Extra for two neighbouring query words standing near each other.
PROXIMITY_WEIGHT = 0.25
PROXIMITY_SLOP = 4
# A compound written with a space (رئیس جمهور) is also looked up joined, and
# one written joined (رئیسجمهور) as its parts side by side.
COMPOUND_WEIGHT = 1.0
EXACT_FIELDS = (("title", TITLE_WEIGHT), ("body", BODY_WEIGHT))

MAX_QUERY_LENGTH = 1000
MAX_EDIT_DISTANCE = 2
# Terms a prefix or wildcard may stand for, in index order: a bound on the
# work of ``a*`` over a large vocabulary.
MAX_EXPANSIONS = 500

_LANG_FILTER = re.compile(r"(?<!\S)lang:([A-Za-z]{2})(?!\S)")
_DATE_FILTER = re.compile(
    r"(?<!\S)date:(?:\[\s*(\S*)\s+(?:TO|to)\s+(\S*?)\s*\]|(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?"
    r"|(\d{4}-\d{2}-\d{2}))(?!\S)"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_MINUS = re.compile(r"(?<!\S)-(?=[^\s-])")
# A question mark ending a word ends a question; only inside a word is it
# Whoosh's one-letter wildcard.
_QUESTION_MARK = re.compile(r"\?+(?=\s|$|[\"')\]])")
_SYNTAX = re.compile(r'["()\[\]{}^~*:+\\]|(?<!\S)-|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')


def date_range(date_from: str | None, date_to: str | None) -> Q.Query | None:
    """The filter for documents dated from ``date_from`` to ``date_to`` (either may be open)."""
    if not (date_from or date_to):
        return None
    return Q.TermRange("date", date_from or "0000-00-00", date_to or "9999-99-99")


class BoundedPrefix(Q.Prefix):
    """A prefix that expands to at most MAX_EXPANSIONS terms (``a*`` stays cheap)."""

    def _btexts(self, ixreader):
        return islice(super()._btexts(ixreader), MAX_EXPANSIONS)


class BoundedWildcard(Q.Wildcard):
    """A wildcard that expands to at most MAX_EXPANSIONS terms."""

    def _btexts(self, ixreader):
        return islice(super()._btexts(ixreader), MAX_EXPANSIONS)


BOUNDED = {Q.Prefix: BoundedPrefix, Q.Wildcard: BoundedWildcard}


@dataclass
class Filters:
    lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None


@dataclass
class ParsedQuery:
    """The Whoosh query, its filters, the plain words (for did-you-mean), and the
    exact terms of the names' other forms it searches, each with the query words
    it came from and the length of its form (for the hits' ``matched``)."""

    text: str
    query: Q.Query
    filters: Filters
    words: list[str] = field(default_factory=list)
    links: dict[str, tuple[str, int]] = field(default_factory=dict)


def _parse_schema() -> Schema:
    # Structure only: words keep their surface; analysis comes after parsing.
    # A word joined by ZWNJ stays one term here, so that its parts are
    # searched as words (and joined), not as a phrase.
    return Schema(text=TEXT(analyzer=IcuTokenizer(zwnj_parts=False), multitoken_query="phrase"))


_parser_local: qparser.QueryParser | None = None


def _parser() -> qparser.QueryParser:
    global _parser_local
    if _parser_local is None:
        parser = qparser.QueryParser("text", _parse_schema(), group=qparser.OrGroup)
        parser.remove_plugin_class(qparser.FieldsPlugin)
        parser.remove_plugin_class(qparser.BoostPlugin)
        parser.add_plugin(qparser.FuzzyTermPlugin())
        _parser_local = parser
    return _parser_local


def extract_filters(text: str) -> tuple[str, Filters]:
    """Takes ``lang:`` and ``date:`` out of the query text as filters."""
    filters = Filters()

    def take_lang(m: re.Match) -> str:
        filters.lang = m.group(1).lower()
        return " "

    def take_date(m: re.Match) -> str:
        lo, hi = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
        if m.group(5):
            lo = hi = m.group(5)
        filters.date_from, filters.date_to = lo or None, hi or None
        return " "

    text = _LANG_FILTER.sub(take_lang, text)
    text = _DATE_FILTER.sub(take_date, text)
    return text, filters


def balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0 and text.count('"') % 2 == 0


def plain_words(text: str) -> str:
    """The query with every syntax character taken out: searched as words."""
    return " ".join(_SYNTAX.sub(" ", text).split())


class QueryBuilder:
    """Turns the parser's tree over surfaces into queries over the index's fields."""

    def __init__(self, analysis: Analysis | None = None):
        self.analysis = analysis or default_analysis()

    # -- words

    def exact(self, surface: str) -> str:
        return self.analysis.exact.apply(surface, None)

    def is_stopword(self, surface: str) -> bool:
        return bool(self.exact(surface)) and not self.analysis.stem.apply(surface, None)

    def word(self, surface: str, boost: float = 1.0, parts: bool = True) -> Q.Query:
        """One word as a disjunction over the streams: exact, stems, key.

        With ``parts``, a word of Arabic script is also looked up as the two
        parts of a compound written apart (:meth:`compound_parts`).
        """
        exact = self.exact(surface)
        if not exact:
            return Q.NullQuery
        clauses: list[Q.Query] = [
            Q.Term("title", exact, boost=TITLE_WEIGHT),
            Q.Term("body", exact, boost=BODY_WEIGHT),
        ]
        for stem in self.analysis.query_stems(surface):
            clauses.append(Q.Term("stem", stem, boost=STEM_WEIGHT))
        for key in self.analysis.query_keys(surface):
            # its spellings in its own script, as one term; the words of the index that
            # sound like it in the other scripts, each by how alike (query/crossscript.py)
            if same_script := script_key(key):
                clauses.append(Q.Term("key", same_script, boost=KEY_WEIGHT))
            clauses.append(CrossScriptTerm("key", key, boost=KEY_WEIGHT))
        clauses.extend(link_clauses([exact], EXACT_FIELDS))  # the name in other languages
        if parts:
            clauses.extend(self.compound_parts(exact))
        return Q.Or(clauses, boost=boost)

    def compound_parts(self, exact: str) -> list[Q.Query]:
        """A word written joined, as two parts written with a ZWNJ or a space.

        Each split is an exact phrase, scored as a quoted phrase is; a split
        whose parts the index never holds side by side matches nothing.
        """
        if token_script(exact) != ARABIC:
            return []
        boost = COMPOUND_WEIGHT * (BODY_WEIGHT + STEM_WEIGHT)
        return [self.exact_phrase(list(split), boost=boost) for split in compound_splits(exact)]

    def words(self, surfaces: list[str]) -> Q.Query:
        """Plain words: each optional, with extras for proximity and compounds."""
        content = [s for s in surfaces if not self.is_stopword(s)] or surfaces
        clauses = [self.word(s) for s in content]
        # each pair of neighbouring words found near each other counts extra
        for a, b in pairwise(content):
            clauses.append(self.stem_phrase([a, b], PROXIMITY_SLOP, PROXIMITY_WEIGHT))
        # a compound written with a space may be written joined (شاه چراغ, شاه‌چراغ)
        for a, b in pairwise(surfaces):
            if token_script(a) == ARABIC and token_script(b) == ARABIC:
                clauses.append(self.word(a + b, boost=COMPOUND_WEIGHT, parts=False))
        # a name of several words in other languages ("new york": نیویورک)
        clauses.extend(name_clauses([self.exact(s) for s in surfaces], EXACT_FIELDS))
        return Q.Or(clauses)

    # -- phrases

    def exact_phrase(self, surfaces: list[str], slop: int = 1, boost: float = 1.0) -> Q.Query:
        terms = [t for t in (self.exact(s) for s in surfaces) if t]
        if len(terms) == 1:
            return Q.Term("body", terms[0], boost=boost)
        return Q.Or(
            [
                Q.Phrase("body", terms, slop=slop, boost=boost),
                Q.Phrase("title", terms, slop=slop, boost=boost * TITLE_WEIGHT),
            ]
        )

    def stem_phrase(self, surfaces: list[str], slop: int, boost: float) -> Q.Query:
        """The words near each other as stems, once for each reading of Arabic script."""
        variants: dict[tuple[str, ...], None] = {}
        for reading in (0, 1):
            stems = []
            for s in surfaces:
                options = self.analysis.query_stems(s)
                if options:
                    stems.append(options[min(reading, len(options) - 1)])
            if len(stems) > 1:
                variants[tuple(stems)] = None
        phrases = [Q.Phrase("stem", list(v), slop=slop, boost=boost) for v in variants]
        return Q.Or(phrases) if phrases else Q.NullQuery

    def phrase(self, surfaces: list[str]) -> Q.Query:
        """A quoted phrase: exactly as written, or through clitics and suffixes."""
        if len(surfaces) == 1:
            return self.word(surfaces[0])
        content = [s for s in surfaces if not self.is_stopword(s)]
        gaps = len(surfaces) - len(content)  # stopwords leave holes in the stem stream
        compound = COMPOUND_WEIGHT * (BODY_WEIGHT + STEM_WEIGHT)
        return Q.Or(
            [
                self.exact_phrase(surfaces, boost=BODY_WEIGHT + STEM_WEIGHT),
                self.stem_phrase(content, slop=1 + gaps, boost=STEM_WEIGHT),
                *name_clauses([self.exact(s) for s in surfaces], EXACT_FIELDS),
                *(self.exact_phrase(v, boost=compound) for v in compound_spellings(surfaces)),
            ]
        )

    # -- the tree

    def build(self, node: Q.Query) -> Q.Query:
        if isinstance(node, Q.Term):
            surfaces = split_words(node.text)
            if len(surfaces) == 1:
                return self.word(surfaces[0], node.boost)
            return self.words(surfaces) if surfaces else Q.NullQuery
        if isinstance(node, Q.Phrase):
            surfaces = [w for word in node.words for w in split_words(word)]
            return self.phrase(surfaces) if surfaces else Q.NullQuery
        if isinstance(node, Q.FuzzyTerm):
            exact = self.exact(node.text)
            if not exact:
                return Q.NullQuery
            # the candidates within distance 2 of a word are many, and word~9
            # would match nearly everything: word~9 is read as word~2
            maxdist = min(node.maxdist, MAX_EDIT_DISTANCE)
            # the body's words only: walking a second vocabulary (the titles',
            # nearly all in the body too) doubled the cost of every fuzzy query
            fuzzy = NearTerm("body", exact, maxdist=maxdist, prefixlength=1, boost=BODY_WEIGHT)
            return Q.Or([self.word(node.text), fuzzy])
        if isinstance(node, (Q.Prefix, Q.Wildcard)):
            # * and ? pass through the normalisation unchanged
            pattern = self.exact(node.text)
            if not pattern.strip("*?"):
                return Q.NullQuery
            bounded = BOUNDED[type(node)]
            return Q.Or([bounded(f, pattern, boost=w) for f, w in EXACT_FIELDS])
        if isinstance(node, Q.Not):
            return Q.Not(self.build(node.query))
        if isinstance(node, Q.AndNot):
            return Q.AndNot(self.build(node.a), self.build(node.b))
        if isinstance(node, Q.AndMaybe):
            return Q.AndMaybe(self.build(node.a), self.build(node.b))
        if isinstance(node, Q.Or):
            return self.optional(node.subqueries)
        if isinstance(node, Q.And):
            return Q.And([self.build(c) for c in node.subqueries])
        if isinstance(node, Q.Every):
            return Q.Every()
        return Q.NullQuery

    def optional(self, children: list[Q.Query]) -> Q.Query:
        """Optional clauses; plain words among them are searched together.

        ``NOT x`` among optional clauses excludes ``x`` from all of them (in an
        Or, Whoosh would take it as "every document without x").
        """
        negated = [c.query for c in children if isinstance(c, Q.Not)]
        plain = [w for c in children if type(c) is Q.Term for w in split_words(c.text)]
        others = [c for c in children if type(c) is not Q.Term and not isinstance(c, Q.Not)]
        parts = [self.build(c) for c in others]
        if plain:
            parts.append(self.words(plain))
        positive = Q.Or(parts) if len(parts) > 1 else (parts[0] if parts else Q.NullQuery)
        if not negated:
            return positive
        excluded = Q.Or([self.build(c) for c in negated])
        if not parts:
            return Q.Not(excluded)
        return Q.AndNot(positive, excluded)

    def parse(self, text: str) -> ParsedQuery:
        if len(text) > MAX_QUERY_LENGTH:
            raise QueryError(f"the query is longer than {MAX_QUERY_LENGTH} characters")
        text = text.replace("\x00", " ")
        if _SURROGATE.search(text):
            raise QueryError("the query holds bytes that are not text (not valid UTF-8)")
        rest, filters = extract_filters(text)
        if filters.lang is not None and filters.lang not in LANG_CODES:
            raise QueryError(
                f"unknown language {filters.lang!r}: use one of {', '.join(LANG_CODES)}"
            )
        if not balanced(rest):
            rest = plain_words(rest)
        rest = _MINUS.sub("NOT ", rest)
        rest = _QUESTION_MARK.sub(" ", rest)
        try:
            tree = _parser().parse(rest)
        except Exception:
            tree = _parser().parse(plain_words(rest))
        words = [w for t in _plain_terms(tree) for w in split_words(t.text)]
        query = self.build(tree).normalize()
        return ParsedQuery(text, query, filters, words, self.links(tree))

    def links(self, tree: Q.Query) -> dict[str, tuple[str, int]]:
        """:attr:`ParsedQuery.links` of the parser's tree: the linked forms' terms
        other than the query's own words."""
        runs = [[self.exact(s) for s in surfaces] for surfaces in _word_runs(tree)]
        own = {term for run in runs for term in run}
        return {t: words for t, words in linked_words(runs).items() if t not in own}


def compound_spellings(surfaces: list[str]) -> list[list[str]]:
    """The phrase with one compound spelled otherwise: two neighbouring words of
    Arabic script joined (رئیس جمهور → رئیسجمهور), or one word split in two
    (رئیسجمهور → رئیس جمهور, at every seam :func:`compound_splits` allows)."""
    out = []
    for i, (a, b) in enumerate(pairwise(surfaces)):
        if token_script(a) == ARABIC and token_script(b) == ARABIC:
            out.append([*surfaces[:i], a + b, *surfaces[i + 2 :]])
    for i, word in enumerate(surfaces):
        if token_script(word) == ARABIC:
            for split in compound_splits(word):
                out.append([*surfaces[:i], *split, *surfaces[i + 1 :]])
    return out


def split_words(text: str) -> list[str]:
    """The words of one parser term: the parser splits at spaces, ICU at punctuation."""
    return [text[start:end] for start, end in word_spans(text)]


def _word_runs(node: Q.Query) -> list[list[str]]:
    """The words of the tree's positive parts that may be names: the plain words in
    the order typed as one run, then each phrase's."""
    plain: list[str] = []
    phrases: list[list[str]] = []

    def walk(n: Q.Query) -> None:
        if isinstance(n, Q.Not):
            return
        if isinstance(n, Q.AndNot):
            walk(n.a)
        elif isinstance(n, Q.Phrase):
            phrases.append([w for word in n.words for w in split_words(word)])
        elif isinstance(n, (Q.Term, Q.FuzzyTerm)):
            plain.extend(split_words(n.text))
        else:
            for child in n.children():
                walk(child)

    walk(node)
    return [plain, *phrases]


def _plain_terms(node: Q.Query) -> list[Q.Term]:
    if isinstance(node, Q.Term):
        return [node]
    if isinstance(node, (Q.Not,)):
        return []
    if isinstance(node, Q.AndNot):
        return _plain_terms(node.a)
    out = []
    for child in node.children():
        out.extend(_plain_terms(child))
    return out
