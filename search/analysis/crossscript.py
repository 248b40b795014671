"""Cross-script keys: one spelling-free key for a name in any script.

``tungsten``, ``تنگستن`` and ``टंगस्टन`` share no letter, but all say t-ng-s-t-n.
The key is ICU's Latin transliteration (``Any-Latin; Latin-ASCII``) reduced to
its consonants, with sounds that the three scripts write differently put in
one class. Arabic script writes no short vowels, so vowels are dropped on
every side; w, y and h are dropped too, since Arabic script uses و ی ا for
long vowels and h mostly marks aspiration in transliteration.
"""

from __future__ import annotations

import re
import threading

import icu

from .filters import TermFilter
from .scripts import LATIN, token_script

TRANSLITERATION = "Any-Latin; Latin-ASCII"
_local = threading.local()


def _transliterator() -> icu.Transliterator:
    # Building a compound transliterator takes milliseconds; one per thread.
    tr = getattr(_local, "transliterator", None)
    if tr is None:
        tr = icu.Transliterator.createInstance(TRANSLITERATION)
        _local.transliterator = tr
    return tr


# English spelling to sound, for keys typed in Latin letters, as (pattern,
# replacement) rows applied in order. "č" and "š" survive as c and s after
# Latin-ASCII, the letters Hindi's च and Persian's چ / ش transliterate to.
ENGLISH_SPELLING = (
    ("sch", "š"),
    ("ch", "č"),  # China, Chechnya
    ("sh", "š"),
    ("ph", "f"),  # phosphate
    ("ck", "k"),
    ("qu", "kw"),
    ("x", "ks"),  # xylophone
    ("c(?=[eiy])", "s"),  # cerium, democracy
    ("c", "k"),  # computer, Kazakh
)
_ENGLISH_SPELLING = [(re.compile(p), r) for p, r in ENGLISH_SPELLING]

# One letter per sound class, after transliteration to ASCII.
SOUND_CLASSES = str.maketrans(
    {
        "q": "k",  # ق is transliterated q; Latin and Devanagari write k
        "j": "z",  # ज stands for English z (कजाकिस्तान); ج for j and z
        "b": "p",  # Arabic has no p: ترامب is Trump
        **{v: None for v in "aeiou"},  # Arabic script writes no short vowels
        **{s: None for s in "wyvh"},  # long vowels (و ی), aspiration (ph, kh, sh)
    }
)
_NOT_LETTERS = re.compile("[^a-z]+")
_REPEATS = re.compile(r"(.)\1+")

# A word that starts with a vowel sound keeps a mark of it: Arabic script
# writes that vowel (ا أ ع ء, or و ی for u/i), as do Latin and Devanagari, so
# it tells انضمام (a-ndm) from neodymium (ndm) at no cost to uranium = يورانيوم.
VOWEL_START = frozenset("aeiouywvʿʾ'")
VOWEL_MARK = "_"

# Keys with fewer consonants than this (the vowel mark not counted) collide
# with too many unrelated words to be useful (pizza → pz); uranium → _rnm is
# the shortest kind that still tells words apart.
MIN_KEY_LENGTH = 3


def english_sounds(word: str) -> str:
    """Rewrites English spelling toward sounds (``phosphate`` → ``fosfate``)."""
    for pattern, replacement in _ENGLISH_SPELLING:
        word = pattern.sub(replacement, word)
    return word


def skeleton(latin: str) -> str:
    """Consonant classes of an ASCII transliteration.

    >>> skeleton("tungsten"), skeleton("tngstn"), skeleton("tangastana")
    ('tngstn', 'tngstn', 'tngstn')
    >>> skeleton("uranium"), skeleton("ywranywm"), skeleton("andmam")
    ('_rnm', '_rnm', '_ndm')
    """
    latin = latin.lower().lstrip()
    mark = VOWEL_MARK if latin[:1] in VOWEL_START else ""
    latin = _NOT_LETTERS.sub("", latin)
    latin = latin.replace("ph", "f")  # फ in loanwords, before h is dropped
    key = latin.translate(SOUND_CLASSES)
    return mark + _REPEATS.sub(r"\1", key)


def cross_script_key(term: str) -> str:
    """The key of one (normalised) term, or ``""`` when it is too short.

    >>> cross_script_key("boeing") == cross_script_key("بوئینگ") == cross_script_key("बोइंग")
    True
    """
    if token_script(term) == LATIN:
        term = english_sounds(term)
    key = skeleton(_transliterator().transliterate(term))
    return key if len(key.lstrip(VOWEL_MARK)) >= MIN_KEY_LENGTH else ""


class CrossScriptKeyFilter(TermFilter):
    """A term becomes its cross-script key; short keys are dropped."""

    def apply(self, text: str, lang: str | None) -> str:
        if text.isdigit():
            return ""
        return cross_script_key(text)

    def __repr__(self) -> str:
        return "CrossScriptKeyFilter()"
