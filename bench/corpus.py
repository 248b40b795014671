"""Deterministic generator of a news-like Hindi/Arabic/Persian corpus (JSON Lines).

Used by the speed benchmarks and the reliability tests, which need corpora far
larger than the five seed articles but with the same texture: the same scripts,
punctuation, digits, names and a realistically large vocabulary.

Design
------
* Vocabulary (built once per process, independent of the generation seed, so
  every corpus shares it):

  1. words of the seed articles in ``seeds/*.txt``, per language, ranked by how
     often they occur there (function words come first, as in real text);
  2. inflected forms of those words made by affix rules (Arabic prefixes and
     suffixes, Persian suffixes with and without ZWNJ, Hindi suffixes);
  3. pseudo-words from a Markov chain over the seed words' syllables (Devanagari
     aksharas, Arabic-script letters), plus their inflected forms, until the
     vocabulary has ``VOCAB_TARGET`` types. Real corpora of 10k+ articles have
     tens of thousands of types; the seeds alone have a few thousand.

  Derived forms are ranked by ``stem rank x affix rank``: a form is roughly as
  frequent as its stem times its affix, so this keeps the ranking Zipf-like.
* Words are drawn Zipf-distributed over that ranking (``random.choices`` with
  precomputed ``cum_weights``), and names of the entities in the seeds (Trump,
  Kazakhstan, tungsten, ...) are sprinkled in at a controlled rate, always in
  the document's own script, so cross-script queries find all three languages.
* Text sizes are log-normal in UTF-8 bytes (the reference corpus has ~3.95 KB
  of text per article), clamped to ``[MIN_TEXT_BYTES, MAX_TEXT_BYTES]``.
* Determinism: one ``random.Random(seed)`` drives a document stream; nothing
  depends on the global ``random``, the clock, or set/dict hash order. Document
  ``i`` does not depend on ``n_docs``, so a shorter corpus is a prefix of a
  longer one with the same seed.

Usage: ``python bench/corpus.py --docs 10000 --seed 1 --out bench/out/c.jsonl``.
"""

from __future__ import annotations

import argparse
import functools
import heapq
import itertools
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from random import Random
from typing import BinaryIO

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"
LANGS = ("hi", "ar", "fa")
# The seeds are 2 Hindi, 2 Arabic and 1 Persian article; the reference corpus
# is about 40/30/30.
LANG_CUM_SHARE = (0.40, 0.70, 1.00)

VOCAB_TARGET = 40_000
# Share of the non-seed vocabulary given to inflections of real seed words; the
# rest goes to pseudo-words and their inflections.
INFLECTION_SHARE = 0.45
ZIPF_EXPONENT = 1.05

FIRST_DATE = date(2024, 1, 1).toordinal()
N_DAYS = date(2025, 12, 31).toordinal() - FIRST_DATE + 1

# Log-normal text size in UTF-8 bytes. mu is calibrated by measurement so that
# the mean after clamping and last-sentence overshoot is ~3.95 KB (100k docs,
# seed 0: 3,979 bytes/doc); sigma gives a few long (~30 KB) articles per 10k.
SIZE_MU = 8.01
SIZE_SIGMA = 0.70
MIN_TEXT_BYTES = 1_000
MAX_TEXT_BYTES = 30_000

ZWNJ = "\u200c"
VIRAMA = "\u094d"
PERSIAN_ONLY = frozenset("پچژگکی")

# --------------------------------------------------------------------------
# Seed tokenisation
# --------------------------------------------------------------------------

# Blocks whose letters and marks make words. Python's \w does not match
# combining marks (Devanagari vowel signs, Arabic hamza above), so the class
# is built from Unicode categories instead.
_WORD_BLOCKS = (
    (0x0041, 0x007A),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0900, 0x097F),
)


def _word_chars() -> tuple[str, frozenset[str]]:
    """Letters+marks of the word blocks as a regex class body, and the marks."""
    chars: list[str] = []
    marks: set[str] = set()
    for first, last in _WORD_BLOCKS:
        for cp in range(first, last + 1):
            ch = chr(cp)
            cat = unicodedata.category(ch)
            if cat[0] in "LM" and ch != "\u0640":  # tatweel is only a stretcher
                chars.append(ch)
                if cat[0] == "M":
                    marks.add(ch)
    return "".join(chars), frozenset(marks)


