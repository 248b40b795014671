"""The same analysis whichever ICU PyICU brings: pyicu-wheels' ICU 77 or the system's ICU 72.

Word breaks, folds, stems and cross-script keys (ICU's transliteration) of the whole bundled
corpus and of a word list, against the output recorded in tests/data/analysis-expected.jsonl,
which holds on every supported ICU (README, "Which ICU"). After a change to the analysis that
is meant, write it again with ``python tests/analysis_expected.py``.
"""

from __future__ import annotations

import icu
import pytest
from analysis_expected import (
    SEEDS,
    line_record,
    read_expected,
    record_key,
    seed_record,
    word_list,
)

HEADER, EXPECTED = read_expected()
BY_KEY = {record_key(r): r for r in EXPECTED}


def test_the_recorded_output_covers_every_seed_and_every_word_list_line():
    wanted = [p.name for p in sorted(SEEDS.glob("*.txt"))] + word_list()
    assert [record_key(r) for r in EXPECTED] == wanted


@pytest.mark.parametrize("name", [p.name for p in sorted(SEEDS.glob("*.txt"))])
def test_a_seed_gives_the_recorded_words_and_terms(name):
    expected = BY_KEY[name]
    got = seed_record(SEEDS / name)
    assert got["lang"] == expected["lang"]
    for word, want in zip(got["words"], expected["words"], strict=False):
        assert word == want, f"ICU {icu.ICU_VERSION}, {name}"
    assert len(got["words"]) == len(expected["words"])
    assert got["query_words"] == expected["query_words"]


def test_the_word_list_gives_the_recorded_words_and_terms():
    differ = [
        (line, got, BY_KEY[line])
        for line in word_list()
        if (got := line_record(line)) != BY_KEY[line]
    ]
    assert not differ, f"ICU {icu.ICU_VERSION}: {len(differ)} lines differ, first {differ[0]}"
