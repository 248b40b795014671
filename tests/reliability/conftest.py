"""Fixtures for the reliability tests: generated corpora and indexes, built once a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkout import SEEDS, generate_corpus
from index_processes import read_jsonl, write_jsonl
from search import update

# Large enough that a kill lands mid-run (about 2.4 MB of text: a few seconds of indexing
# today), small enough to index a handful of times in one session.
CORPUS_DOCS = 600


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory) -> Path:
    """``bench/corpus.py --docs 600 --seed 0``: ~4 KB Hindi/Arabic/Persian articles."""
    return generate_corpus(CORPUS_DOCS, tmp_path_factory.mktemp("corpus") / "corpus.jsonl")


@pytest.fixture(scope="session")
def corpus_docs(corpus_file) -> list[dict]:
    return read_jsonl(corpus_file)


@pytest.fixture(scope="session")
def corpus_head_file(tmp_path_factory, corpus_docs) -> Path:
    """The first 200 documents of the corpus, in their own file."""
    folder = tmp_path_factory.mktemp("corpus-head")
    return write_jsonl(folder / "head.jsonl", corpus_docs[:200])


@pytest.fixture(scope="session")
def seeds_only_index(tmp_path_factory) -> Path:
    """A pristine index of the five seed articles: copy it before writing to it."""
    path = tmp_path_factory.mktemp("seeds-only") / "index"
    report = update(path, [SEEDS])
    assert report.added == 5 and not report.problems
    return path


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, corpus_file) -> Path:
    """The whole corpus indexed (read-only for the tests that use it)."""
    path = tmp_path_factory.mktemp("corpus-index") / "index"
    report = update(path, [corpus_file])
    assert report.added == CORPUS_DOCS and not report.problems
    return path
