"""The analyzers of the index's fields, and the analysis of one text or query.

Three term streams come from one ICU segmentation:

- ``exact``: the word as written, normalised (Unicode forms, case, digits,
  letter variants of each script). A match here is the reader's own word.
- ``stem``: ``exact`` less stopwords, stemmed by the document's language.
- ``key``: ``exact`` less stopwords and Arabic clitics, as a cross-script key.
"""

from __future__ import annotations

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


def stem_chain(stemmers: str = DEFAULT_STEMMERS) -> TermChain:
    return normalize_chain() | StopFilter(STOPWORDS) | LanguageStemFilter(stemmers)


def key_chain() -> TermChain:
    return (
        normalize_chain() | StopFilter(STOPWORDS) | ArabicArticleFilter() | CrossScriptKeyFilter()
    )


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

    def __init__(self, stemmers: str = DEFAULT_STEMMERS):
        self.exact = normalize_chain()
        self.stem = stem_chain(stemmers)
        self.key = key_chain()
        self.stemmers = stemmers
        self._terms: dict[tuple[str, str | None], tuple[str, str, str]] = {}

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
                terms = (
                    self.exact.apply(surface, lang),
                    self.stem.apply(surface, lang),
                    self.key.apply(surface, lang),
                )
                if len(cache) >= self.max_cache:
                    cache.clear()
                cache[(surface, lang)] = terms
            out.append(terms)
        return out

    def tokens(self, text: str, lang: str | None = None) -> list[AnalyzedToken]:
        out = []
        for start, end in word_spans(text):
            surface = text[start:end]
            out.append(
                AnalyzedToken(
                    surface,
                    start,
                    end,
                    token_script(surface),
                    self.exact.apply(surface, lang),
                    self.stem.apply(surface, lang),
                    self.key.apply(surface, lang),
                )
            )
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
