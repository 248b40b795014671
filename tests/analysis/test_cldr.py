"""CLDR's links between the names of one place, language or currency (search.analysis.cldr).

Only links that hold whatever the ICU version are tested: each expected form is
one of the spellings CLDR has used, compared after the project's normalisation.
"""

from __future__ import annotations

import pytest

from search.analysis.cldr import NameLinks, exact_form, linked_forms

# English name → {language: spellings any of which CLDR may give}
LINKS = {
    "Kazakhstan": {"fa": ["قزاقستان"], "hi": ["कज़ाख़स्तान"], "ar": ["كازاخستان", "قازاخستان"]},
    "Germany": {"fa": ["آلمان"], "hi": ["जर्मनी"], "ar": ["ألمانيا"]},
    "Japan": {"fa": ["ژاپن"], "hi": ["जापान"], "ar": ["اليابان"]},
    "China": {"fa": ["چین"], "hi": ["चीन"], "ar": ["الصين"]},
    "Tehran": {"fa": ["تهران"], "hi": ["तेहरान"], "ar": ["طهران"]},
    "Paris": {"fa": ["پاریس"], "hi": ["पेरिस"], "ar": ["باريس"]},
    "United States": {"fa": ["ایالات متحده", "ایالات متحدهٔ آمریکا"], "ar": ["الولايات المتحدة"]},
}


@pytest.mark.parametrize("english", list(LINKS))
def test_an_english_name_links_to_its_native_forms(english):
    linked = linked_forms(exact_form(english, None))
    for lang, spellings in LINKS[english].items():
        assert any(exact_form(s, lang) in linked for s in spellings), (lang, linked)


@pytest.mark.parametrize("english", ["Kazakhstan", "Tehran"])
def test_a_native_name_links_back_and_across(english):
    for lang, spellings in LINKS[english].items():
        form = exact_form(spellings[0], lang)
        linked = linked_forms(form)
        assert exact_form(english, "en") in linked and form not in linked
        others = [s for other, ss in LINKS[english].items() if other != lang for s in ss]
        assert any(exact_form(s, None) in linked for s in others)


def test_a_language_link():
    assert exact_form("فارسی", "fa") in linked_forms(exact_form("Persian", None))


@pytest.mark.parametrize("words", ["tungsten", "the", "democracy", "states"])
def test_what_is_no_name_links_to_nothing(words):
    assert linked_forms(exact_form(words, None)) == []


def test_forms_are_exact_terms():
    assert exact_form("Bosnia & Herzegovina", "en") == ("bosnia", "herzegovina")


def test_only_the_languages_of_the_words_script_are_read():
    links = NameLinks()
    assert links.linked(exact_form("tungsten", None)) == []
    assert set(links._lookups) == {"en"}
    links.linked(exact_form("تنگستن", None))
    assert set(links._lookups) == {"en", "ar", "fa"}
