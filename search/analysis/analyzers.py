"""The analyzers of the index's fields, and the analysis of one text or query.

Three term streams come from one ICU segmentation:

- ``exact``: the word as written, normalised (Unicode forms, case, digits,
  letter variants of each script). A match here is the reader's own word.
- ``stem``: ``exact`` less stopwords, stemmed by the document's language.
- ``key``: ``exact`` less stopwords and Arabic clitics, as a cross-script key.
"""

from __future__ import annotations

import threading
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

from whoosh.analysis.analyzers import CompositeAnalyzer

from .arabic import ARABIC_STOPWORDS, ArabicArticleFilter, ArabicFoldFilter
from .crossscript import CrossScriptKeyFilter
from .filters import DigitFoldFilter, NfkcCasefoldFilter, StopFilter, TermChain
from .hindi import HINDI_STOPWORDS, HindiFoldFilter, HindiNasalFilter
from .persian import PERSIAN_STOPWORDS, PersianFoldFilter
from .scripts import detect_language, token_script
from .stemming import DEFAULT_STEMMERS, LanguageStemFilter, language_of_term, stem_variants
from .tokenizers import IcuTokenizer, word_spans

ENGLISH_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was "
    "were will with".split()
)
# Unicode categories ICU's word rules attach to the character before (UAX #29 WB4)
_JOINS_BACKWARD = frozenset({"Mn", "Mc", "Me", "Cf"})
STOPWORDS = ARABIC_STOPWORDS | PERSIAN_STOPWORDS | HINDI_STOPWORDS | ENGLISH_STOPWORDS


def normalize_chain() -> TermChain:
    """Unicode forms and case, digits, then each script's letter rules, in that order."""
    return (
        NfkcCasefoldFilter()
        | DigitFoldFilter()
        | ArabicFoldFilter()
        | PersianFoldFilter()
        | HindiFoldFilter()
        | HindiNasalFilter()
    )


def after_exact_stem_chain(stemmers: str = DEFAULT_STEMMERS) -> TermChain:
    """What makes the stem of a word's ``exact`` term."""
    return StopFilter(STOPWORDS) | LanguageStemFilter(stemmers)


def after_exact_key_chain() -> TermChain:
    """What makes the cross-script key of a word's ``exact`` term."""
    return StopFilter(STOPWORDS) | ArabicArticleFilter() | CrossScriptKeyFilter()


def stem_chain(stemmers: str = DEFAULT_STEMMERS) -> TermChain:
    return normalize_chain() | after_exact_stem_chain(stemmers)


def key_chain() -> TermChain:
    return normalize_chain() | after_exact_key_chain()


def exact_analyzer() -> CompositeAnalyzer:
    return IcuTokenizer() | normalize_chain()


def stem_analyzer(stemmers: str = DEFAULT_STEMMERS) -> CompositeAnalyzer:
    return IcuTokenizer() | stem_chain(stemmers)


def key_analyzer() -> CompositeAnalyzer:
    return IcuTokenizer() | key_chain()


class LangText(str):
    """Text with its language, analysed once for every field that indexes it.

    Whoosh hands a field's value to its analyzer unchanged, so the language
    rides along to the stemmer. A text that is part of a larger one (the body
    inside title + body) takes its words from the whole, so ICU and the term
    chains run once per document, however many fields index it.
    """

    lang: str | None

    def __new__(cls, text: str, lang: str | None = None, whole=None, offset: int = 0):
        self = super().__new__(cls, text)
        self.lang = lang
        self._whole = whole
        self._offset = offset
        self._spans = None
        self._terms = None
        self._range = None
        return self

    def _range_in_whole(self) -> tuple[int, int]:
        if self._range is None:
            lo, hi = self._offset, self._offset + len(self)
            starts = [s for s, _ in self._whole.spans()]
            self._range = bisect_left(starts, lo), bisect_left(starts, hi)
        return self._range

    def spans(self) -> list[tuple[int, int]]:
        """(start, end) of every word, as :func:`word_spans` gives them."""
        if self._spans is None:
            if self._whole is None:
                self._spans = word_spans(self)
            else:
                first, last = self._range_in_whole()
                offset = self._offset
                self._spans = [(s - offset, e - offset) for s, e in self._whole.spans()[first:last]]
        return self._spans

    def terms(self, analysis: Analysis) -> list[tuple[str, str, str]]:
        """(exact, stem, key) of every word, in order ("" where a stream has none)."""
        if self._terms is None:
            if self._whole is None:
                self._terms = analysis.terms(self, self.spans(), self.lang)
            else:
                first, last = self._range_in_whole()
                self._terms = self._whole.terms(analysis)[first:last]
        return self._terms