_CLASS_BODY, _MARKS = _word_chars()
_LETTER = "[" + re.escape(_CLASS_BODY) + "]"
_LETTER_OR_ZWNJ = "[" + re.escape(_CLASS_BODY) + ZWNJ + "]"
WORD_RE = re.compile(f"{_LETTER}(?:{_LETTER_OR_ZWNJ}*{_LETTER})?")
DATE_LINE_RE = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\s*")


def tokenize(text: str) -> list[str]:
    """Words of letters and marks; a ZWNJ is kept only inside a word."""
    return WORD_RE.findall(text)


def script_of(word: str) -> str:
    """'hi' for Devanagari, 'arabic' for Arabic script, 'latin' otherwise."""
    cp = ord(word[0])
    if 0x0900 <= cp <= 0x097F:
        return "hi"
    if 0x0600 <= cp <= 0x077F:
        return "arabic"
    return "latin"


def detect_lang(text: str) -> str:
    """Seed language by script: Devanagari → hi, Arabic script → fa or ar."""
    devanagari = sum(1 for ch in text if "\u0900" <= ch <= "\u097f")
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    if devanagari > arabic:
        return "hi"
    return "fa" if PERSIAN_ONLY.intersection(text) else "ar"


def read_seed(path: Path) -> str:
    """A seed's text without its leading ' date YYYY-MM-DD' marker."""
    return DATE_LINE_RE.sub("", path.read_text(encoding="utf-8"), count=1)


def seed_word_counts(seed_dir: Path = SEED_DIR) -> dict[str, Counter[str]]:
    """Word frequencies per language, from the seed files in name order."""
    counts: dict[str, Counter[str]] = {lang: Counter() for lang in LANGS}
    for path in sorted(seed_dir.glob("*.txt")):
        text = read_seed(path)
        lang = detect_lang(text)
        script = "hi" if lang == "hi" else "arabic"
        counts[lang].update(w for w in tokenize(text) if script_of(w) == script)
    return counts


# --------------------------------------------------------------------------
# Names: the same entities in each script (entity order = frequency rank)
# --------------------------------------------------------------------------

NAMES: dict[str, tuple[str, ...]] = {
    "hi": ("ट्रंप", "डोनाल्ड ट्रंप", "कजाकिस्तान", "चीन", "रूस", "वाशिंगटन", "उज्बेकिस्तान",
           "ताजिकिस्तान", "तुर्कमेनिस्तान", "किर्गिजस्तान", "पुतिन", "शी जिनपिंग", "टंगस्टन",
           "यूरेनियम", "बोइंग", "समरकंद", "टोकायेव", "मार्को रुबियो", "बाइडेन", "व्हाइट हाउस",
           "मध्य एशिया", "एलन मस्क", "स्टारलिंक", "रॉयटर्स", "कजाखिस्तान", "हावर्ड लुटनिक"),
    "ar": ("ترامب", "دونالد ترامب", "كازاخستان", "الصين", "روسيا", "واشنطن", "أوزبكستان",
           "طاجيكستان", "تركمانستان", "قيرغيزستان", "بوتين", "شي جين بينغ", "التنغستن",
           "اليورانيوم", "بوينغ", "سمرقند", "توكاييف", "ماركو روبيو", "بايدن", "البيت الأبيض",
           "آسيا الوسطى", "إيلون ماسك", "ستارلينك", "رويترز", "قزاقستان", "هوارد لوتنيك"),
    "fa": ("ترمپ", "دونالد ترمپ", "قزاقستان", "چین", "روسیه", "واشنگتن", "ازبکستان",
           "تاجیکستان", "ترکمنستان", "قرقیزستان", "پوتین", "شی جینپینگ", "تنگستن",
           "اورانیوم", "بوئینگ", "سمرقند", "توکایف", "مارکو روبیو", "بایدن", "کاخ سفید",
           "آسیای میانه", "ایلان ماسک", "استارلینک", "رویترز", "کازاخستان", "هاوارد لوتنیک"),
}  # fmt: skip
LATIN_NAMES = ("C5+1", "Kov Kaz Capital Group", "Trump", "Kazakhstan", "Boeing", "Samarkand",
               "AP", "AFP", "Reuters", "WhatsApp", "Starlink", "Rare Earth")  # fmt: skip

