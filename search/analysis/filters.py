"""Filters that rewrite one term at a time, and the chain that caches them.

Every rule of the analysis is a :class:`TermFilter`: it looks at one term (and
the document's language, where a rule needs it) and returns the new term, or
``""`` to drop it. Because a rule never looks at a neighbour, a chain of them is
a pure function of the term, and :class:`TermChain` caches it: news text repeats
its words (Zipf), so most tokens cost one dict lookup instead of a run through
NFKC, the folding tables, a stemmer and ICU's transliterator.

Filters compose with ``|`` like Whoosh's own, and each also works alone in an
ordinary Whoosh chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import icu
from whoosh.analysis import Filter, Token

# ICU's NFKC_Casefold also removes default-ignorable code points: ZWNJ, ZWJ,
# soft hyphen, bidi controls. One C call instead of three Python passes.
_NFKC_CASEFOLD = icu.Normalizer2.getNFKCCasefoldInstance()


class TermFilter(Filter):
    """A filter that rewrites each term on its own; ``""`` drops the token."""

    def apply(self, text: str, lang: str | None) -> str:
        raise NotImplementedError

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            text = self.apply(t.text, getattr(t, "lang", None))
            if text:
                t.text = text
                yield t

    def __or__(self, other):
        if isinstance(other, TermFilter):
            return TermChain(self, other)
        return super().__or__(other)

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.__getstate__() == other.__getstate__()

    def __hash__(self) -> int:
        return hash(type(self))

    def __getstate__(self) -> dict:
        return dict(self.__dict__)


class TermChain(TermFilter):
    """Several term filters run in order, with the result cached per term."""

    max_cache = 200_000

    def __init__(self, *filters: TermFilter):
        flat: list[TermFilter] = []
        for f in filters:
            flat.extend(f.filters if isinstance(f, TermChain) else [f])
        self.filters = tuple(flat)
        self._cache: dict[tuple[str, str | None], str] = {}

    def apply(self, text: str, lang: str | None) -> str:
        key = (text, lang)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        for f in self.filters:
            text = f.apply(text, lang)
            if not text:
                break
        if len(self._cache) >= self.max_cache:
            self._cache.clear()
        self._cache[key] = text
        return text

    def __getstate__(self) -> dict:
        # The schema, analyzers included, is pickled into the index: no cache.
        return {"filters": self.filters}

    def __setstate__(self, state: dict) -> None:
        self.filters = state["filters"]
        self._cache = {}

    def __repr__(self) -> str:
        return " | ".join(repr(f) for f in self.filters)


class TranslateFilter(TermFilter):
    """A table of code point rewrites, applied with ``str.translate``.

    Subclasses name their table; the table is the rule, as in Lucene's
    normalizers, with every code point named where it is defined.
    """

    table: dict[int, str | None] = {}

    def apply(self, text: str, lang: str | None) -> str:
        return text.translate(self.table)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NfkcCasefoldFilter(TermFilter):
    """Unicode compatibility forms and case folded away (ICU NFKC_Casefold).

    Presentation forms become letters (``ﻻ`` → ``لا``), ``ﬁ`` → ``fi``, ``Ä`` →
    ``ä``; default-ignorable characters (ZWNJ, ZWJ, bidi controls, soft
    hyphen) are removed, which joins ``می‌گیرد`` into ``میگیرد``.
    """

    def apply(self, text: str, lang: str | None) -> str:
        return _NFKC_CASEFOLD.normalize(text)

    def __repr__(self) -> str:
        return "NfkcCasefoldFilter()"


ASCII_DIGITS = "0123456789"
ARABIC_INDIC_DIGITS = "".join(chr(c) for c in range(0x0660, 0x066A))  # ٠-٩
PERSIAN_DIGITS = "".join(chr(c) for c in range(0x06F0, 0x06FA))  # ۰-۹
DEVANAGARI_DIGITS = "".join(chr(c) for c in range(0x0966, 0x0970))  # ०-९
ARABIC_DECIMAL_SEPARATOR = "\u066b"  # ٫
ARABIC_THOUSANDS_SEPARATOR = "\u066c"  # ٬


class DigitFoldFilter(TranslateFilter):
    """Digits of every script become ASCII, so ``۳۷`` matches ``37``."""

    table = {
        **str.maketrans(ARABIC_INDIC_DIGITS, ASCII_DIGITS),
        **str.maketrans(PERSIAN_DIGITS, ASCII_DIGITS),
        **str.maketrans(DEVANAGARI_DIGITS, ASCII_DIGITS),
        ord(ARABIC_DECIMAL_SEPARATOR): ".",
        ord(ARABIC_THOUSANDS_SEPARATOR): ",",
    }


class StopFilter(TermFilter):
    """Drops words too common to tell documents apart."""

    def __init__(self, stopwords: Iterable[str]):
        self.stopwords = frozenset(stopwords)

    def apply(self, text: str, lang: str | None) -> str:
        return "" if text in self.stopwords else text

    def __repr__(self) -> str:
        return f"StopFilter(<{len(self.stopwords)} words>)"