class ChunkTerms:
    """Whitespace-free chunks of text with their words, and which chunks hold a term."""

    def __init__(self):
        self.words: dict[str, tuple[tuple[int, int, str, str, str], ...] | None] = {}
        self.unsure: set[str] = set()  # chunks whose words depend on what precedes them
        # any stream's term -> the chunk holding it, or a set of them when several
        # (most terms are in one chunk: a set for each would triple the memory)
        self.by_term: dict[str, str | set[str]] = {}
        self.version = 0  # grows with every chunk learnt

    def add(self, chunk: str, words: tuple | None) -> None:
        self.words[chunk] = words
        if words is None:
            self.unsure.add(chunk)
        else:
            self._index(chunk, words)
        # last: a reader that saw this version sees the chunk in by_term too
        self.version += 1

    def _index(self, chunk: str, words: tuple) -> None:
        by_term = self.by_term
        for _s, _e, *streams in words:
            for term in streams:
                held = by_term.get(term)
                if held is None:
                    if term:
                        by_term[term] = chunk
                elif type(held) is str:
                    if held != chunk:
                        by_term[term] = {held, chunk}
                else:
                    held.add(chunk)

    def holding(self, terms) -> set[str]:
        """The chunks holding any of ``terms`` (in any stream)."""
        out: set[str] = set()
        for term in terms:
            held = self.by_term.get(term)
            if held is None:
                continue
            if type(held) is str:
                out.add(held)
            else:
                out |= held
        return out


@dataclass(frozen=True)
class AnalyzedToken:
    """One word of a text, with everything the analysis made of it."""

    surface: str
    start: int
    end: int
    script: str
    exact: str
    stem: str
    key: str

    def to_dict(self, lang: str | None = None) -> dict:
        return {
            "text": self.surface,
            "start": self.start,
            "end": self.end,
            "script": self.script,
            "lang": language_of_term(self.exact, lang) if self.exact else None,
            "terms": {"exact": self.exact, "stem": self.stem, "key": self.key},
        }