# --------------------------------------------------------------------------
# Inflection rules. Each returns (form, affix_rank) pairs; affix_rank 1 is the
# bare stem, higher ranks are rarer affixes (order = rough real frequency).
# --------------------------------------------------------------------------

AR_AFFIXES = (  # (prefix, suffix); no article together with a pronoun suffix
    ("ال", ""), ("و", ""), ("", "ات"), ("ب", ""), ("وال", ""), ("", "ة"), ("ل", ""),
    ("بال", ""), ("", "ي"), ("ال", "ات"), ("", "ها"), ("لل", ""), ("", "ين"), ("", "ون"),
    ("ف", ""), ("ال", "ة"), ("ك", ""), ("ال", "ي"), ("وال", "ات"), ("و", "ها"),
    ("بال", "ة"), ("ال", "ين"), ("ال", "ون"), ("لل", "ات"), ("و", "ات"), ("ب", "ها"),
)  # fmt: skip
AR_DEFINITE = ("وال", "بال", "فال", "كال", "لل", "ال")
AR_SUFFIXES = ("ات", "ون", "ين", "ها", "ة")
AR_CLITICS = ("و", "ف", "ب", "ل", "ك")

# Persian: the plural/comparative suffixes are written both with and without a
# ZWNJ in real text (and the seeds have none at all), so both spellings exist.
FA_AFFIXES = ("ها", "های", "ان", "ی", "تر", "ترین")
FA_ZWNJ_AFFIXES = frozenset({"ها", "های", "تر", "ترین"})
FA_STRIP = ("های", "ترین", "ها")

HI_AFFIXES = ("ों", "ें", "ी", "े", "ा", "ियों")
HI_STRIP = ("ियों", "ों", "ें", "ी", "े", "ा", "ो", "ि", "ु", "ू")
HI_CONSONANTS = frozenset(chr(cp) for cp in range(0x0915, 0x093A)) | frozenset("क़ख़ग़ज़ड़ढ़फ़य़")


def _strip_suffix(word: str, suffixes: Iterable[str], keep: int) -> str:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            return word[: -len(suffix)]
    return word


def _ar_stem(word: str, lexicon: frozenset[str]) -> str:
    for prefix in AR_DEFINITE:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    else:
        # Strip a one-letter clitic only when the rest is itself a seed word:
        # "وزير" must not become "زير".
        if word[:1] in AR_CLITICS and word[1:] in lexicon:
            word = word[1:]
    return _strip_suffix(word, AR_SUFFIXES, keep=3)


