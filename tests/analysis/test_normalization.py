"""Normalisation: one table per rule, each row a word and the ``exact`` term it gives.

The first half runs each row through the whole analysis (``Analysis().tokens``);
the second half runs each filter alone, checks that every entry of every fold
table has a row, and that removing any filter from the chain breaks a row.
"""

from __future__ import annotations

import pickle

import pytest

from search.analysis import IcuTokenizer
from search.analysis.analyzers import normalize_chain
from search.analysis.arabic import ARABIC_FOLDS, ArabicFoldFilter
from search.analysis.filters import (
    DigitFoldFilter,
    NfkcCasefoldFilter,
    StopFilter,
    TermChain,
)
from search.analysis.hindi import HINDI_FOLDS, HindiFoldFilter, HindiNasalFilter
from search.analysis.persian import PERSIAN_FOLDS, PersianFoldFilter

ZWNJ = "\u200c"
ZWJ = "\u200d"
LRM = "\u200e"
RLM = "\u200f"
SOFT_HYPHEN = "\u00ad"
NUKTA = "\u093c"
HAMZA_ABOVE = "\u0654"


# Unicode compatibility forms (NFKC)
NFKC = [
    pytest.param("ﻻ", "لا", id="lam-alef-ligature-FEFB"),
    pytest.param("ﻷ", "لا", id="lam-alef-hamza-ligature-then-alef-fold"),
    pytest.param("ﺑﺎﺏ", "باب", id="arabic-presentation-forms-B"),
    pytest.param("ﮐﺘﺎﺏ", "كتاب", id="keheh-presentation-form-then-persian-fold"),
    pytest.param("ＡＢＣ", "abc", id="fullwidth-latin"),
    pytest.param("ﬁlm", "film", id="fi-ligature"),
    pytest.param("e\u0301clair", "éclair", id="combining-acute-composed"),
]

# Case folding (full folding, as ICU's NFKC_Casefold)
CASE = [
    pytest.param("Trump", "trump", id="title-case"),
    pytest.param("TUNGSTEN", "tungsten", id="upper-case"),
    pytest.param("Straße", "strasse", id="sharp-s-full-folding"),
    pytest.param("ΑΘΗΝΑ", "αθηνα", id="greek"),
]

# Digits of every script are ASCII digits
DIGITS = [
    pytest.param("37", "37", id="ascii"),
    pytest.param("٣٧", "37", id="arabic-indic-0660"),
    pytest.param("۳۷", "37", id="persian-06F0"),
    pytest.param("३७", "37", id="devanagari-0966"),
    pytest.param("３７", "37", id="fullwidth-by-nfkc"),
    pytest.param("٠١٢٣٤٥٦٧٨٩", "0123456789", id="all-arabic-indic"),
    pytest.param("۰۱۲۳۴۵۶۷۸۹", "0123456789", id="all-persian"),
    pytest.param("०१२३४५६७८९", "0123456789", id="all-devanagari"),
    pytest.param("۳.۰۷", "3.07", id="persian-decimal-point"),
    pytest.param("۳٫۰۷", "3.07", id="arabic-decimal-separator-066B"),
    pytest.param("۱٬۰۰۰", "1,000", id="arabic-thousands-separator-066C"),
    pytest.param("C5", "c5", id="mixed-letter-digit"),
]

# Arabic: alef forms are bare alef
ARABIC_ALEF = [
    pytest.param("أحمد", "احمد", id="alef-hamza-above-0623"),
    pytest.param("إبراهيم", "ابراهيم", id="alef-hamza-below-0625"),
    pytest.param("آسيا", "اسيا", id="alef-madda-0622"),
    pytest.param("ٱلله", "الله", id="alef-wasla-0671"),
    pytest.param(f"ا{HAMZA_ABOVE}حمد", "احمد", id="alef-plus-combining-hamza"),
]

# Arabic: word-final letter forms
ARABIC_FINAL = [
    pytest.param("مدرسة", "مدرسه", id="teh-marbuta-0629"),
    pytest.param("مستشفى", "مستشفي", id="alef-maksura-0649"),
]