class Analysis:
    """The three chains, built once: one pass over a text gives all three streams."""

    max_cache = 200_000
    max_chunks = 100_000  # the snippets' chunk cache, all languages together

    def __init__(self, stemmers: str = DEFAULT_STEMMERS):
        self.exact = normalize_chain()
        self.stem = stem_chain(stemmers)
        self.key = key_chain()
        # stem and key both start with exact's normalisation: the streams of a
        # text's words take it from exact instead of normalising each word thrice
        self._stem_of_exact = after_exact_stem_chain(stemmers)
        self._key_of_exact = after_exact_key_chain()
        self.stemmers = stemmers
        self._terms: dict[tuple[str, str | None], tuple[str, str, str]] = {}
        self._chunks: dict[str | None, ChunkTerms] = {}
        self._chunks_lock = threading.Lock()

    def terms(
        self, text: str, spans: list[tuple[int, int]], lang: str | None
    ) -> list[tuple[str, str, str]]:
        """(exact, stem, key) of each span of ``text``: the indexing path."""
        cache = self._terms
        out = []
        for start, end in spans:
            surface = text[start:end]
            terms = cache.get((surface, lang))
            if terms is None:
                terms = self.word_terms(surface, lang)
                if len(cache) >= self.max_cache:
                    cache.clear()
                cache[(surface, lang)] = terms
            out.append(terms)
        return out

    def word_terms(self, surface: str, lang: str | None) -> tuple[str, str, str]:
        """(exact, stem, key) of one word: what ``exact``, ``stem`` and ``key`` give."""
        exact = self.exact.apply(surface, lang)
        if not exact:
            return "", "", ""
        return exact, self._stem_of_exact.apply(exact, lang), self._key_of_exact.apply(exact, lang)

    def learn_chunks(self, chunks, lang: str | None) -> ChunkTerms:
        """The chunks seen so far in ``lang``, ``chunks`` among them: the words of each
        whitespace-free chunk, (start, end, exact, stem, key).

        ICU never joins words across ASCII whitespace, so a chunk's words are the
        same wherever it stands; the snippets look them up here instead of
        segmenting every hit's whole text. A chunk that starts with a mark or
        format character has None: ICU joins those to the space before them.
        """
        # the web app's threads share the analysis: one learns at a time, and a
        # chunk another thread is still learning is complete once we hold the lock
        with self._chunks_lock:
            if sum(len(c.words) for c in self._chunks.values()) >= self.max_chunks:
                self._chunks.clear()  # ~450 bytes a chunk: ~45 MB at most
            known = self._chunks.get(lang)
            if known is None:
                known = self._chunks[lang] = ChunkTerms()
            # set.difference(dict) looks each chunk up in the dict (- would copy the keys)
            missing = list(set(chunks).difference(known.words))
            if missing:
                self._learn_chunks(missing, lang, known)
        return known

    def _learn_chunks(self, chunks: list[str], lang: str | None, known: ChunkTerms) -> None:
        # one ICU pass over the new chunks, a space between each
        joined = " ".join(chunks)
        spans = word_spans(joined)
        terms = self.terms(joined, spans, lang)
        i, offset = 0, 0
        for chunk in chunks:
            end = offset + len(chunk)
            words = []
            while i < len(spans) and spans[i][0] < end:
                (s, e), (exact, stem, key) = spans[i], terms[i]
                words.append((s - offset, e - offset, exact, stem, key))
                i += 1
            crosses = bool(words) and words[-1][1] > len(chunk)
            starts_joined = unicodedata.category(chunk[0]) in _JOINS_BACKWARD
            known.add(chunk, None if crosses or starts_joined else tuple(words))
            offset = end + 1

    def tokens(self, text: str, lang: str | None = None) -> list[AnalyzedToken]:
        out = []
        for start, end in word_spans(text):
            surface = text[start:end]
            exact, stem, key = self.word_terms(surface, lang)
            out.append(AnalyzedToken(surface, start, end, token_script(surface), exact, stem, key))
        return out

    def query_keys(self, surface: str) -> list[str]:
        """Keys of a query word: with and without Arabic clitics when they differ."""
        keys = (self.key.apply(surface, None), self.key.apply(surface, "fa"))
        return [k for k in dict.fromkeys(keys) if k]

    def query_stems(self, surface: str) -> list[str]:
        """All stems a query word may take, whatever the document's language."""
        exact = self.exact.apply(surface, None)
        if not exact or not self.stem.apply(surface, None):
            return []  # a stopword
        return stem_variants(exact, self.stemmers)


_default: Analysis | None = None


def default_analysis() -> Analysis:
    global _default
    if _default is None:
        _default = Analysis()
    return _default


def analyze(text: str, lang: str | None = None) -> dict:
    """What the analysis makes of ``text``: the data behind ``search-cli analyze``."""
    detected = lang or detect_language(text)
    return {
        "text": text,
        "lang": detected,
        "tokens": [t.to_dict(detected) for t in default_analysis().tokens(text, detected)],
    }
