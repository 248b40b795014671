"""Which script a token is written in, and which language a document is in.

A query's language is never known, so every query token is analysed by its own
script. A document's language is what its source says or, failing that, the
script most of its letters are in, with Persian told from Arabic by the letters
only one of them uses.
"""

from __future__ import annotations

import unicodedata

ARABIC = "arabic"
DEVANAGARI = "devanagari"
LATIN = "latin"
OTHER = "other"

# Blocks, first and last code point. Arabic Presentation Forms fold to the
# base block under NFKC, but a token's script is read from its surface.
_SCRIPT_RANGES = (
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),  # Arabic Supplement
    (0x08A0, 0x08FF, ARABIC),  # Arabic Extended-A
    (0xFB50, 0xFDFF, ARABIC),  # Presentation Forms-A
    (0xFE70, 0xFEFF, ARABIC),  # Presentation Forms-B
    (0x0900, 0x097F, DEVANAGARI),
    (0xA8E0, 0xA8FF, DEVANAGARI),  # Devanagari Extended
    (0x0041, 0x005A, LATIN),
    (0x0061, 0x007A, LATIN),
    (0x00C0, 0x024F, LATIN),  # Latin-1 letters, Extended-A and -B
    (0x1E00, 0x1EFF, LATIN),  # Latin Extended Additional
    (0xFF21, 0xFF5A, LATIN),  # fullwidth
)


def char_script(ch: str) -> str:
    cp = ord(ch)
    for first, last, script in _SCRIPT_RANGES:
        if first <= cp <= last:
            return script
    return OTHER


def token_script(text: str) -> str:
    """The script of the first letter of ``text`` that belongs to one of ours."""
    for ch in text:
        script = char_script(ch)
        if script != OTHER:
            return script
    return OTHER


# Letters that only Persian writes (pe, che, zhe, gaf, keheh, farsi yeh) and
# letters that only Arabic writes (teh marbuta, yeh, kaf, alef maksura).
PERSIAN_ONLY = frozenset("\u067e\u0686\u0698\u06af\u06a9\u06cc")
ARABIC_ONLY = frozenset("\u0629\u064a\u0643\u0649")


def detect_language(text: str) -> str:
    """Guess a document's language from its letters.

    >>> detect_language("دونالد ترمپ، رئیسجمهور")
    'fa'
    >>> detect_language("الرئيس دونالد ترامب")
    'ar'
    >>> detect_language("डोनाल्ड ट्रंप")
    'hi'
    """
    counts = {ARABIC: 0, DEVANAGARI: 0, LATIN: 0}
    persian = arabic = 0
    for ch in text:
        if not ch.isalpha() and not unicodedata.category(ch).startswith("M"):
            continue  # digits and punctuation of a block say nothing of the language
        script = char_script(ch)
        if script in counts:
            counts[script] += 1
        if ch in PERSIAN_ONLY:
            persian += 1
        elif ch in ARABIC_ONLY:
            arabic += 1
    script = max(counts, key=counts.__getitem__)
    if counts[script] == 0:
        return "en"
    if script == DEVANAGARI:
        return "hi"
    if script == LATIN:
        return "en"
    return "fa" if persian > arabic else "ar"
