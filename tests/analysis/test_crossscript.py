"""Cross-script keys: one key for a name however it is written.

Keys are read from the key stream of the analyzer (``key_analyzer``), as the
index sees them, so that stopwords and Arabic clitics are gone before the
transliteration.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from search.analysis import Analysis, LangText, detect_language, key_analyzer
from search.analysis.crossscript import (
    MIN_KEY_LENGTH,
    CrossScriptKeyFilter,
    english_sounds,
    key_term,
    key_variants,
    script_key,
    skeleton,
    split_key_term,
)

SEEDS = sorted((Path(__file__).parents[2] / "seeds").glob("*.txt"))
KEYS = key_analyzer()


def key_of(word: str, lang: str | None = None) -> str:
    """The key under which the index stores a one-word text, or "" for none."""
    terms = [t.text for t in KEYS(LangText(word, lang))]
    assert len(terms) <= 1, f"{word!r} is more than one word"
    return split_key_term(terms[0])[0] if terms else ""


def script_key_of(word: str, lang: str | None = None) -> str:
    """The key the word shares with the other spellings of its script, or ""."""
    terms = [t.text for t in KEYS(LangText(word, lang))]
    return script_key(terms[0]) if terms else ""


def consonants(key: str) -> int:
    return sum(ch.isalpha() for ch in key)


# Each row: one name in every spelling the corpus or a reader may use.
EQUIVALENT = [
    pytest.param(
        [("tungsten", "en"), ("تنگستن", "fa"), ("टंगस्टन", "hi")],
        id="tungsten",
    ),
    pytest.param(
        [("Boeing", "en"), ("بوئینگ", "fa"), ("बोइंग", "hi")],
        id="boeing",
    ),
    pytest.param(
        [("Trump", "en"), ("ترامب", "ar"), ("ترمپ", "fa"), ("ट्रंप", "hi"), ("ट्रम्प", "hi")],
        id="trump",
    ),
    pytest.param(
        [
            ("Kazakhstan", "en"),
            ("قزاقستان", "fa"),
            ("كازاخستان", "ar"),
            ("कजाकिस्तान", "hi"),
            ("कजाखिस्तान", "hi"),
        ],
        id="kazakhstan",
    ),
    pytest.param(
        [("Uzbekistan", "en"), ("وأوزبكستان", "ar"), ("ازبکستان", "fa"), ("उज्बेकिस्तान", "hi")],
        id="uzbekistan-after-wa",
    ),
    pytest.param(
        [("Turkmenistan", "en"), ("تركمانستان", "ar"), ("तुर्कमेनिस्तान", "hi")],
        id="turkmenistan",
    ),
    pytest.param(
        [("Tajikistan", "en"), ("طاجيكستان", "ar"), ("تاجیکستان", "fa"), ("ताजिकिस्तान", "hi")],
        id="tajikistan",
    ),
    pytest.param([("Samarkand", "en"), ("समरकंद", "hi"), ("سمرقند", "ar")], id="samarkand"),
    pytest.param([("computer", "en"), ("कंप्यूटर", "hi"), ("کامپیوتر", "fa")], id="computer"),
    pytest.param([("Biden", "en"), ("بايدن", "ar"), ("بایدن", "fa"), ("बाइडेन", "hi")], id="biden"),
    pytest.param(
        [("uranium", "en"), ("اليورانيوم", "ar"), ("لليورانيوم", "ar")],
        id="uranium-after-article",
    ),
    pytest.param(
        [("France", "en"), ("فرنسا", "ar"), ("فرانسه", "fa"), ("फ्रांस", "hi")],
        id="france-initial-feh",
    ),
    pytest.param(
        [("Venezuela", "en"), ("ونزوئلا", "fa"), ("वेनेजुएला", "hi")],
        id="venezuela-initial-waw-in-persian",
    ),
]


@pytest.mark.parametrize("spellings", EQUIVALENT)
def test_spellings_share_one_key(spellings):
    keys = {word: key_of(word, lang) for word, lang in spellings}
    assert all(keys.values()), keys
    assert len(set(keys.values())) == 1, keys


def test_different_names_have_different_keys():
    keys = {}
    for row in EQUIVALENT:
        word, lang = row.values[0][0]
        keys[word] = key_of(word, lang)
    for (a, key_a), (b, key_b) in itertools.combinations(keys.items(), 2):
        assert key_a != key_b, (a, b)


def test_article_is_removed_before_transliteration():
    # Through the analyzer, the article and the preposition go first ...
    assert key_of("اليورانيوم", "ar") == key_of("لليورانيوم", "ar") == key_of("uranium")
    # ... on the raw word the article's l would be part of the key.
    assert split_key_term(key_term("اليورانيوم"))[0] != key_of("uranium")
    assert split_key_term(key_term("يورانيوم"))[0] == key_of("uranium")


# No key: a number, or a stopword.
NO_KEY = [
    pytest.param("2025", "en", id="number"),
    pytest.param("۳.۰۷", "fa", id="decimal"),
    pytest.param("في", "ar", id="stopword-ar"),
    pytest.param("the", "en", id="stopword-en"),
]


@pytest.mark.parametrize("word, lang", NO_KEY)
def test_no_key(word, lang):
    assert key_of(word, lang) == ""


# A key, but none shared with the script: too short to tell its words apart.
NO_SCRIPT_KEY = [
    pytest.param("pizza", "en", id="short-pizza"),
    pytest.param("Iraq", "en", id="short-iraq"),
    pytest.param("عراق", "ar", id="short-arabic"),
    pytest.param("C5", "en", id="letter-digit"),
]


@pytest.mark.parametrize("word, lang", NO_SCRIPT_KEY)
def test_short_keys_are_kept_for_candidates_but_not_shared(word, lang):
    assert key_of(word, lang) and script_key_of(word, lang) == ""


@pytest.mark.parametrize("word", ["uranium", "tungsten", "Trump", "تنگستن", "समरकंद"])
def test_every_shared_key_has_enough_consonants(word):
    assert consonants(script_key_of(word).partition("#")[0]) >= MIN_KEY_LENGTH


def test_a_key_term_holds_its_word_and_the_shared_key_its_script():
    assert key_term("تنگستن") == "tngstn|تنگستن"
    assert script_key("tngstn|تنگستن") == "tngstn#a"
    assert script_key("tngstn|टंगस्टन") == "tngstn#d"
    assert script_key("tngstn|tungsten") == "tngstn#l"


# Variants: where another spelling of the word may stand.
VARIANTS = [
    pytest.param("starlink", "_strlnk", id="prothetic-alef"),  # استارلینک
    pytest.param("استارلینک", "strlnk", id="prothetic-alef-dropped"),
    pytest.param("driss", "_drs", id="prothetic-alef-before-any-cluster"),  # إدريس
    pytest.param("vasily", "fsl", id="v-as-feh"),  # فاسيلي
    pytest.param("ludwig", "ldfg", id="w-as-feh"),  # لودفيغ
    pytest.param("school", "skl", id="sch-as-sk"),  # स्कूल
    pytest.param("chris", "krs", id="ch-as-k"),  # क्रिस
]


@pytest.mark.parametrize("word, variant", VARIANTS)
def test_key_variants(word, variant):
    assert variant in key_variants(word)


def test_key_filter_drops_digits():
    assert CrossScriptKeyFilter().apply("2025", None) == ""


# Sound classes: each row two transliterations that must share a skeleton.
SOUND_CLASSES = [
    pytest.param("qatar", "katar", id="q-is-k"),
    pytest.param("jazira", "zazira", id="j-is-z"),
    pytest.param("trumb", "trump", id="b-is-p"),
    pytest.param("tungsten", "tangastana", id="vowels-dropped"),
    pytest.param("tngstn", "tangastana", id="arabic-script-skeleton"),
    pytest.param("kazakh", "kazak", id="kh-is-k"),
    pytest.param("phala", "fala", id="ph-is-f"),
    pytest.param("sawyer", "sar", id="w-y-dropped"),
    pytest.param("ttrrmmpp", "trmp", id="repeats-collapsed"),
    pytest.param("T-r-u-m-p", "trump", id="non-letters-dropped"),
]


@pytest.mark.parametrize("a, b", SOUND_CLASSES)
def test_sound_classes(a, b):
    assert skeleton(a) == skeleton(b)


# English spelling to sounds, before the skeleton.
ENGLISH_SPELLING = [
    pytest.param("schmidt", "šmidt", id="sch"),
    pytest.param("china", "čina", id="ch"),
    pytest.param("shah", "šah", id="sh"),
    pytest.param("phosphate", "fosfate", id="ph"),
    pytest.param("check", "ček", id="ck"),
    pytest.param("quartz", "kwartz", id="qu"),
    pytest.param("xylophone", "ksylofone", id="x"),
    pytest.param("cerium", "serium", id="soft-c"),
    pytest.param("democracy", "demokrasy", id="soft-and-hard-c"),
    pytest.param("computer", "komputer", id="hard-c"),
]


@pytest.mark.parametrize("word, sounds", ENGLISH_SPELLING)
def test_english_spelling(word, sounds):
    assert english_sounds(word) == sounds


@pytest.fixture(scope="module")
def seed_keys() -> dict[str, set[str]]:
    """Every key of every token of the seed files, with the words behind it."""
    analysis = Analysis()
    keys: dict[str, set[str]] = {}
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        for token in analysis.tokens(text, detect_language(text)):
            if token.key:
                keys.setdefault(split_key_term(token.key)[0], set()).add(token.surface)
    return keys


def test_the_seeds_are_there():
    assert len(SEEDS) == 5


@pytest.mark.parametrize(
    "name, seed_word",
    [
        pytest.param("tungsten", "تنگستن", id="tungsten"),
        pytest.param("Trump", "ترامب", id="trump"),
        pytest.param("Kazakhstan", "कजाखिस्तान", id="kazakhstan"),
        pytest.param("uranium", "لليورانيوم", id="uranium"),
        pytest.param("Samarkand", "समरकंद", id="samarkand"),
        pytest.param("computer", "कंप्यूटर", id="computer"),
    ],
)
def test_seed_names_are_found_by_key(seed_keys, name, seed_word):
    assert seed_word in seed_keys.get(key_of(name), set())


@pytest.mark.parametrize("word", ["pizza", "xylophone", "democracy"])
def test_words_absent_from_the_seeds_match_no_seed_key(seed_keys, word):
    key = key_of(word)
    assert key not in seed_keys, seed_keys.get(key)


# -- words being typed


@pytest.mark.parametrize(
    "typed, keys",
    [
        ("tung", ("tng", "tnz")),  # g also read as j
        ("trum", ("trm",)),
        ("sc", ("_sk", "s")),  # sc may become sch, read s: s covers sk
        ("star", ("_str", "str")),  # استارلینک: an alef before s + consonant
        ("टं", ("t",)),  # the anusvara is read by the letter after it
        ("टंग", ("tng",)),
    ],
)
def test_prefix_keys(typed, keys):
    from search.analysis.crossscript import prefix_keys

    assert prefix_keys(typed) == keys


def test_prefix_similarity_reads_the_best_beginning():
    from search.analysis.crossscript import transliteration
    from search.analysis.similarity import prefix_similarity, similarity

    # Arabic script writes no short vowels: tung is as alike to tngstn's tng as to tang
    assert prefix_similarity("tung", transliteration("تنگستن")) > 0.9
    assert prefix_similarity("tung", transliteration("टंगस्टन")) > 0.9
    assert similarity("tung", transliteration("تنگستن")) < 0.5
    assert prefix_similarity("tung", "twns") < 0.8  # تونس, Tunisia
    assert prefix_similarity("", "tng") == prefix_similarity("tung", "") == 0.0


def test_similarities_of_many_words_are_those_of_each():
    from search.analysis.similarity import (
        prefix_similarities,
        prefix_similarity,
        similarities,
        similarity,
    )

    words = ["tngstn", "tangastana", "tng", "", "tramb", "trampa", "trmp", "tngstn", "x" * 30]
    for typed in ("tung", "trum", "t", "tungstenium", "aa"):
        assert prefix_similarities(typed, words) == [prefix_similarity(typed, w) for w in words]
        assert similarities(typed, words) == [similarity(typed, w) for w in words]
    assert prefix_similarities("", words) == similarities("", words) == [0.0] * len(words)
