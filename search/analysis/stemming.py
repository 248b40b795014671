"""Stemming by script and language: one filter that picks the stemmer.

Arabic script is shared by Arabic and Persian, whose suffixes differ, so an
Arabic-script term is stemmed by the document's language; a query's language
is unknown, so the query side asks for both stems (:func:`stem_variants`).
"""

from __future__ import annotations

import threading

import Stemmer

from . import arabic, hindi, persian
from .filters import TermFilter
from .scripts import ARABIC, DEVANAGARI, LATIN, PERSIAN_ONLY, token_script

_local = threading.local()


def _snowball(name: str) -> Stemmer.Stemmer:
    # PyStemmer's stemmers keep a cache and are not thread-safe: one per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if name not in stemmers:
        stemmers[name] = Stemmer.Stemmer(name)
    return stemmers[name]


def _to_persian_letters(word: str) -> str:
    # Snowball's Persian stemmer knows Persian letters only; our folded terms
    # carry Arabic yeh and kaf.
    return word.replace(arabic.YEH, persian.FARSI_YEH).replace(arabic.KAF, persian.KEHEH)


def _fold_persian(word: str) -> str:
    return word.translate(persian.PERSIAN_FOLDS)


def _without_preposition(stem: str, word: str) -> str:
    # a preposition joins a noun either before the article (بالبيت, taken with
    # it) or instead of it (لطريق, taken from the stem)
    return stem if arabic.has_article(word) else arabic.strip_preposition(stem)


def stem_arabic(word: str) -> str:
    return _without_preposition(arabic.strip_suffixes(arabic.strip_article(word)), word)


def stem_persian(word: str) -> str:
    return persian.strip_suffix(word)


def stem_hindi(word: str) -> str:
    return hindi.strip_suffix(word)


def stem_english(word: str) -> str:
    return _snowball("english").stemWord(word)


def snowball_arabic(word: str) -> str:
    # Snowball keeps wa-/fa- before an alef (وأوزبكستان, والبيت): our clitic
    # rule goes first, so that both spellings reach the same stem.
    stem = _snowball("arabic").stemWord(arabic.strip_article(word))
    return _without_preposition(stem, word)


def snowball_persian(word: str) -> str:
    return _fold_persian(_snowball("persian").stemWord(_to_persian_letters(word)))


def snowball_hindi(word: str) -> str:
    return _snowball("hindi").stemWord(word)


# The stemmer for each language, by name. "best" takes, per language, the one
# that measured better on the relevance sets (docs/BENCHMARKS.md): Snowball's
# Arabic (MRR@10 0.842 vs 0.835 for light10), our light Hindi stemmer (0.935
# vs 0.932), our light Persian one (on a par with Snowball's, and simpler).
STEMMERS = {
    "light": {"ar": stem_arabic, "fa": stem_persian, "hi": stem_hindi, "en": stem_english},
    "snowball": {
        "ar": snowball_arabic,
        "fa": snowball_persian,
        "hi": snowball_hindi,
        "en": stem_english,
    },
    "best": {"ar": snowball_arabic, "fa": stem_persian, "hi": stem_hindi, "en": stem_english},
}
DEFAULT_STEMMERS = "best"


def language_of_term(term: str, lang: str | None) -> str | None:
    """The language whose stemmer a term takes: its script, then the document's."""
    script = token_script(term)
    if script == ARABIC:
        if lang in ("ar", "fa"):
            return lang
        return "fa" if PERSIAN_ONLY.intersection(term) else "ar"
    if script == DEVANAGARI:
        return "hi"
    if script == LATIN:
        return "en"
    return None


def stem(term: str, lang: str | None, stemmers: str = DEFAULT_STEMMERS) -> str:
    language = language_of_term(term, lang)
    if language is None or term[0].isdigit():
        return term
    return STEMMERS[stemmers][language](term) or term


def stem_variants(term: str, stemmers: str = DEFAULT_STEMMERS) -> list[str]:
    """Every stem a query term may have in some document: both for Arabic script."""
    if token_script(term) == ARABIC:
        return list(dict.fromkeys(stem(term, lang, stemmers) for lang in ("ar", "fa")))
    return [stem(term, None, stemmers)]


class LanguageStemFilter(TermFilter):
    """Stems each term with its language's stemmer, picked by script and document."""

    def __init__(self, stemmers: str = DEFAULT_STEMMERS):
        self.stemmers = stemmers

    def apply(self, text: str, lang: str | None) -> str:
        return stem(text, lang, self.stemmers)

    def __repr__(self) -> str:
        return f"LanguageStemFilter({self.stemmers!r})"
