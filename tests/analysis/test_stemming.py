"""The stem stream: light stemmers per language, stopwords, query-side variants.

The tables of the light stemmers ask for them by name (``"light"``), whatever
the default set is; the clitic rows are also run on the default stem stream,
since docs/languages.md requires those matches of the index as built.
"""

from __future__ import annotations

import pytest

from search.analysis import Analysis, LangText, arabic, hindi, persian, stem_analyzer
from search.analysis.analyzers import ENGLISH_STOPWORDS
from search.analysis.persian import MIN_COMPOUND_PART, compound_splits
from search.analysis.stemming import (
    DEFAULT_STEMMERS,
    STEMMERS,
    LanguageStemFilter,
    language_of_term,
    stem,
    stem_variants,
)

ZWNJ = "\u200c"


@pytest.fixture(scope="module")
def light_token():
    """The only token of a one-word text, analysed with the light stemmers."""
    light = Analysis("light")

    def light_token(text: str, lang: str | None = None):
        tokens = light.tokens(text, lang)
        assert len(tokens) == 1, [t.surface for t in tokens]
        return tokens[0]

    return light_token


# Arabic clitics: the word with its clitics and without have one stem.
ARABIC_CLITICS = [
    pytest.param("وأوزبكستان", "أوزبكستان", "اوزبكست", id="wa-conjunction"),
    pytest.param("لليورانيوم", "اليورانيوم", "يورانيوم", id="lil-preposition-article"),
    pytest.param("بالبيت", "البيت", "بيت", id="bal-preposition-article"),
    pytest.param("والكتاب", "الكتاب", "كتاب", id="wal-conjunction-article"),
    pytest.param("فالكتاب", "الكتاب", "كتاب", id="fal-conjunction-article"),
    pytest.param("كالكتاب", "الكتاب", "كتاب", id="kal-preposition-article"),
    pytest.param("وبالبيت", "البيت", "بيت", id="wa-then-bal"),
    pytest.param("وللبيت", "البيت", "بيت", id="wa-then-lil"),
    pytest.param("البيت", "بيت", "بيت", id="al-article"),
    pytest.param(
        "وفرنسا",
        "فرنسا",
        "فرنسا",
        id="bare-feh-is-not-a-clitic",
    ),
]

# Arabic suffixes (light10), on folded terms: ة is ه, ى is ي by now.
ARABIC_SUFFIXES = [
    pytest.param("كتابها", "كتاب", id="ha"),
    pytest.param("معلمان", "معلم", id="an"),
    pytest.param("معلومات", "معلوم", id="at"),
    pytest.param("معلمون", "معلم", id="un"),
    pytest.param("معلمين", "معلم", id="in"),
    pytest.param("اتفاقية", "اتفاق", id="iya-teh-marbuta"),
    pytest.param("اتفاقيه", "اتفاق", id="iya-heh"),
    pytest.param("كتابه", "كتاب", id="heh"),
    pytest.param("مدرسة", "مدرس", id="teh-marbuta"),
    pytest.param("عربي", "عرب", id="yeh"),
    pytest.param("الفلسطينيون", "فلسطين", id="article-then-un-then-yeh"),
]

# Light10's guards: what looks like a clitic or suffix on a short word stays.
ARABIC_GUARDS = [
    pytest.param("ولد", "ولد", id="wa-needs-four-letters"),
    pytest.param("فوز", "فوز", id="fa-needs-four-letters"),
    pytest.param("الم", "الم", id="article-leaves-two-letters"),
    pytest.param("نها", "نها", id="suffix-leaves-two-letters"),
]

# Persian suffixes, one per word, on a document whose language is fa.
PERSIAN_SUFFIXES = [
    pytest.param("کشورها", "كشور", id="ha"),
    pytest.param("کشورهای", "كشور", id="hay"),
    pytest.param("کتابهای", "كتاب", id="hay-joined"),
    pytest.param("پسران", "پسر", id="an"),
    pytest.param("اطلاعات", "اطلاع", id="at"),
    pytest.param("بزرگتر", "بزرگ", id="tar"),
    pytest.param("بزرگترین", "بزرگ", id="tarin"),
    pytest.param("خوبی", "خوب", id="yeh"),
    pytest.param("دختر", "دختر", id="guard-three-letter-stem"),
    pytest.param("نان", "نان", id="guard-short-word"),
]

