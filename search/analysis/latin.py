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


def transliterator(rules: str) -> icu.Transliterator:
    """ICU's transliterator for ``rules``, one per thread and rules: one is not to be
    shared between threads, and building a compound one takes milliseconds."""
    made = getattr(_local, "transliterators", None)
    if made is None:
        made = _local.transliterators = {}
    tr = made.get(rules)
    if tr is None:
        tr = made[rules] = icu.Transliterator.createInstance(rules)
    return tr


def to_latin(text: str) -> str:
    """``text`` in Latin letters; Latin letters, digits and punctuation stay as they are.

    >>> to_latin("tungsten: تنگستن")
    'tungsten: tngstn'
    """
    return transliterator(LATIN_LETTERS).transliterate(text) if text else text
