"""Fixtures: an index of the bundled seeds and one of hostile documents, built once per
session into temporary folders, and Flask apps and clients over them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search import SearchIndex, open_index, update
from web_app import INJECTION_DOCS, SEEDS, make_app


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeds-index")
    report = update(path, [SEEDS])
    assert report.added == 5 and not report.problems, report
    return path


@pytest.fixture(scope="session")
def injection_index_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("injection")
    source = folder / "hostile.jsonl"
    source.write_text(
        "".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in INJECTION_DOCS),
        encoding="utf-8",
    )
    path = folder / "index"
    report = update(path, [source])
    assert report.added == len(INJECTION_DOCS) and not report.problems, report
    return path


@pytest.fixture(scope="session")
def ix(index_dir) -> Iterator[SearchIndex]:
    """The seeds index opened directly, to compare the web's answers with."""
    with open_index(index_dir) as index:
        yield index


@pytest.fixture
def app(index_dir) -> Iterator[Flask]:
    yield from make_app(index_dir)


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def injection_client(injection_index_dir) -> Iterator[FlaskClient]:
    for app in make_app(injection_index_dir):
        yield app.test_client()


@pytest.fixture(scope="module")
def module_client(index_dir) -> Iterator[FlaskClient]:
    """One client for a whole module (property-based tests run many requests)."""
    for app in make_app(index_dir):
        yield app.test_client()
