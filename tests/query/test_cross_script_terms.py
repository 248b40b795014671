"""Cross-script matching, direction by direction: candidates, the verdict, the ranking.

The seeds hold names in Persian, Arabic and Hindi; each row is a query word and a
word of another script the seeds write for it (issue #17's directions: Latin →
Arabic script and Devanagari, Arabic script → Devanagari, Devanagari → Arabic
script).
"""

from __future__ import annotations

import pytest

from checkout import SEEDS
from search import open_index, update
from search.analysis import default_analysis
from search.query.crossscript import candidates

PERSIAN, HINDI_BIDEN, ARABIC_BIDEN, HINDI_INCREASE = "004", "000", "002", "001"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    path = tmp_path_factory.mktemp("crossscript")
    update(path, [SEEDS])
    with open_index(path) as ix:
        yield ix


def kept(ix, word: str) -> dict[str, float]:
    """The seeds' words a query word finds in the other scripts, with their similarity."""
    reader = ix.searcher().reader()
    out = {}
    for key in default_analysis().query_keys(word):
        for text, alike, needed in candidates(reader, "key", key):
            if alike >= needed:
                out[text.partition("|")[2]] = alike
    return out


DIRECTIONS = [
    pytest.param("tungsten", "تنگستن", id="latin-to-persian"),
    pytest.param("Starlink", "استارلينك", id="latin-to-persian-prothetic-alef"),
    pytest.param("uranium", "يورانيوم", id="latin-to-arabic"),
    pytest.param("Samarkand", "समरकंद", id="latin-to-hindi"),
    pytest.param("ترامب", "ट्रंप", id="arabic-to-hindi"),
    pytest.param("قزاقستان", "कजाकिस्तान", id="persian-to-hindi"),
    pytest.param("ट्रंप", "ترامب", id="hindi-to-arabic"),
    pytest.param("कजाखिस्तान", "كازاخستان", id="hindi-to-arabic-kazakhstan"),
]


@pytest.mark.parametrize("query, word", DIRECTIONS)
def test_a_name_finds_its_spelling_in_another_script(seeds, query, word):
    assert word in kept(seeds, query)


def test_its_own_script_is_left_to_the_shared_key(seeds):
    # ترامب and ترمپ are spellings of one script: matched through their shared key (trmp#a)
    assert "ترمپ" not in kept(seeds, "ترامب")


def test_a_weak_match_ranks_below_the_strong_ones(seeds):
    found = kept(seeds, "Biden")
    assert found["बाइडेन"] > found["बढाने"] and found["بايدن"] > found["बढाने"]
    ranked = [hit.id[:3] for hit in seeds.search("Biden").results]
    assert ranked.index(HINDI_INCREASE) > max(ranked.index(HINDI_BIDEN), ranked.index(ARABIC_BIDEN))


def test_the_prothetic_alef_is_found_through_the_whole_engine(seeds):
    assert [hit.id[:3] for hit in seeds.search("Starlink").results] == [PERSIAN]


def test_words_that_only_share_a_skeleton_by_chance_are_left_out(seeds):
    # a Latin word whose skeleton some seed word has, but which sounds like none of them
    assert kept(seeds, "pedantic") == {}