def inflect_ar(word: str, lexicon: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    stem = _ar_stem(word, lexicon)
    if len(stem) < 3:
        return []
    base = stem[:-1] if stem.endswith("ة") else stem  # ة drops before a suffix
    forms = [(stem, 1)]
    for rank, (prefix, suffix) in enumerate(AR_AFFIXES, start=2):
        if suffix == "ة" and stem.endswith("ة"):
            continue
        forms.append((prefix + (base + suffix if suffix else stem), rank))
    return forms


def inflect_fa(word: str, lexicon: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    stem = _strip_suffix(word, FA_STRIP, keep=3)
    if len(stem) < 3:
        return []
    forms = [(stem, 1)]
    rank = 2
    for suffix in FA_AFFIXES:
        if suffix in FA_ZWNJ_AFFIXES:
            forms.append((stem + ZWNJ + suffix, rank))
            rank += 1
        forms.append((stem + suffix, rank))
        rank += 1
    return forms


def inflect_hi(word: str, lexicon: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    stem = _strip_suffix(word, HI_STRIP, keep=2)
    # Only consonant-final stems take these endings (not "में", "हैं", "के").
    if len(stem) < 2 or stem[-1] not in HI_CONSONANTS:
        return []
    return [(stem, 1)] + [(stem + s, r) for r, s in enumerate(HI_AFFIXES, start=2)]


INFLECT = {"ar": inflect_ar, "fa": inflect_fa, "hi": inflect_hi}

# Closed-class words are the most frequent seed words, so the stem x affix
# ranking would otherwise make nonsense like "برای‌ترین" or "साथों" common.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "hi": frozenset(
        """के में है और की को से का इन पर ने भी इस कर लिए बीच यह वह जो तो हैं था थी थे
        एक साथ ही नहीं तक कि या अब गया गई हुआ हुई रहा रही रहे करने किया वाले उन उनके उनकी अपने
        बाद लेकर जैसे बात""".split()
    ),
    "ar": frozenset(
        """في من على مع إلى أن إن التي الذي الذين هذه هذا ذلك تلك ما لا لم لن بين عن
        قد كان كانت وقال قال حيث كما أو ثم حتى بعد قبل خلال عند منذ أي كل بعض غير أيضا أيضًا فيما
        وهو وهي هو هي لدى دون مثل""".split()
    ),
    "fa": frozenset(
        """در و به این با از برای را که بر نیز آن تا است شد شده کرد کرده هم اما یا چند
        همین همچنین دیگر خود او ما بود هست نه پس اگر چون زیرا میان کند کنند""".split()
    ),
}

# --------------------------------------------------------------------------
# Pseudo-words: Markov chain over syllable-like units of the seed words
# --------------------------------------------------------------------------

# Aksharas carry more information than Arabic-script letters, so Hindi needs a
# shorter context to make new words rather than copies of seed words.
MARKOV_ORDER = {"hi": 1, "ar": 2, "fa": 2}
# Consecutive repeats after which a chain counts as saturated (at that point
# fewer than ~1% of its words are new).
SATURATED_AFTER = 300
_BOS, _EOS = "\x02", "\x03"


def units(word: str) -> list[str]:
    """Split into aksharas/letters: marks, ZWNJ and post-virama letters attach."""
    out: list[str] = []
    for ch in word:
        if out and (ch in _MARKS or ch == ZWNJ or out[-1][-1] == VIRAMA):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def train_markov(words: Iterable[str], order: int) -> dict[tuple[str, ...], list[str]]:
    """Transition lists, with repeats so a uniform pick follows frequency."""
    table: dict[tuple[str, ...], list[str]] = {}
    for word in words:
        seq = [_BOS] * order + units(word) + [_EOS]
        for i in range(order, len(seq)):
            table.setdefault(tuple(seq[i - order : i]), []).append(seq[i])
    return table


def markov_words(table: dict[tuple[str, ...], list[str]], order: int, rng: Random) -> Iterator[str]:
    """Endless stream of candidate words (may repeat or copy seed words)."""
    while True:
        state = (_BOS,) * order
        out: list[str] = []
        while len(out) < 10:
            choices = table[state]
            nxt = choices[int(rng.random() * len(choices))]  # 2x faster than choice()
            if nxt == _EOS:
                break
            out.append(nxt)
            state = state[1:] + (nxt,)
        word = "".join(out)
        if 3 <= len(word) <= 14 and not word.endswith(ZWNJ):
            yield word


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

# Fixed per-language seeds: the vocabulary is the same whatever --seed is.
VOCAB_SEEDS = {"hi": 1001, "ar": 2002, "fa": 3003}
Candidate = tuple[int, int, str]  # (rank key, stem rank, form)


def _ranked_seed_words(counts: Counter[str], lang: str) -> list[str]:
    """Seed words by frequency, ties alphabetical; names are kept out (they are
    sprinkled at their own rate, else 'Trump' would rank among the top words)."""
    name_words = {w for name in NAMES[lang] for w in name.split()}
    words = [w for w in counts if w not in name_words]
    return sorted(words, key=lambda w: (-counts[w], w))


def _derived(
    stems: Iterable[str], lang: str, lexicon: frozenset[str], first_rank: int
) -> Iterator[Candidate]:
    """(stem_rank * affix_rank, stem_rank, form) for every form of every stem."""
    inflect = INFLECT[lang]
    closed = FUNCTION_WORDS[lang]
    for stem_rank, word in enumerate(stems, start=first_rank):
        forms = [] if word in closed else inflect(word, lexicon)
        # A word no rule applies to is still a stem of its own (pseudo-words).
        for form, affix_rank in forms or [(word, 1)]:
            yield stem_rank * affix_rank, stem_rank, form


def _take_new(candidates: Iterable[Candidate], seen: set[str], quota: int) -> list[Candidate]:
    """The best ``quota`` candidates not yet in ``seen`` (which is updated)."""
    taken: list[Candidate] = []
    for cand in sorted(candidates):
        if len(taken) >= quota:
            break
        if cand[2] not in seen:
            seen.add(cand[2])
            taken.append(cand)
    return taken


def _pseudo_stems(seed_words: list[str], lang: str, seen: set[str]) -> Iterator[str]:
    """Endless stream of new words from the seed words' syllables.

    A chain of order k eventually only repeats itself, so on saturation the
    order drops; order 1 is followed by two-part compounds, which never run out.
    """
    rng = Random(VOCAB_SEEDS[lang])
    fresh = set(seen)
    for order in range(MARKOV_ORDER[lang], 0, -1):
        misses = 0
        for word in markov_words(train_markov(seed_words, order), order, rng):
            if word in fresh:
                misses += 1
                if misses > SATURATED_AFTER:
                    break
                continue
            misses = 0
            fresh.add(word)
            yield word
    halves = markov_words(train_markov(seed_words, 1), 1, rng)
    while True:
        word = next(halves) + next(halves)
        if word not in fresh:
            fresh.add(word)
            yield word


def _pseudo_candidates(
    seed_words: list[str], lang: str, lexicon: frozenset[str], seen: set[str], quota: int
) -> list[Candidate]:
    """Forms of enough pseudo stems to hold the best ``quota`` new candidates.

    Stem i's bare form has key ``first + i``, below every form of any later
    stem, so once ``quota`` new forms have keys <= the last stem's rank, no
    further stem can enter the best ``quota``.
    """
    first = len(seed_words) + 1
    candidates: list[Candidate] = []
    pending: list[tuple[int, str]] = []  # heap of new forms not yet eligible
    eligible: set[str] = set()
    for rank, stem in enumerate(_pseudo_stems(seed_words, lang, seen), start=first):
        for cand in _derived([stem], lang, lexicon, rank):
            candidates.append(cand)
            if cand[2] not in seen:
                heapq.heappush(pending, (cand[0], cand[2]))
        while pending and pending[0][0] <= rank:
            eligible.add(heapq.heappop(pending)[1])
        if len(eligible) >= quota:
            break
    return candidates


def build_vocabulary(counts: Counter[str], lang: str, target: int = VOCAB_TARGET) -> list[str]:
    """The ranked vocabulary of one language (rank 0 = most frequent)."""
    seed_words = _ranked_seed_words(counts, lang)
    lexicon = frozenset(seed_words)
    seen = set(seed_words)
    room = max(0, target - len(seed_words))
    inflected = _take_new(
        _derived(seed_words, lang, lexicon, 1), seen, int(room * INFLECTION_SHARE)
    )
    quota = room - len(inflected)
    candidates = _pseudo_candidates(sorted(seed_words), lang, lexicon, seen, quota)
    pseudo = _take_new(candidates, seen, quota)
    return seed_words + [form for _, _, form in sorted(inflected + pseudo)]


# --------------------------------------------------------------------------
# Language models: everything a document of one language needs, precomputed
# --------------------------------------------------------------------------

DIGITS = {"hi": "०१२३४५६७८९", "ar": "٠١٢٣٤٥٦٧٨٩", "fa": "۰۱۲۳۴۵۶۷۸۹"}
# Share of documents written with the language's own digits (Persian news
# mostly uses them; Hindi and Arabic news mostly use ASCII digits).
NATIVE_DIGITS_SHARE = {"hi": 0.15, "ar": 0.30, "fa": 0.75}


@dataclass(frozen=True)
class LanguageModel:
    lang: str
    words: list[str]
    cum_weights: list[float]
    names: tuple[str, ...]
    name_cum_weights: list[float]
    digits: dict[int, int]
    comma: str
    question: str
    quotes: tuple[str, str]
    paragraph_sentences: tuple[int, int]


def zipf_cum_weights(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / r**exponent for r in range(1, n + 1)))