# Arabic: marks with no meaning for search are dropped
ARABIC_MARKS = [
    pytest.param("معلنًا", "معلنا", id="fathatan-064B-tanween"),
    pytest.param("كتابٌ", "كتاب", id="dammatan-064C"),
    pytest.param("كتابٍ", "كتاب", id="kasratan-064D"),
    pytest.param("كَتب", "كتب", id="fatha-064E"),
    pytest.param("كُتب", "كتب", id="damma-064F"),
    pytest.param("كِتاب", "كتاب", id="kasra-0650"),
    pytest.param("شدّة", "شده", id="shadda-0651"),
    pytest.param("قلْب", "قلب", id="sukun-0652"),
    pytest.param("ب\u0653ب", "بب", id="madda-above-0653"),
    pytest.param("ب\u0655ب", "بب", id="hamza-below-0655"),
    pytest.param("رحمٰن", "رحمن", id="superscript-alef-0670"),
    pytest.param("تـــرامب", "ترامب", id="tatweel-0640"),
    pytest.param("مُحَمَّدٌ", "محمد", id="fully-vowelled"),
]

# Persian: its letters and Arabic's are one
PERSIAN_LETTERS = [
    pytest.param("کتاب", "كتاب", id="keheh-06A9-is-kaf"),
    pytest.param("كتاب", "كتاب", id="kaf-0643-unchanged"),
    pytest.param("روبیو", "روبيو", id="farsi-yeh-06CC-is-yeh"),
    pytest.param("روبيو", "روبيو", id="arabic-yeh-064A-unchanged"),
    pytest.param("کشورے", "كشوري", id="yeh-barree-06D2"),
    pytest.param("نامہ", "نامه", id="heh-goal-06C1"),
    pytest.param("نامە", "نامه", id="ae-06D5"),
]

# Persian written joined, without ZWNJ: one term (with ZWNJ the parts are
# words of their own: tests/analysis/test_tokenizer.py)
PERSIAN_ZWNJ = [
    pytest.param("رئیسجمهور", "رئيسجمهور", id="without-zwnj"),
    pytest.param("میگیرد", "ميگيرد", id="verb-prefix-without-zwnj"),
]

# Persian: the ezafe written on heh
PERSIAN_EZAFE = [
    pytest.param("طیارۀ", "طياره", id="heh-yeh-06C0"),
    pytest.param(f"زمینه{HAMZA_ABOVE}", "زمينه", id="heh-plus-hamza-above-0654"),
    pytest.param("زمینه", "زمينه", id="plain-heh"),
]

# Hindi: nukta is dropped, precomposed or not
HINDI_NUKTA = [
    pytest.param(f"ज{NUKTA}", "ज", id="ja-nukta-decomposed"),
    pytest.param(f"फ{NUKTA}", "फ", id="pha-nukta-decomposed"),
    pytest.param("\u0958", "क", id="qa-0958"),
    pytest.param("\u0959", "ख", id="khha-0959"),
    pytest.param("\u095a", "ग", id="ghha-095A"),
    pytest.param("\u095b", "ज", id="za-095B"),
    pytest.param("\u095c", "ड", id="dddha-095C"),
    pytest.param("\u095d", "ढ", id="rha-095D"),
    pytest.param("\u095e", "फ", id="fa-095E"),
    pytest.param("\u095f", "य", id="yya-095F"),
    pytest.param("ज़रूरी", "जरूरी", id="word-with-nukta"),
    pytest.param("लड़की", "लडकी", id="dda-nukta-in-word"),
    pytest.param("\u0929", "न", id="nnna-0929"),
    pytest.param(f"न{NUKTA}", "न", id="na-nukta-composes-to-0929"),
    pytest.param("\u0931", "र", id="rra-0931"),
    pytest.param("\u0934", "ळ", id="llla-0934"),
]

# Hindi: chandrabindu and anusvara are one nasal
HINDI_NASAL_MARKS = [
    pytest.param("पाँच", "पांच", id="chandrabindu-0901"),
    pytest.param("पांच", "पांच", id="anusvara-0902"),
    pytest.param("कहाँ", "कहां", id="chandrabindu-final"),
]

