"""ICU word segmentation over the original text.

Offsets always point into the text as given, never into a normalised copy, so a
highlighter can slice the reader's own characters (combining marks included).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import icu
from whoosh.analysis import Token, Tokenizer

# ICU's word rule statuses: [0, 100) is "none" (spaces, punctuation, symbols);
# numbers, letters, kana and ideographs come after.
_WORD_NONE_LIMIT = 100

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# ZWNJ after an Arabic-script letter: the end of one part of a Persian word
# (کتاب‌ها, می‌گیرد, رئیس‌جمهور), which a reader may as well write with a space.
# In Devanagari a ZWNJ only chooses a glyph inside the word, so it stays.
_ARABIC_ZWNJ = re.compile("(?<=[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff])\u200c+")
# Never inside a word, whichever ICU: ICU 72 keeps "@" in a word (``info@farsnews.com``,
# ``@CovidIndiaSeva``; 76 and 77 break there) and ICU 77 keeps ":" between letters
# (``افزود:از``, as UAX #29 has it; 72 and 76 break there). Each is read as a space, one
# UTF-16 unit like them, so the offsets stay those of the text as given.
_NEVER_IN_A_WORD = str.maketrans(":@", "  ")
_local = threading.local()


def _break_iterator() -> icu.BreakIterator:
    # A BreakIterator holds its text, so each thread gets its own; building one
    # is costly, so it is built once per thread, never per call.
    bi = getattr(_local, "word_breaker", None)
    if bi is None:
        bi = icu.BreakIterator.createWordInstance(icu.Locale.getRoot())
        _local.word_breaker = bi
    return bi


def _utf16_to_index(text: str) -> list[int] | None:
    """Map UTF-16 offsets (what ICU counts) to str indexes, or None if equal."""
    if not _ASTRAL.search(text):
        return None
    mapping = []
    for index, ch in enumerate(text):
        mapping.append(index)
        if ord(ch) > 0xFFFF:
            mapping.append(index)
    mapping.append(len(text))
    return mapping


def word_spans(text: str, zwnj_parts: bool = True) -> list[tuple[int, int]]:
    """(start, end) of every word and number in ``text``, in order.

    The parts of a Persian word joined by ZWNJ are words of their own, unless
    ``zwnj_parts`` is false.

    >>> text = "قیمت ۳.۰۷ دلار، C5+1"
    >>> [text[s:e] for s, e in word_spans(text)]
    ['قیمت', '۳.۰۷', 'دلار', 'C5', '1']
    """
    if not text:
        return []
    if zwnj_parts and "\u200c" in text:
        return [part for span in _icu_spans(text) for part in _zwnj_parts(text, *span)]
    return _icu_spans(text)


def _icu_spans(text: str) -> list[tuple[int, int]]:
    bi = _break_iterator()
    mapping = _utf16_to_index(text)
    if ":" in text or "@" in text:
        text = text.translate(_NEVER_IN_A_WORD)
    bi.setText(text)
    spans = []
    start = 0
    for end in bi:
        if bi.getRuleStatus() >= _WORD_NONE_LIMIT:
            if mapping is None:
                spans.append((start, end))
            else:
                spans.append((mapping[start], mapping[end]))
        start = end
    return spans


def _zwnj_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of one word that ZWNJs split, as Lucene's PersianCharFilter does."""
    parts = []
    for m in _ARABIC_ZWNJ.finditer(text, start, end):
        if m.start() > start:
            parts.append((start, m.start()))
        start = m.end()
    if end > start:
        parts.append((start, end))
    return parts


class IcuTokenizer(Tokenizer):
    """Splits text into words with ICU's BreakIterator (UAX #29 + dictionaries).

    Numbers such as ``3.07`` and mixed tokens such as ``C5`` stay whole. The
    language of the document, when the caller knows it, rides on every token as
    ``token.lang`` so that language-specific filters (stopwords, stemming) can
    use it; it is read from a ``lang`` attribute of the value (see
    :class:`search.analysis.analyzers.LangText`) or the ``lang`` keyword.
    With ``zwnj_parts=False`` a Persian word joined by ZWNJ stays one token.
    """

    def __init__(self, zwnj_parts: bool = True):
        self.zwnj_parts = zwnj_parts

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        lang: str | None = None,
        **kwargs,
    ) -> Iterator[Token]:
        lang = lang or getattr(value, "lang", None)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.lang = lang
        if not tokenize:
            t.original = t.text = str(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        if hasattr(value, "spans"):
            spans = value.spans()
        else:
            spans = word_spans(value, self.zwnj_parts)
        for pos, (start, end) in enumerate(spans, start_pos):
            t.text = value[start:end]
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t