XFAIL_PERSIAN_YAN = pytest.mark.xfail(
    strict=True,
    reason="Persian light stemmer strips one suffix: -یان leaves the glide ی "
    "(دانشجویان -> دانشجوي, not دانشجو)",
)
# Persian: plural and singular have one stem.
PERSIAN_EQUIVALENCES = [
    pytest.param("کشورها", "کشور", id="plural-ha"),
    pytest.param("کتابهای", "کتاب", id="plural-hay"),
    pytest.param("دانشجویان", "دانشجو", id="plural-yan", marks=XFAIL_PERSIAN_YAN),
    pytest.param("ایرانیان", "ایرانی", id="plural-an-after-yeh", marks=XFAIL_PERSIAN_YAN),
]

# Hindi inflection suffixes.
HINDI_SUFFIXES = [
    pytest.param("देशों", "देश", id="on"),
    pytest.param("किताबें", "किताब", id="en"),
    pytest.param("लड़कियों", "लडक", id="iyon"),
    pytest.param("लड़कियां", "लडक", id="iyan-anusvara"),
    pytest.param("लड़कियाँ", "लडक", id="iyan-chandrabindu"),
    pytest.param("लड़का", "लडक", id="aa"),
    pytest.param("लड़के", "लडक", id="e"),
    pytest.param("करेंगे", "कर", id="enge"),
    pytest.param("बच्चों", "बच्च", id="on-after-conjunct"),
    pytest.param("राष्ट्रपतियों", "राष्ट्रपत", id="iyon-long-word"),
    pytest.param("खाओ", "खाओ", id="guard-short-word"),
]


@pytest.mark.parametrize("with_clitic, bare, expected", ARABIC_CLITICS)
def test_arabic_clitics(light_token, with_clitic, bare, expected):
    assert light_token(with_clitic, "ar").stem == expected
    assert light_token(bare, "ar").stem == expected


@pytest.mark.parametrize("word, expected", ARABIC_SUFFIXES)
def test_arabic_suffixes(light_token, word, expected):
    assert light_token(word, "ar").stem == expected


@pytest.mark.parametrize("word, expected", ARABIC_GUARDS)
def test_arabic_guards(light_token, word, expected):
    assert light_token(word, "ar").stem == expected


@pytest.mark.parametrize("word, expected", PERSIAN_SUFFIXES)
def test_persian_suffixes(light_token, word, expected):
    assert light_token(word, "fa").stem == expected


@pytest.mark.parametrize("inflected, base", PERSIAN_EQUIVALENCES)
def test_persian_inflected_and_base_share_a_stem(light_token, inflected, base):
    assert light_token(inflected, "fa").stem == light_token(base, "fa").stem


@pytest.mark.parametrize("word, expected", HINDI_SUFFIXES)
def test_hindi_suffixes(light_token, word, expected):
    assert light_token(word, "hi").stem == expected


# docs/languages.md: a query for the bare word must find the word with its
# clitics, in the index as built (the default stemmers).
DEFAULT_CLITICS = [
    pytest.param("لليورانيوم", "اليورانيوم", id="lil"),
    pytest.param("بالبيت", "البيت", id="bal"),
    pytest.param("كالكتاب", "الكتاب", id="kal"),
    pytest.param("وكازاخستان", "كازاخستان", id="wa-before-consonant"),
    pytest.param("وأوزبكستان", "أوزبكستان", id="wa-before-alef"),
    pytest.param("والكتاب", "الكتاب", id="wal"),
    pytest.param("فالكتاب", "الكتاب", id="fal"),
    pytest.param("وبالبيت", "البيت", id="wa-then-bal"),
]


@pytest.mark.parametrize("with_clitic, bare", DEFAULT_CLITICS)
def test_default_stem_stream_matches_clitic_forms(only_token, with_clitic, bare):
    assert only_token(with_clitic, "ar").stem == only_token(bare, "ar").stem


# A preposition joined to a noun without the article (docs/languages.md: ب ل
# ك before the word) comes off the stem, in both stemmer sets, when the stem
# it leaves has at least arabic.MIN_PREPOSITION_STEM letters.
ARABIC_PREPOSITIONS = [
    pytest.param("لطريق", "طريق", id="li"),
    pytest.param("بطريق", "طريق", id="bi"),
    pytest.param("كطريق", "طريق", id="ka"),
    pytest.param("ولطريق", "طريق", id="wa-then-li"),
    pytest.param("وبطريق", "طريق", id="wa-then-bi"),
    pytest.param("لكازاخستان", "كازاخستان", id="li-before-a-kaf-word"),
    pytest.param("لكتابه", "كتابه", id="li-then-suffix"),
    pytest.param("لمدرسة", "مدرسة", id="li-before-a-suffixed-word"),
]


@pytest.mark.parametrize("stemmers", ["best", "light", "snowball"])
@pytest.mark.parametrize("with_clitic, bare", ARABIC_PREPOSITIONS)
def test_preposition_before_a_noun_without_the_article(with_clitic, bare, stemmers):
    assert stem(with_clitic, "ar", stemmers) == stem(bare, "ar", stemmers)