# Hindi: a dead nasal consonant before a stop is written as anusvara
HINDI_DEAD_NASAL = [
    pytest.param("ट्रम्प", "ट्रंप", id="ma-virama"),
    pytest.param("ट्रंप", "ट्रंप", id="anusvara-unchanged"),
    pytest.param("हिन्दी", "हिंदी", id="na-virama"),
    pytest.param("हिंदी", "हिंदी", id="na-anusvara-unchanged"),
    pytest.param("गङ्गा", "गंगा", id="nga-virama"),
    pytest.param("चञ्चल", "चंचल", id="nya-virama"),
    pytest.param("पण्डित", "पंडित", id="nna-virama"),
    pytest.param("न्याय", "न्याय", id="word-initial-nasal-kept"),
    pytest.param("राजन्", "राजन्", id="final-dead-nasal-kept"),
    pytest.param("उज्बेकिस्तान", "उज्बेकिस्तान", id="non-nasal-virama-kept"),
    # before a semivowel, sibilant, h or another nasal it is a cluster, never anusvara
    pytest.param("मान्य", "मान्य", id="before-ya-kept"),
    pytest.param("उन्हें", "उन्हें", id="before-ha-kept"),
    pytest.param("जन्म", "जन्म", id="before-nasal-kept"),
    pytest.param("इन्टरनेट", "इंटरनेट", id="loanword-before-tta"),
]

# Hindi: candra vowels of English loanwords are the plain vowels
HINDI_CANDRA = [
    pytest.param("डॉलर", "डोलर", id="candra-o-sign-0949"),
    pytest.param("बॅट", "बेट", id="candra-e-sign-0945"),
    pytest.param("ऑफिस", "ओफिस", id="candra-o-0911"),
    pytest.param("ऍ", "ए", id="candra-e-090D"),
]

# Invisible format characters are removed from the term (kept in the surface)
FORMAT_CHARACTERS = [
    pytest.param(f"क्{ZWJ}ष", "क्ष", id="zwj-200D"),
    pytest.param(f"a{LRM}b", "ab", id="lrm-200E"),
    pytest.param(f"سلام{RLM}", "سلام", id="rlm-200F"),
    pytest.param(f"news{SOFT_HYPHEN}paper", "newspaper", id="soft-hyphen-00AD"),
    pytest.param("\u202bword\u202c", "word", id="rle-pdf-202B-202C"),
    pytest.param("\u2067سلام\u2069", "سلام", id="rli-pdi-2067-2069"),
]


def check(only_token, raw, expected, lang=None):
    token = only_token(raw, lang)
    assert token.exact == expected
    return token


@pytest.mark.parametrize("raw, expected", NFKC)
def test_nfkc(only_token, raw, expected):
    check(only_token, raw, expected)


@pytest.mark.parametrize("raw, expected", CASE)
def test_case_folding(only_token, raw, expected):
    check(only_token, raw, expected)


@pytest.mark.parametrize("raw, expected", DIGITS)
def test_digits(only_token, raw, expected):
    check(only_token, raw, expected)


@pytest.mark.parametrize("raw, expected", ARABIC_ALEF)
def test_arabic_alef_forms(only_token, raw, expected):
    check(only_token, raw, expected, "ar")


@pytest.mark.parametrize("raw, expected", ARABIC_FINAL)
def test_arabic_final_forms(only_token, raw, expected):
    check(only_token, raw, expected, "ar")


@pytest.mark.parametrize("raw, expected", ARABIC_MARKS)
def test_arabic_marks_dropped(only_token, raw, expected):
    check(only_token, raw, expected, "ar")


@pytest.mark.parametrize("raw, expected", PERSIAN_LETTERS)
def test_persian_letters(only_token, raw, expected):
    check(only_token, raw, expected, "fa")


@pytest.mark.parametrize("raw, expected", PERSIAN_ZWNJ)
def test_persian_zwnj(only_token, raw, expected):
    check(only_token, raw, expected, "fa")


@pytest.mark.parametrize("raw, expected", PERSIAN_EZAFE)
def test_persian_ezafe(only_token, raw, expected):
    check(only_token, raw, expected, "fa")


@pytest.mark.parametrize("raw, expected", HINDI_NUKTA)
def test_hindi_nukta(only_token, raw, expected):
    check(only_token, raw, expected, "hi")


