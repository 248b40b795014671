"""A name typed in one script finds the article naming it in another, through CLDR's links."""

from __future__ import annotations

import json
import re

import pytest

from search import open_index, update
from search.query.parse import QueryBuilder

DOCS = [
    {
        "id": "fa-kz",
        "lang": "fa",
        "title": "نشست اقتصادی در آستانه",
        "text": "وزیران اقتصاد در پایتخت قزاقستان درباره صادرات گندم گفتگو کردند.",
    },
    {
        "id": "fa-other",
        "lang": "fa",
        "title": "بارش باران در شمال",
        "text": "باران سنگین در استان‌های شمالی ادامه دارد و جاده‌ها بسته شد.",
    },
    {
        "id": "ar-ny",
        "lang": "ar",
        "title": "معرض للكتاب",
        "text": "افتتح في نيويورك معرض جديد للكتاب العربي هذا الأسبوع.",
    },
    {
        "id": "hi-other",
        "lang": "hi",
        "title": "मौसम का हाल",
        "text": "उत्तर भारत में आज भारी बारिश की संभावना है।",
    },
]


def marked(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    folder = tmp_path_factory.mktemp("names")
    corpus = folder / "docs.jsonl"
    corpus.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in DOCS), "utf-8")
    update(folder / "ix", [corpus])
    with open_index(folder / "ix") as index:
        yield index


@pytest.mark.parametrize("query", ["Kazakhstan", "kazakhstan", "कज़ाखस्तान", "كازاخستان"])
def test_a_name_finds_its_persian_form_and_marks_it(ix, query):
    result = ix.search(query)
    assert [h.id for h in result.results] == ["fa-kz"]
    assert marked(result.results[0].snippet) == ["قزاقستان"]


def test_a_name_of_two_words_finds_its_one_word_form(ix):
    for query in ("New York", '"new york"'):
        result = ix.search(query)
        assert [h.id for h in result.results] == ["ar-ny"], query
        assert marked(result.results[0].snippet) == ["نيويورك"]


def test_a_word_that_is_no_name_adds_no_clause():
    text = str(QueryBuilder().parse("tungsten rain").query)
    assert "tungsten" in text and not re.search(r"[\u0600-\u06ff\u0900-\u097f]", text)