# What a preposition would leave is too short to be the word: the letter stays.
# And a word with the article keeps the letter after it.
ARABIC_PREPOSITION_GUARDS = [
    pytest.param("كتاب", "كتاب", id="kaf-root-letter-of-a-four-letter-word"),
    pytest.param("كبير", "كبير", id="kaf-before-three-letters"),
    pytest.param("لجنه", "لجن", id="lam-then-suffix-leaves-two"),
    pytest.param("الكتاب", "كتاب", id="article-then-kaf-word"),
    pytest.param("بالكتاب", "كتاب", id="bal-then-kaf-word"),
]


@pytest.mark.parametrize("word, expected", ARABIC_PREPOSITION_GUARDS)
def test_preposition_guards(word, expected):
    assert stem(word, "ar", "best") == expected


def test_the_key_keeps_a_joined_preposition(only_token):
    # a key of three or four consonants would lose one to every word with ل ب ك
    assert only_token("لطريق", "ar").key != only_token("طريق", "ar").key


# The stemmer's language: the term's script, then the document's language,
# then (no language given) Persian-only letters.
LANGUAGE_OF_TERM = [
    pytest.param("كتابهاي", "ar", "ar", id="arabic-doc"),
    pytest.param("كتابهاي", "fa", "fa", id="persian-doc"),
    pytest.param("كتابهاي", None, "ar", id="no-language-arabic-letters"),
    pytest.param("پسران", None, "fa", id="no-language-persian-letters"),
    pytest.param("پسران", "ar", "ar", id="document-language-wins"),
    pytest.param("देशों", "ar", "hi", id="devanagari-in-any-doc"),
    pytest.param("countries", "fa", "en", id="latin-in-persian-doc"),
    pytest.param("αθηνα", None, None, id="other-script"),
]


@pytest.mark.parametrize("term, lang, language", LANGUAGE_OF_TERM)
def test_language_of_term(term, lang, language):
    assert language_of_term(term, lang) == language


LIGHT_STEM_FILTER = [
    # light10 takes ي, then the ك before the five letters left, as a preposition
    pytest.param("كتابهاي", "ar", "تابها", id="arabic-doc"),
    pytest.param("كتابهاي", "fa", "كتاب", id="persian-doc"),
    pytest.param("لليورانيوم", "fa", "لليورانيوم", id="persian-keeps-arabic-clitics"),
    pytest.param("देशों", "ar", "देश", id="devanagari"),
    pytest.param("countries", "fa", "countri", id="latin"),
    pytest.param("2025", "ar", "2025", id="number-not-stemmed"),
    pytest.param("3.07", None, "3.07", id="decimal-not-stemmed"),
    pytest.param("αθηνα", None, "αθηνα", id="other-script-unchanged"),
]


@pytest.mark.parametrize("term, lang, expected", LIGHT_STEM_FILTER)
def test_language_stem_filter(term, lang, expected):
    assert LanguageStemFilter("light").apply(term, lang) == expected


# Stopwords: kept in exact, dropped from the stem and key streams.
STOPWORDS = [
    pytest.param("في", "ar", "في", id="ar-fi"),
    pytest.param("وفي", "ar", "وفي", id="ar-wa-fi"),
    pytest.param("إلى", "ar", "الي", id="ar-ila-folded"),
    pytest.param("هذه", "ar", "هذه", id="ar-hadhihi"),
    pytest.param("از", "fa", "از", id="fa-az"),
    pytest.param("این", "fa", "اين", id="fa-in"),
    pytest.param("की", "hi", "की", id="hi-ki"),
    pytest.param("में", "hi", "में", id="hi-men"),
    pytest.param("कहाँ", "hi", "कहां", id="hi-chandrabindu-stopword"),
    pytest.param("The", "en", "the", id="en-the"),
]


@pytest.mark.parametrize("word, lang, exact", STOPWORDS)
def test_stopwords(only_token, word, lang, exact):
    token = only_token(word, lang)
    assert (token.exact, token.stem, token.key) == (exact, "", "")


@pytest.mark.parametrize(
    "words",
    [
        pytest.param(arabic._STOPWORDS.split(), id="arabic"),
        pytest.param(persian._STOPWORDS.split(), id="persian"),
        pytest.param(hindi._STOPWORDS.split(), id="hindi"),
        pytest.param(sorted(ENGLISH_STOPWORDS), id="english"),
    ],
)
def test_every_listed_stopword_is_dropped_as_written(only_token, words):
    # The lists are written plainly and folded at import; a word that the
    # text's normalisation spells differently would slip through.
    kept = [w for w in words if only_token(w).stem or only_token(w).key]
    assert not kept