@pytest.mark.parametrize("raw, expected", HINDI_NASAL_MARKS)
def test_hindi_chandrabindu(only_token, raw, expected):
    check(only_token, raw, expected, "hi")


@pytest.mark.parametrize("raw, expected", HINDI_DEAD_NASAL)
def test_hindi_dead_nasal(only_token, raw, expected):
    check(only_token, raw, expected, "hi")


@pytest.mark.parametrize("raw, expected", HINDI_CANDRA)
def test_hindi_candra_vowels(only_token, raw, expected):
    check(only_token, raw, expected, "hi")


@pytest.mark.parametrize("raw, expected", FORMAT_CHARACTERS)
def test_format_characters_removed(only_token, raw, expected):
    token = check(only_token, raw, expected)
    assert token.surface != token.exact  # the highlight keeps what the reader has


def test_the_language_does_not_change_the_exact_term(analysis):
    text = "أحمد روبیو पाँच ۳۷ Trump"
    by_lang = {
        lang: [t.exact for t in analysis.tokens(text, lang)] for lang in (None, "ar", "fa", "hi")
    }
    assert len(set(map(tuple, by_lang.values()))) == 1


# Each filter alone: filter, input, output. Rows for the fold tables name the
# code point they exercise; test_every_fold_has_a_row checks none is missing.
ALONE = [
    # NFKC_Casefold
    pytest.param(NfkcCasefoldFilter(), "ﻻ", "لا", id="nfkc-ligature"),
    pytest.param(NfkcCasefoldFilter(), "Ｔｒｕｍｐ", "trump", id="nfkc-fullwidth-case"),
    pytest.param(NfkcCasefoldFilter(), f"می{ZWNJ}گیرد", "میگیرد", id="nfkc-drops-zwnj"),
    pytest.param(
        NfkcCasefoldFilter(), f"a{SOFT_HYPHEN}{ZWJ}{LRM}b", "ab", id="nfkc-drops-ignorables"
    ),
    pytest.param(NfkcCasefoldFilter(), "\u095b", f"ज{NUKTA}", id="nfkc-splits-precomposed-nukta"),
    pytest.param(NfkcCasefoldFilter(), "۳۷", "۳۷", id="nfkc-keeps-digits"),
    # Digits
    pytest.param(DigitFoldFilter(), "٠١٢٣٤٥٦٧٨٩", "0123456789", id="digits-arabic-indic"),
    pytest.param(DigitFoldFilter(), "۰۱۲۳۴۵۶۷۸۹", "0123456789", id="digits-persian"),
    pytest.param(DigitFoldFilter(), "०१२३४५६७८९", "0123456789", id="digits-devanagari"),
    pytest.param(DigitFoldFilter(), "۳٫۰۷", "3.07", id="digits-decimal-separator"),
    pytest.param(DigitFoldFilter(), "۱٬۰۰۰", "1,000", id="digits-thousands-separator"),
    pytest.param(DigitFoldFilter(), "abc", "abc", id="digits-letters-unchanged"),
    # Arabic folds
    pytest.param(ArabicFoldFilter(), "أحمد", "احمد", id="ar-alef-hamza-above"),
    pytest.param(ArabicFoldFilter(), "إبراهيم", "ابراهيم", id="ar-alef-hamza-below"),
    pytest.param(ArabicFoldFilter(), "آسيا", "اسيا", id="ar-alef-madda"),
    pytest.param(ArabicFoldFilter(), "ٱلله", "الله", id="ar-alef-wasla"),
    pytest.param(ArabicFoldFilter(), "مدرسة", "مدرسه", id="ar-teh-marbuta"),
    pytest.param(ArabicFoldFilter(), "مستشفى", "مستشفي", id="ar-alef-maksura"),
    pytest.param(ArabicFoldFilter(), "معلنًا", "معلنا", id="ar-fathatan"),
    pytest.param(ArabicFoldFilter(), "كتابٌ", "كتاب", id="ar-dammatan"),
    pytest.param(ArabicFoldFilter(), "كتابٍ", "كتاب", id="ar-kasratan"),
    pytest.param(ArabicFoldFilter(), "كَتب", "كتب", id="ar-fatha"),
    pytest.param(ArabicFoldFilter(), "كُتب", "كتب", id="ar-damma"),
    pytest.param(ArabicFoldFilter(), "كِتاب", "كتاب", id="ar-kasra"),
    pytest.param(ArabicFoldFilter(), "شدّ", "شد", id="ar-shadda"),
    pytest.param(ArabicFoldFilter(), "قلْب", "قلب", id="ar-sukun"),
    pytest.param(ArabicFoldFilter(), "ا\u0653", "ا", id="ar-madda-above-mark"),
    pytest.param(ArabicFoldFilter(), f"زمینه{HAMZA_ABOVE}", "زمینه", id="ar-hamza-above-mark"),
    pytest.param(ArabicFoldFilter(), "ا\u0655", "ا", id="ar-hamza-below-mark"),
    pytest.param(ArabicFoldFilter(), "رحمٰن", "رحمن", id="ar-superscript-alef"),
    pytest.param(ArabicFoldFilter(), "تـــرامب", "ترامب", id="ar-tatweel"),
    pytest.param(ArabicFoldFilter(), "کتاب", "کتاب", id="ar-leaves-persian-letters"),
    pytest.param(ArabicFoldFilter(), "tungsten", "tungsten", id="ar-leaves-latin"),
    # Persian folds
    pytest.param(PersianFoldFilter(), "کتاب", "كتاب", id="fa-keheh"),
    pytest.param(PersianFoldFilter(), "روبیو", "روبيو", id="fa-farsi-yeh"),
    pytest.param(PersianFoldFilter(), "ے", "ي", id="fa-yeh-barree"),
    pytest.param(PersianFoldFilter(), "طیارۀ", "طياره", id="fa-heh-yeh"),
    pytest.param(PersianFoldFilter(), "نامہ", "نامه", id="fa-heh-goal"),
    pytest.param(PersianFoldFilter(), "نامە", "نامه", id="fa-ae"),
    pytest.param(PersianFoldFilter(), f"رئیس{ZWNJ}جمهور", "رئيسجمهور", id="fa-zwnj-alone"),
    pytest.param(PersianFoldFilter(), "أحمد", "أحمد", id="fa-leaves-arabic-alef"),
    # Hindi folds
    pytest.param(HindiFoldFilter(), f"ज{NUKTA}", "ज", id="hi-nukta"),
    pytest.param(HindiFoldFilter(), "\u0929", "\u0928", id="hi-nnna-0929"),
    pytest.param(HindiFoldFilter(), "\u0931", "\u0930", id="hi-rra-0931"),
    pytest.param(HindiFoldFilter(), "\u0934", "\u0933", id="hi-llla-0934"),
    pytest.param(HindiFoldFilter(), "पाँच", "पांच", id="hi-chandrabindu"),
    pytest.param(HindiFoldFilter(), "बॅट", "बेट", id="hi-candra-e-sign"),
    pytest.param(HindiFoldFilter(), "डॉलर", "डोलर", id="hi-candra-o-sign"),
    pytest.param(HindiFoldFilter(), "ऍ", "ए", id="hi-candra-e"),
    pytest.param(HindiFoldFilter(), "ऑफिस", "ओफिस", id="hi-candra-o"),
    pytest.param(HindiFoldFilter(), "ट्रम्प", "ट्रम्प", id="hi-fold-leaves-dead-nasal"),
    # Hindi dead nasal
    pytest.param(HindiNasalFilter(), "ट्रम्प", "ट्रंप", id="hi-nasal-ma"),
    pytest.param(HindiNasalFilter(), "हिन्दी", "हिंदी", id="hi-nasal-na"),
    pytest.param(HindiNasalFilter(), "न्याय", "न्याय", id="hi-nasal-word-initial"),
    pytest.param(HindiNasalFilter(), "पाँच", "पाँच", id="hi-nasal-leaves-chandrabindu"),
    # Stopwords
    pytest.param(StopFilter(["في", "the"]), "في", "", id="stop-drops"),
    pytest.param(StopFilter(["في", "the"]), "فيلم", "فيلم", id="stop-keeps-other-words"),
]


