"""A document's language from its letters, and a token's script."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.analysis import analyze, detect_language, token_script
from search.analysis.stemming import stem

SEEDS = Path(__file__).parents[2] / "seeds"

DETECT = [
    pytest.param("دونالد ترمپ، رئیسجمهور ایالات متحده", "fa", id="fa-pe-farsi-yeh"),
    pytest.param("گفت که کشورها", "fa", id="fa-gaf-keheh"),
    pytest.param(
        "شرکت امریکایی کوو کاز کپیتال گروپ (Kov Kaz Capital Group) با شرکت دولتی معادن "
        "قزاقستان در این پروژه همکاری خواهد کرد",
        "fa",
        id="fa-quoting-latin-name",
    ),
    pytest.param("الرئيس دونالد ترامب", "ar", id="ar-yeh-teh-marbuta"),
    pytest.param("في إطار قمة C5+1 بالبيت الأبيض", "ar", id="ar-quoting-latin"),
    pytest.param("التقى مع ترمپ في البيت الأبيض", "ar", id="ar-quoting-one-persian-letter"),
    pytest.param("डोनाल्ड ट्रंप", "hi", id="hi"),
    pytest.param(
        "China Vs US over Rare Earth Metals: रेयर अर्थ को लेकर चीन के साथ चल रहे तनाव के बीच",
        "hi",
        id="hi-with-english-headline",
    ),
    pytest.param("Donald Trump met five leaders", "en", id="en"),
    pytest.param("", "en", id="empty-is-en"),
    pytest.param("2025 - 17", "en", id="no-letters-is-en"),
    pytest.param(
        "ok ۱۲۳۴",
        "en",
        id="digits-are-not-letters",
    ),
]


@pytest.mark.parametrize("text, lang", DETECT)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    "name, lang",
    [
        pytest.param("000_6c52c591178293ae.txt", "hi", id="000-hi"),
        pytest.param("001_238f73fc2cdb7101.txt", "hi", id="001-hi"),
        pytest.param("002_c1bf324b60e7b699.txt", "ar", id="002-ar"),
        pytest.param("003_4df96fbdbd0ef333.txt", "ar", id="003-ar"),
        pytest.param("004_a9852c1cd0dd4442.txt", "fa", id="004-fa"),
    ],
)
def test_seed_languages(name, lang):
    assert detect_language((SEEDS / name).read_text(encoding="utf-8")) == lang


SCRIPTS = [
    pytest.param("ترامب", "arabic", id="arabic"),
    pytest.param("ترمپ", "arabic", id="persian-is-arabic-script"),
    pytest.param("ﻻ", "arabic", id="arabic-presentation-form"),
    pytest.param("ट्रंप", "devanagari", id="devanagari"),
    pytest.param("Trump", "latin", id="latin"),
    pytest.param("Zürich", "latin", id="latin-1"),
    pytest.param("Ｔｒｕｍｐ", "latin", id="fullwidth-latin"),
    pytest.param("C5", "latin", id="letter-then-digit"),
    pytest.param("5G", "latin", id="digit-then-letter"),
    pytest.param("2025", "other", id="ascii-digits"),
    pytest.param("αθηνα", "other", id="greek"),
    pytest.param("", "other", id="empty"),
]


@pytest.mark.parametrize("text, script", SCRIPTS)
def test_token_script(text, script):
    assert token_script(text) == script


def test_analyze_reports_language_and_tokens():
    result = analyze("دونالد ترمپ، رئیسجمهور")
    assert result["lang"] == "fa"
    assert [t["text"] for t in result["tokens"]] == ["دونالد", "ترمپ", "رئیسجمهور"]
    assert set(result["tokens"][1]["terms"]) == {"exact", "stem", "key"}


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_analyze_stems_by_the_given_language(lang):
    result = analyze("كتابهاي", lang)
    assert result["lang"] == lang
    assert result["tokens"][0]["terms"]["stem"] == stem("كتابهاي", lang)