def _model(lang: str, counts: Counter[str]) -> LanguageModel:
    words = build_vocabulary(counts, lang)
    arabic_script = lang != "hi"
    return LanguageModel(
        lang=lang,
        words=words,
        cum_weights=zipf_cum_weights(len(words), ZIPF_EXPONENT),
        names=NAMES[lang],
        name_cum_weights=zipf_cum_weights(len(NAMES[lang]), 0.8),
        digits=str.maketrans("0123456789", DIGITS[lang]),
        comma="،" if arabic_script else ",",
        question="؟" if arabic_script else "?",
        quotes=("«", "»") if lang == "fa" else ("\u201c", "\u201d") if lang == "ar" else ('"', '"'),
        # Arabic and Persian wire copy has one- or two-sentence paragraphs.
        paragraph_sentences=(2, 5) if lang == "hi" else (1, 3),
    )


@functools.lru_cache(maxsize=4)
def language_models(seed_dir: Path = SEED_DIR) -> dict[str, LanguageModel]:
    """Models for all languages; cached because building takes ~1 s."""
    counts = seed_word_counts(seed_dir)
    return {lang: _model(lang, counts[lang]) for lang in LANGS}


def vocabulary_sizes() -> dict[str, int]:
    return {lang: len(m.words) for lang, m in language_models().items()}


# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DocStyle:
    """Per-document choices: real articles are consistent within themselves."""

    native_digits: bool
    full_stop: str


def _number(rng: Random, model: LanguageModel, style: DocStyle) -> str:
    r = rng.random()
    if r < 0.3:
        text = str(rng.randint(2000, 2025))
    elif r < 0.6:
        text = str(rng.randint(1, 99))
    elif r < 0.8:
        text = f"{rng.randint(1, 99)}.{rng.randint(1, 9)}"
    elif model.lang == "fa":
        text = f"{rng.randint(1, 99)} درصد"
    else:
        sign = "٪" if model.lang == "ar" and style.native_digits else "%"
        text = f"{rng.randint(1, 99)}{sign}"
    return text.translate(model.digits) if style.native_digits else text


def _name(rng: Random, model: LanguageModel) -> str:
    if rng.random() < 0.04:
        return rng.choice(LATIN_NAMES)
    name = rng.choices(model.names, cum_weights=model.name_cum_weights)[0]
    # Arabic writes the conjunction attached: "وكازاخستان".
    if model.lang == "ar" and " " not in name and rng.random() < 0.15:
        name = "و" + name
    return name


def _words(rng: Random, model: LanguageModel, style: DocStyle, n: int) -> list[str]:
    words = rng.choices(model.words, cum_weights=model.cum_weights, k=n)
    if rng.random() < 0.35:
        words[rng.randrange(n)] = _name(rng, model)
    if rng.random() < 0.15:
        words[rng.randrange(n)] = _name(rng, model)
    if rng.random() < 0.2:
        words[rng.randrange(n)] = _number(rng, model, style)
    return words


def sentence(rng: Random, model: LanguageModel, style: DocStyle) -> str:
    n = int(rng.triangular(8, 31, 15))  # 8..30 words, mode ~15
    words = _words(rng, model, style, n)
    if rng.random() < 0.5:
        words[rng.randrange(2, n - 3)] += model.comma
    if rng.random() < 0.06:
        i = rng.randrange(1, n - 4)
        j = i + rng.randint(1, 3)
        words[i] = model.quotes[0] + words[i]
        words[j] = words[j] + model.quotes[1]
    end = model.question if rng.random() < 0.04 else style.full_stop
    return " ".join(words) + end


