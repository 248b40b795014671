"""Tests of the benchmark corpus generator, bench/corpus.py (fast: ~3 s)."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from statistics import mean
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "corpus.py"
N_DOCS = 500
SEED = 11


def _load_corpus_module() -> ModuleType:
    # bench/ is a directory of scripts, not a package: load the file directly.
    spec = importlib.util.spec_from_file_location("bench_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus_module()


def _lines(n_docs: int, seed: int) -> list[str]:
    return [json.dumps(d, ensure_ascii=False) for d in corpus.generate(n_docs, seed)]


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return _lines(N_DOCS, SEED)


@pytest.fixture(scope="module")
def docs(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


# --- determinism -----------------------------------------------------------


def test_same_seed_gives_identical_lines(lines: list[str]) -> None:
    random.seed(12345)  # the global generator must play no part
    random.random()
    assert _lines(N_DOCS, SEED) == lines


def test_different_seed_gives_different_lines(lines: list[str]) -> None:
    other = _lines(50, SEED + 1)
    assert other != lines[:50]
    assert sum(a != b for a, b in zip(other, lines[:50], strict=True)) >= 45


def test_shorter_corpus_is_a_prefix(lines: list[str]) -> None:
    assert _lines(40, SEED) == lines[:40]


def test_cli_output_is_byte_identical_across_hash_seeds(tmp_path: Path, lines: list[str]) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--docs", "30", "--seed", str(SEED)],
        capture_output=True,
        env=env,
        check=True,
    )
    expected = "".join(line + "\n" for line in lines[:30]).encode("utf-8")
    assert run.stdout == expected

    out = tmp_path / "sub" / "corpus.jsonl"
    stats = corpus.write_corpus(out, 30, seed=SEED)
    assert out.read_bytes() == expected
    assert stats["docs"] == 30
    texts = [json.loads(line)["text"] for line in lines[:30]]
    assert stats["text_bytes"] == sum(len(t.encode("utf-8")) for t in texts)


# --- shape of every document -------------------------------------------------


def test_every_line_is_a_valid_document(lines: list[str]) -> None:
    first, last = date(2024, 1, 1), date(2025, 12, 31)
    for number, line in enumerate(lines, start=1):
        assert "\n" not in line
        doc = json.loads(line)
        assert list(doc) == ["id", "title", "text", "lang", "date"]
        assert all(isinstance(v, str) for v in doc.values())
        assert doc["id"] == f"gen-{number:07d}"
        assert doc["lang"] in {"hi", "ar", "fa"}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["date"])
        assert first <= date.fromisoformat(doc["date"]) <= last
        # Names may add words, so allow a little over the 5-12 word target.
        assert 5 <= len(doc["title"].split()) <= 20
        assert "\n" not in doc["title"]


def test_text_is_paragraphs_of_punctuated_sentences(docs: list[dict]) -> None:
    for doc in docs:
        text = doc["text"]
        assert text == text.strip()
        assert "\n\n\n" not in text
        paragraphs = text.split("\n\n")
        assert all(p and "\n" not in p for p in paragraphs)
        ends = "।.?" if doc["lang"] == "hi" else ".؟"
        assert all(p[-1] in ends for p in paragraphs), doc["id"]


def test_text_is_in_the_documents_script(docs: list[dict]) -> None:
    persian_only = set("پچژگکی")
    for doc in docs:
        text = doc["text"]
        has_devanagari = re.search("[\u0900-\u097f]", text) is not None
        has_arabic_script = re.search("[\u0600-\u06ff]", text) is not None
        if doc["lang"] == "hi":
            assert has_devanagari and not has_arabic_script
        else:
            assert has_arabic_script and not has_devanagari
            assert bool(persian_only.intersection(text)) == (doc["lang"] == "fa"), doc["id"]


# --- distributions -------------------------------------------------------------


def test_language_mix(docs: list[dict]) -> None:
    share = {lang: sum(d["lang"] == lang for d in docs) / len(docs) for lang in ("hi", "ar", "fa")}
    assert share["hi"] == pytest.approx(0.40, abs=0.07)
    assert share["ar"] == pytest.approx(0.30, abs=0.07)
    assert share["fa"] == pytest.approx(0.30, abs=0.07)


def test_text_sizes(docs: list[dict]) -> None:
    sizes = [len(d["text"].encode("utf-8")) for d in docs]
    # Reference corpus: ~3.95 KB of UTF-8 text per article.
    assert 3_300 <= mean(sizes) <= 4_700
    assert min(sizes) >= corpus.MIN_TEXT_BYTES
    assert max(sizes) <= corpus.MAX_TEXT_BYTES + 1_000  # last sentence overshoots
    assert min(sizes) < 1_500 and max(sizes) > 9_000  # short and long ones exist


def test_own_and_ascii_digits_both_occur(docs: list[dict]) -> None:
    text = {lang: "".join(d["text"] for d in docs if d["lang"] == lang) for lang in corpus.LANGS}
    for lang, digits in corpus.DIGITS.items():
        assert any(ch in text[lang] for ch in digits), lang
        assert re.search("[0-9]", text[lang]), lang


def test_names_appear_in_each_script(docs: list[dict]) -> None:
    text = "\n".join(d["text"] for d in docs)
    for name in ("ट्रंप", "ترامب", "ترمپ", "कजाकिस्तान", "كازاخستان", "قزاقستان"):
        assert name in text, name


# --- vocabulary ----------------------------------------------------------------


def test_seed_languages_are_detected() -> None:
    seeds = sorted(corpus.SEED_DIR.glob("*.txt"))
    langs = [corpus.detect_lang(corpus.read_seed(p)) for p in seeds]
    assert langs == ["hi", "hi", "ar", "ar", "fa"]
    assert not corpus.read_seed(seeds[0]).startswith((" date", "date"))


def test_tokenize_keeps_marks_and_inner_zwnj() -> None:
    zwnj = "\u200c"
    assert corpus.tokenize("देशों, मेजबानी।") == ["देशों", "मेजबानी"]
    assert corpus.tokenize(f"{zwnj}کتاب{zwnj}ها، زمینهٔ ۳۷") == [f"کتاب{zwnj}ها", "زمینهٔ"]


def test_vocabulary_is_large_ranked_and_unique() -> None:
    models = corpus.language_models()
    for lang, top in (("hi", "के"), ("ar", "في"), ("fa", "در")):
        words = models[lang].words
        assert 20_000 <= len(words) <= 50_000
        assert len(set(words)) == len(words)
        assert words[0] == top  # seed frequency decides the head of the ranking
    assert any("\u200c" in w for w in models["fa"].words)