@pytest.mark.parametrize("term_filter, raw, expected", ALONE)
def test_filter_alone(term_filter, raw, expected):
    assert term_filter.apply(raw, None) == expected


def test_empty_term_stays_empty():
    for f in normalize_chain().filters:
        assert f.apply("", None) == ""


@pytest.mark.parametrize(
    "filter_type, table",
    [
        pytest.param(ArabicFoldFilter, ARABIC_FOLDS, id="arabic"),
        pytest.param(PersianFoldFilter, PERSIAN_FOLDS, id="persian"),
        pytest.param(HindiFoldFilter, HINDI_FOLDS, id="hindi"),
        pytest.param(DigitFoldFilter, DigitFoldFilter.table, id="digits"),
    ],
)
def test_every_fold_has_a_row(filter_type, table):
    covered = {
        ord(ch)
        for row in ALONE
        if type(row.values[0]) is filter_type
        for ch in row.values[1]
        if ord(ch) in table
    }
    missing = sorted(f"U+{cp:04X}" for cp in set(table) - covered)
    assert not missing, f"no row in ALONE for {missing}"


def test_chain_order():
    # docs/analysis.md describes this order; NFKC must come first (it makes
    # letters out of presentation forms for the folds after it).
    assert [type(f) for f in normalize_chain().filters] == [
        NfkcCasefoldFilter,
        DigitFoldFilter,
        ArabicFoldFilter,
        PersianFoldFilter,
        HindiFoldFilter,
        HindiNasalFilter,
    ]