def title(rng: Random, model: LanguageModel, style: DocStyle) -> str:
    n = rng.randint(5, 12)
    words = _words(rng, model, style, n)
    if rng.random() < 0.5:
        words[rng.randrange(n)] = _name(rng, model)
    return " ".join(words) + (model.question if rng.random() < 0.05 else "")


def body(rng: Random, model: LanguageModel, style: DocStyle, target_bytes: int) -> str:
    """Paragraphs of sentences until the UTF-8 size reaches ``target_bytes``."""
    lo, hi = model.paragraph_sentences
    paragraphs: list[str] = []
    size = 0
    while size < target_bytes:
        sentences: list[str] = []
        for _ in range(rng.randint(lo, hi)):
            s = sentence(rng, model, style)
            sentences.append(s)
            size += len(s.encode("utf-8")) + 1
            if size >= target_bytes:
                break
        paragraphs.append(" ".join(sentences))
        size += 1  # "\n\n" replaces the last sentence's space
    return "\n\n".join(paragraphs)


def _pick_lang(rng: Random) -> str:
    r = rng.random()
    return next(lang for lang, cum in zip(LANGS, LANG_CUM_SHARE, strict=True) if r < cum)


def document(rng: Random, number: int, models: dict[str, LanguageModel]) -> dict[str, str]:
    lang = _pick_lang(rng)
    model = models[lang]
    native = rng.random() < NATIVE_DIGITS_SHARE[lang]
    full_stop = "।" if lang == "hi" and rng.random() < 0.6 else "."
    style = DocStyle(native_digits=native, full_stop=full_stop)
    size = min(MAX_TEXT_BYTES, max(MIN_TEXT_BYTES, rng.lognormvariate(SIZE_MU, SIZE_SIGMA)))
    day = date.fromordinal(FIRST_DATE + rng.randrange(N_DAYS))
    return {
        "id": f"gen-{number:07d}",
        "title": title(rng, model, style),
        "text": body(rng, model, style, int(size)),
        "lang": lang,
        "date": day.isoformat(),
    }


def generate(n_docs: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """``n_docs`` documents; the same (n_docs, seed) always gives the same ones."""
    models = language_models()
    rng = Random(seed)
    for number in range(1, n_docs + 1):
        yield document(rng, number, models)


def _write_lines(out: BinaryIO, n_docs: int, seed: int) -> dict[str, int]:
    stats = Counter({"docs": 0, "text_bytes": 0, "text_chars": 0, "file_bytes": 0})
    for doc in generate(n_docs, seed):
        line = (json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8")
        out.write(line)
        stats["docs"] += 1
        stats["text_bytes"] += len(doc["text"].encode("utf-8"))
        stats["text_chars"] += len(doc["text"])
        stats["file_bytes"] += len(line)
        stats[f"lang_{doc['lang']}"] += 1
    return dict(stats)


def write_corpus(path: str | Path, n_docs: int, seed: int = 0) -> dict[str, int]:
    """Write the corpus as JSON Lines to ``path`` ('-' = stdout); return counts:
    docs, text_bytes (UTF-8 bytes of all texts), text_chars, file_bytes, lang_*."""
    if str(path) == "-":
        stats = _write_lines(sys.stdout.buffer, n_docs, seed)
        sys.stdout.buffer.flush()
        return stats
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        return _write_lines(out, n_docs, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default="-", help="output file; '-' (default) is stdout")
    args = parser.parse_args(argv)
    if args.docs < 0:
        parser.error("--docs must be >= 0")
    start = time.perf_counter()
    try:
        stats = write_corpus(args.out, args.docs, args.seed)
    except BrokenPipeError:
        # `corpus.py --docs N | head`: stop quietly, as other CLI tools do;
        # point stdout at devnull so the interpreter's final flush cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    elapsed = time.perf_counter() - start
    per_doc = stats["text_bytes"] / max(1, stats["docs"])
    print(
        f"{stats['docs']} docs, {stats['text_bytes']} text bytes ({per_doc:.0f}/doc), "
        f"vocabulary {vocabulary_sizes()}, {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