@pytest.mark.parametrize(
    "word, lang",
    [
        pytest.param("ترامب", "ar", id="ar-name"),
        pytest.param("فيلم", "ar", id="ar-starts-like-stopword-fi"),
        pytest.param("إمام", "ar", id="ar-imam"),
    ],
)
def test_content_words_are_not_stopwords(only_token, word, lang):
    assert only_token(word, lang).stem


def test_stopwords_leave_position_gaps_in_the_stem_stream():
    text = LangText("الرئيس في البيت", "ar")
    assert [t.pos for t in stem_analyzer()(text, positions=True)] == [0, 2]
    tokens = [(t.text, t.pos) for t in stem_analyzer("light")(text, positions=True)]
    assert tokens == [("رئيس", 0), ("بيت", 2)]


# A query's language is unknown: an Arabic-script term asks for both stems.
LIGHT_VARIANTS = [
    pytest.param("كتابهاي", ["تابها", "كتاب"], id="ar-and-fa-differ"),
    pytest.param("لليورانيوم", ["يورانيوم", "لليورانيوم"], id="only-ar-strips-clitics"),
    pytest.param("كشورها", ["كشور"], id="ar-and-fa-agree"),
    pytest.param("देशों", ["देश"], id="devanagari-one"),
    pytest.param("countries", ["countri"], id="latin-one"),
]


@pytest.mark.parametrize("term, expected", LIGHT_VARIANTS)
def test_stem_variants(term, expected):
    assert stem_variants(term, "light") == expected


@pytest.mark.parametrize("term", ["كتابهاي", "لليورانيوم", "پسران", "كشورها"])
def test_default_stem_variants_are_the_ar_and_fa_stems(term):
    expected = {stem(term, "ar"), stem(term, "fa")}
    assert set(stem_variants(term)) == expected
    assert len(stem_variants(term)) == len(expected)


@pytest.mark.parametrize(
    "surface, expected",
    [
        pytest.param(f"کتاب{ZWNJ}های", ["تابها", "كتاب"], id="normalised-first"),
        pytest.param("في", [], id="stopword"),
        pytest.param("Countries", ["countri"], id="latin"),
    ],
)
def test_query_stems(surface, expected):
    assert Analysis("light").query_stems(surface) == expected


@pytest.mark.parametrize(
    "term, lang, expected",
    [
        pytest.param("اليورانيوم", "ar", "يورانيوم", id="ar"),
        pytest.param("كتابهاي", "fa", "كتاب", id="fa-arabic-letters-in-and-out"),
        pytest.param("देशों", "hi", "देश", id="hi"),
        pytest.param("countries", "en", "countri", id="en"),
    ],
)
def test_snowball_stemmers(term, lang, expected):
    assert stem(term, lang, "snowball") == expected


@pytest.mark.parametrize("name", sorted(STEMMERS))
def test_every_stemmer_set_covers_every_language(name):
    assert set(STEMMERS[name]) == {"ar", "fa", "hi", "en"}


def test_the_default_stemmer_set_exists():
    assert DEFAULT_STEMMERS in STEMMERS


def test_snowball_stem_analyzer():
    text = LangText("دانشجویان کشورها", "fa")
    assert [t.text for t in stem_analyzer("snowball")(text)] == ["دانشجو", "كشور"]


# A Persian compound written joined is also read as its two parts, at every
# seam leaving parts of at least MIN_COMPOUND_PART letters (on folded text):
# the seam the ZWNJ or space spelling has is among them.
COMPOUND_SPLITS = [
    pytest.param("رئیسجمهور", ("رئیس", "جمهور"), id="president"),
    pytest.param("شاهچراغ", ("شاه", "چراغ"), id="shah-cheragh"),
    pytest.param("نخستوزیر", ("نخست", "وزیر"), id="prime-minister"),
]


@pytest.mark.parametrize("joined, parts", COMPOUND_SPLITS)
def test_compound_splits_hold_the_written_apart_spelling(only_token, joined, parts):
    exact = only_token(joined).exact
    assert tuple(only_token(part).exact for part in parts) in compound_splits(exact)


# A two-letter part is an affix, not a word: no split at it.
COMPOUND_AFFIXES = [
    pytest.param("كتابها", ("كتاب", "ها"), id="plural-ha"),
    pytest.param("ميگيرد", ("مي", "گيرد"), id="verb-prefix-mi"),
]


@pytest.mark.parametrize("word, affix_split", COMPOUND_AFFIXES)
def test_compound_parts_are_words_not_affixes(word, affix_split):
    assert affix_split not in compound_splits(word)
    assert all(min(map(len, split)) >= MIN_COMPOUND_PART for split in compound_splits(word))
