"""ICU word segmentation: which words, and offsets into the original text."""

from __future__ import annotations

import pytest

from search.analysis import IcuTokenizer, LangText, exact_analyzer, word_spans

ZWNJ = "\u200c"
ZWJ = "\u200d"
RLM = "\u200f"

# text -> the words ICU finds, in order. Punctuation and spaces are never words.
SEGMENTATION = [
    # Arabic
    pytest.param(
        "التقى الرئيس دونالد ترامب", ["التقى", "الرئيس", "دونالد", "ترامب"], id="ar-words"
    ),
    pytest.param("وأوزبكستان، بالبيت.", ["وأوزبكستان", "بالبيت"], id="ar-clitics-one-word"),
    pytest.param("معلنًا أنه", ["معلنًا", "أنه"], id="ar-haraka-inside-word"),
    pytest.param("تـــرامب", ["تـــرامب"], id="ar-tatweel-inside-word"),
    pytest.param("سلام؛ خوبی؟", ["سلام", "خوبی"], id="ar-punctuation-dropped"),
    # Persian: the parts a ZWNJ joins are words, as if written with a space
    pytest.param(f"رئیس{ZWNJ}جمهور", ["رئیس", "جمهور"], id="fa-zwnj-compound-parts"),
    pytest.param(f"می{ZWNJ}گیرد", ["می", "گیرد"], id="fa-zwnj-verb-prefix-parts"),
    pytest.param(f"کتاب{ZWNJ}های خوب", ["کتاب", "های", "خوب"], id="fa-zwnj-plural-parts"),
    pytest.param(f"کتاب{ZWNJ}{ZWNJ}ها", ["کتاب", "ها"], id="fa-zwnj-doubled"),
    pytest.param("رئیس جمهور", ["رئیس", "جمهور"], id="fa-space-two-tokens"),
    pytest.param("«تنگستن»", ["تنگستن"], id="fa-guillemets-dropped"),
    pytest.param("زمینهٔ تجارت", ["زمینهٔ", "تجارت"], id="fa-hamza-mark-inside-word"),
    # Hindi: matras, virama, nukta and nasal marks stay inside the word
    pytest.param("उज्बेकिस्तान", ["उज्बेकिस्तान"], id="hi-virama-conjuncts"),
    pytest.param("क्षत्रिय", ["क्षत्रिय"], id="hi-ksha"),
    pytest.param("पाँच देशों", ["पाँच", "देशों"], id="hi-nasal-marks"),
    pytest.param("ज़रूरी फ़ोन", ["ज़रूरी", "फ़ोन"], id="hi-nukta"),
    pytest.param("है। ये", ["है", "ये"], id="hi-danda-dropped"),
    pytest.param("दक्षिण-कोरिया", ["दक्षिण", "कोरिया"], id="hi-hyphen-splits"),
    # Latin
    pytest.param("Kov Kaz (Capital) Group.", ["Kov", "Kaz", "Capital", "Group"], id="latin-words"),
    pytest.param("don't", ["don't"], id="latin-apostrophe-inside"),
    # Numbers stay whole, in every script's digits
    pytest.param("3.07", ["3.07"], id="number-decimal"),
    pytest.param("۳.۰۷", ["۳.۰۷"], id="number-persian-decimal"),
    pytest.param("۳٫۰۷", ["۳٫۰۷"], id="number-arabic-decimal-separator"),
    pytest.param("1,000 ۱٬۰۰۰", ["1,000", "۱٬۰۰۰"], id="number-thousands"),
    pytest.param("१२.५", ["१२.५"], id="number-devanagari"),
    pytest.param("(6 नवंबर 2025)", ["6", "नवंबर", "2025"], id="number-in-parentheses"),
    pytest.param("$5 5%", ["5", "5"], id="number-currency-percent-dropped"),
    # Letters and digits mixed
    pytest.param("C5", ["C5"], id="mixed-C5-whole"),
    pytest.param("C5+1", ["C5", "1"], id="mixed-C5-plus-1"),
    pytest.param("C5+1 क्या है?", ["C5", "1", "क्या", "है"], id="mixed-C5-hindi"),
    pytest.param("قیمت ۳.۰۷ دلار، C5+1", ["قیمت", "۳.۰۷", "دلار", "C5", "1"], id="mixed-persian"),
    # Invisible format characters stay inside the word they sit in
    pytest.param(f"क्{ZWJ}ष", [f"क्{ZWJ}ष"], id="zwj-inside-word"),
    # in Devanagari a ZWNJ only picks a glyph: the word stays whole
    pytest.param(f"क्{ZWNJ}ष", [f"क्{ZWNJ}ष"], id="devanagari-zwnj-inside-word"),
    pytest.param(f"سلام{RLM} x", [f"سلام{RLM}", "x"], id="rlm-after-word"),
    # ":" and "@" end a word whichever ICU runs (72 keeps "@" inside, 77 keeps ":")
    pytest.param("افزود:از", ["افزود", "از"], id="colon-between-letters"),
    pytest.param("Mumbai:कोरोना S:t", ["Mumbai", "कोरोना", "S", "t"], id="colon-mixed-scripts"),
    pytest.param("10:30 ۱۰:۳۰", ["10", "30", "۱۰", "۳۰"], id="colon-in-a-time"),
    pytest.param("info@farsnews.com", ["info", "farsnews.com"], id="at-sign-in-an-address"),
    pytest.param("@CovidIndiaSeva @.AFED_KSA", ["CovidIndiaSeva", "AFED_KSA"], id="at-handles"),
    pytest.param("अपडेट@10.00AM", ["अपडेट", "10.00AM"], id="at-sign-before-a-number"),
    pytest.param("ایمیل @ ما", ["ایمیل", "ما"], id="lone-at-sign"),
    # Nothing to find
    pytest.param("", [], id="empty"),
    pytest.param(" \n\t ", [], id="whitespace"),
    pytest.param("«»،؛؟!?.-", [], id="punctuation-only"),
    pytest.param("😀😀", [], id="emoji-only"),
]