# For each filter of the chain, a word whose exact term changes without it.
ABLATION = [
    pytest.param(NfkcCasefoldFilter, "Ｔｒｕｍｐ", id="nfkc"),
    pytest.param(DigitFoldFilter, "۳۷", id="digits"),
    pytest.param(ArabicFoldFilter, "أحمد", id="arabic"),
    pytest.param(PersianFoldFilter, "کتاب", id="persian"),
    pytest.param(HindiFoldFilter, "पाँच", id="hindi"),
    pytest.param(HindiNasalFilter, "ट्रम्प", id="dead-nasal"),
]


@pytest.mark.parametrize("filter_type, raw", ABLATION)
def test_each_filter_of_the_chain_is_needed(filter_type, raw):
    full = normalize_chain()
    without = TermChain(*(f for f in full.filters if not isinstance(f, filter_type)))
    assert len(without.filters) == len(full.filters) - 1
    assert without.apply(raw, None) != full.apply(raw, None)


def test_normalisation_is_idempotent_on_the_tables():
    chain = normalize_chain()
    rows = NFKC + CASE + DIGITS + ARABIC_ALEF + ARABIC_MARKS + PERSIAN_LETTERS + HINDI_NUKTA
    for row in rows:
        once = chain.apply(row.values[0], None)
        assert chain.apply(once, None) == once


# The term-filter machinery
def test_a_term_filter_drops_tokens_it_empties():
    analyzer = IcuTokenizer() | StopFilter(["the"])
    assert [t.text for t in analyzer("the cat")] == ["cat"]


def test_term_filters_compose_into_one_flat_chain():
    chain = NfkcCasefoldFilter() | (DigitFoldFilter() | ArabicFoldFilter())
    assert isinstance(chain, TermChain)
    assert [type(f) for f in chain.filters] == [
        NfkcCasefoldFilter,
        DigitFoldFilter,
        ArabicFoldFilter,
    ]
    assert chain.apply("أحمد", None) == "احمد"


def test_term_chain_caches_and_pickles_without_its_cache():
    chain = normalize_chain()
    assert chain.apply("Ｔｒｕｍｐ", None) == "trump"
    assert chain._cache
    clone = pickle.loads(pickle.dumps(chain))
    assert clone == chain
    assert clone._cache == {}
    assert clone.apply("Ｔｒｕｍｐ", None) == "trump"


def test_term_chain_cache_is_bounded(monkeypatch):
    chain = normalize_chain()
    monkeypatch.setattr(chain, "max_cache", 3)
    for word in ("a", "b", "c", "d", "e"):
        chain.apply(word, None)
    assert len(chain._cache) <= 3
