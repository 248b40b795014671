"""Text in Latin letters for a reader who cannot read its script (ICU ``Any-Latin``).

ICU's own transliteration, letter by letter, with its diacritics: ``تنگستن`` reads
``tngstn`` (Arabic script writes no short vowels), ``ट्रंप`` reads ``ṭrampa``. It
is for reading only; the cross-script keys use a coarser ASCII form of it
(:mod:`.crossscript`).
"""

from __future__ import annotations

import threading

import icu

LATIN_LETTERS = "Any-Latin"
_local = threading.local()


def _transliterator() -> icu.Transliterator:
    # an ICU transliterator is not to be shared between threads: one per thread
    tr = getattr(_local, "transliterator", None)
    if tr is None:
        tr = icu.Transliterator.createInstance(LATIN_LETTERS)
        _local.transliterator = tr
    return tr


def to_latin(text: str) -> str:
    """``text`` in Latin letters; Latin letters, digits and punctuation stay as they are.

    >>> to_latin("tungsten: تنگستن")
    'tungsten: tngstn'
    """
    return _transliterator().transliterate(text) if text else text