@pytest.mark.parametrize("text, words", SEGMENTATION)
def test_word_spans(text, words):
    assert [text[start:end] for start, end in word_spans(text)] == words


@pytest.mark.parametrize("text, words", SEGMENTATION)
def test_tokenizer_slices_the_original_text(text, words):
    tokens = [
        (t.text, t.startchar, t.endchar, t.pos)
        for t in IcuTokenizer()(text, positions=True, chars=True)
    ]
    assert [surface for surface, *_ in tokens] == words
    assert all(text[start:end] == surface for surface, start, end, _ in tokens)
    assert [pos for *_, pos in tokens] == list(range(len(words)))


# Characters outside the BMP count as two UTF-16 units for ICU and one str
# index for Python: the offsets must be str indexes.
ASTRAL = [
    pytest.param("😀word", [(1, 5)], id="emoji-before-word"),
    pytest.param("😀😀 مرحبا", [(3, 8)], id="two-emoji-before-arabic"),
    pytest.param("a😀b", [(0, 1), (2, 3)], id="emoji-between-letters"),
    pytest.param("🇮🇷 ایران 🇮🇳 भारत", [(3, 8), (12, 16)], id="flags"),
    pytest.param("𝐀𝐁𝐂 abc", [(0, 3), (4, 7)], id="astral-letters-are-a-word"),
    pytest.param("👍🏽 C5+1 😀", [(3, 5), (6, 7)], id="emoji-with-modifier"),
]


@pytest.mark.parametrize("text, spans", ASTRAL)
def test_offsets_after_astral_characters(text, spans):
    assert word_spans(text) == spans
    tokens = IcuTokenizer()(text, chars=True)
    assert [(t.startchar, t.endchar) for t in tokens] == spans


def test_offsets_point_into_the_original_not_the_normalised_text():
    # NFKC turns the one-character ligature into two letters; "news" must
    # still be found at (2, 6) of what the reader sees.
    text = "ﻻ news"
    tokens = [(t.text, t.startchar, t.endchar) for t in exact_analyzer()(text, chars=True)]
    assert tokens == [("لا", 0, 1), ("news", 2, 6)]


def test_combining_marks_are_inside_the_highlighted_span():
    text = "e\u0301clair معلنًا"
    assert [text[s:e] for s, e in word_spans(text)] == ["e\u0301clair", "معلنًا"]


def test_start_char_and_start_pos_shift_every_token():
    text = "😀 tungsten تنگستن"
    tokens = IcuTokenizer()(text, positions=True, chars=True, start_pos=10, start_char=100)
    assert [(t.text, t.pos, t.startchar, t.endchar) for t in tokens] == [
        ("tungsten", 10, 102, 110),
        ("تنگستن", 11, 111, 117),
    ]


def test_precomputed_spans_give_the_same_tokens():
    text = LangText("C5+1 की स्थापना साल 2015 में", "hi")
    fresh = [(t.text, t.startchar) for t in IcuTokenizer()(str(text), chars=True)]
    reused = [(t.text, t.startchar) for t in IcuTokenizer()(text, chars=True)]
    assert text.spans() == word_spans(str(text))
    assert reused == fresh


def test_a_part_takes_its_words_from_the_whole():
    title, body = "عنوان خبر", "متن ۳.۰۷ خبر\nदूसरी पंक्ति"
    whole = LangText(title + "\n" + body, "fa")
    part = LangText(body, "fa", whole=whole, offset=len(title) + 1)
    assert part.spans() == word_spans(body)
    assert [t.text for t in IcuTokenizer()(part)] == [body[s:e] for s, e in word_spans(body)]


def test_language_rides_on_every_token():
    assert {t.lang for t in IcuTokenizer()(LangText("دو کلمه", "fa"))} == {"fa"}
    assert {t.lang for t in IcuTokenizer()("दो शब्द", lang="hi")} == {"hi"}


def test_tokenize_false_keeps_the_value_whole():
    tokens = [
        (t.text, t.startchar, t.endchar)
        for t in IcuTokenizer()("C5+1 قمة", tokenize=False, chars=True)
    ]
    assert tokens == [("C5+1 قمة", 0, 8)]


def test_zwnj_parts_can_stay_one_word():
    # the query parser finds structure only: a joined word stays one term there
    text = f"رئیس{ZWNJ}جمهور آمد"
    assert [text[s:e] for s, e in word_spans(text, zwnj_parts=False)] == [
        f"رئیس{ZWNJ}جمهور",
        "آمد",
    ]
