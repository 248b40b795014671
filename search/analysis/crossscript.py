"""Cross-script keys: where to look for a name written in another script.

``tungsten``, ``تنگستن`` and ``टंगस्टन`` share no letter, but all say t-ng-s-t-n.
The key is ICU's Latin transliteration (``Any-Latin; Latin-ASCII``) reduced to
its consonants, with sounds that the three scripts write differently put in
one class. Arabic script writes no short vowels, so vowels are dropped on
every side; w, y and h are dropped too, since Arabic script uses و ی ا for
long vowels and h mostly marks aspiration in transliteration.

A key only proposes. The index stores each word under its key
(:func:`key_term`: ``tngstn|تنگستن``), so that the words of a key, and of its
near variants (:func:`key_variants`: one sound class apart, a consonant more
or less, a prothetic alef), are found by a prefix lookup; how alike a
candidate sounds to the query word (:mod:`search.analysis.similarity`) decides.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

from .filters import TermFilter
from .latin import transliterator
from .scripts import LATIN, token_script

TRANSLITERATION = "Any-Latin; Latin-ASCII"


def _transliterator() -> icu.Transliterator:
    return transliterator(TRANSLITERATION)


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


def _latin(term: str) -> str:
    if token_script(term) == LATIN:
        term = english_sounds(term)
    return _transliterator().transliterate(term)


@lru_cache(maxsize=65536)
def transliteration(term: str) -> str:
    """A normalised term as lowercase ASCII letters, the way it sounds (English spelling
    rewritten toward sounds): what :func:`search.analysis.similarity.similarity` compares.

    >>> transliteration("تنگستن"), transliteration("tungsten")
    ('tngstn', 'tungsten')
    """
    return _NOT_LETTERS.sub("", _latin(term).lower())


# Between a key and its word in the terms of the key stream.
KEY_SEPARATOR = "|"


def key_term(term: str) -> str:
    """What the index stores for a (normalised) term in its key stream: the key, then
    the term (``tngstn|تنگستن``); ``""`` for digits and words without a consonant.

    >>> key_term("تنگستن")
    'tngstn|تنگستن'
    """
    if term.isdigit():
        return ""
    key = skeleton(_latin(term))
    return f"{key}{KEY_SEPARATOR}{term}" if key.lstrip(VOWEL_MARK) else ""


# Between a key and the script it was read in, in the script's own key terms.
SCRIPT_SEPARATOR = "#"


def script_key(text: str) -> str:
    """The key a key term shares with the other words of its script that sound alike:
    ``tngstn#a`` for ``tngstn|تنگستن`` (""  for keys too short to tell words apart).

    Within one script, words with one key are mostly spellings of one word
    (الأمريكي, الأميركي), and the index stores this key beside each word's own, so
    that a search matches them all as one term, as documents of that script have
    always been ranked; across scripts, :mod:`search.query.crossscript` decides.
    """
    key, word = split_key_term(text)
    if len(key.lstrip(VOWEL_MARK)) < MIN_KEY_LENGTH:
        return ""
    return f"{key}{SCRIPT_SEPARATOR}{token_script(word)[:1]}"


def split_key_term(text: str) -> tuple[str, str]:
    """(key, word) of a term of the key stream."""
    key, _, word = text.partition(KEY_SEPARATOR)
    return key, word


# Letters of a key that another script may write with a letter of the next class.
NEAR_KEY_LETTERS = {
    "s": "zc",  # س ز, ch as ش or تش
    "z": "sd",  # ز ذ ض
    "c": "sk",  # ch, k
    "k": "gc",  # ک گ ق غ
    "g": "kz",  # g as ج
    "t": "d",
    "d": "tz",
    "p": "f",  # ب پ ف, v as ف
    "f": "p",
    "l": "r",
    "r": "l",
    "n": "m",
    "m": "n",
}
# English spellings that another script writes with a consonant the key keeps
# (v and w as ف, th as ث or ت, g as ج or غ)
# and English spellings with another common reading (sch and ch as in school
# and Chris, not as in Schiller and China)
ENGLISH_ALTERNATIVES = (
    ("v", "f"),
    ("w", "f"),
    ("th", "s"),
    ("g", "j"),
    ("sch", "sk"),
    ("ch", "k"),
)
_ENGLISH_ALTERNATIVES = [(re.compile(p), r) for p, r in ENGLISH_ALTERNATIVES]


@lru_cache(maxsize=16384)
def readings(term: str) -> tuple[str, ...]:
    """The ways a normalised term may sound, as Latin transliterations (its own first):
    English spelling has more than one reading of some letters; other scripts one."""
    own = _latin(term)
    if token_script(term) != LATIN:
        return (own,)
    out = [own]
    for pattern, replacement in _ENGLISH_ALTERNATIVES:
        if pattern.search(term):
            other = _transliterator().transliterate(english_sounds(pattern.sub(replacement, term)))
            if other not in out:
                out.append(other)
    return tuple(out)


def sound_readings(term: str) -> tuple[str, ...]:
    """:func:`readings` as lowercase ASCII letters, what similarity compares."""
    return tuple(dict.fromkeys(_NOT_LETTERS.sub("", r.lower()) for r in readings(term)))


def _skeletons(term: str) -> set[str]:
    return {skeleton(reading) for reading in readings(term)}


def _starts_with_cluster(sound: str) -> bool:
    # two consonants before the first vowel (st, dr, pl): Arabic script writes an
    # alef before them (استارلینک, إدريس, أفلاطون), which reads as a vowel start
    return len(sound) > 1 and not (VOWELS_AND_GLIDES & set(sound[:2]))


VOWELS_AND_GLIDES = frozenset("aeiouwyh")


def key_variants(term: str) -> list[str]:
    """The keys under which another spelling of ``term`` may stand, its own first:
    with and without the mark of a vowel start (Arabic script writes an alef before
    two consonants: استارلینک, إدريس), one letter a sound class apart, one consonant fewer."""
    own = skeleton(_latin(term))
    out = {own}
    cluster = _starts_with_cluster(transliteration(term))
    for key in _skeletons(term):
        body = key.lstrip(VOWEL_MARK)
        starts = {key[: len(key) - len(body)], ""}
        if cluster or key != body:
            starts.add(VOWEL_MARK)
        for start in starts:
            out.add(start + body)
            for i, letter in enumerate(body):
                for near in NEAR_KEY_LETTERS.get(letter, ""):
                    out.add(start + body[:i] + near + body[i + 1 :])
                if len(body) > 2:
                    out.add(start + body[:i] + body[i + 1 :])
    out.discard("")
    out.discard(VOWEL_MARK)
    return [own] + sorted(out - {own})


# Letters that the next letter typed may read otherwise (c, p, s, t, k, g + h:
# ch, ph, sh, th, kh, gh; c + e: ce), so a prefix ending in one is also read as
# the longer spelling would be.
_LATIN_UNFINISHED = {"c": ("h", "e"), "p": ("h",), "s": ("h",), "t": ("h",), "k": ("h",)}


def _prefix_spellings(term: str) -> list[str]:
    # a word being typed, and what it reads as once its last letter has its
    # next: ``sc`` may become ``sch`` (s), ``p`` ``ph`` (f); a Devanagari
    # sign (the anusvara of ``टं``) reads by the letter after it, not yet typed
    out = [term]
    if token_script(term) == LATIN:
        out += [term + more for more in _LATIN_UNFINISHED.get(term[-1:], ())]
    elif len(term) > 1 and unicodedata.category(term[-1]).startswith("M"):
        out.append(term[:-1])
    return out


@lru_cache(maxsize=4096)
def prefix_keys(term: str) -> tuple[str, ...]:
    """The beginnings of the keys of the words that a (normalised) word being typed may
    become, shortest first, none the beginning of another: one prefix lookup each
    (``tung`` → ``tng``; ``sc`` → ``s``, since ``sch`` reads as ``s``; a word
    starting with s + consonant also with the vowel mark, as for :func:`key_variants`).
    """
    keys = set()
    for spelling in _prefix_spellings(term):
        for key in _skeletons(spelling):
            body = key.lstrip(VOWEL_MARK)
            if not body:
                continue
            keys.add(key)
            if key == body and body[:1] == "s" and len(body) > 1:
                keys.add(VOWEL_MARK + body)
    out: list[str] = []
    for key in sorted(keys, key=lambda k: (len(k), k)):
        if not any(key.startswith(shorter) for shorter in out):
            out.append(key)
    return tuple(sorted(out))


def prefix_sounds(term: str) -> tuple[str, ...]:
    """:func:`sound_readings` of a word being typed, and of the longer spellings
    its last letter may begin (see :func:`prefix_keys`)."""
    sounds = (s for spelling in _prefix_spellings(term) for s in sound_readings(spelling))
    return tuple(s for s in dict.fromkeys(sounds) if s)


class CrossScriptKeyFilter(TermFilter):
    """A term becomes its key term: its cross-script key, then the term (:func:`key_term`)."""

    def apply(self, text: str, lang: str | None) -> str:
        return key_term(text)

    def __repr__(self) -> str:
        return "CrossScriptKeyFilter()"
