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
from web import create_app
from web.engine import EXTENSION

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
PERSIAN_ID = "004_a9852c1cd0dd4442"  # the one article that names tungsten (تنگستن)

# Documents that try to smuggle markup into every page that shows them.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "'><svg onload=alert(1)>"
INJECTION_DOCS = [
    {
        "id": "inject-fa",
        "lang": "fa",
        "date": "2025-11-08",
        "title": f"تنگستن {SCRIPT} {IMG}",
        "text": (
            f"خبر تازه درباره تنگستن {SCRIPT} در قزاقستان.\n"
            f"بخش دوم {IMG} و {SVG} تنگستن <mark>جعلی</mark> &amp; <b>پررنگ</b>."
        ),
        "url": "javascript:alert(1)",
    },
    {
        "id": "inject-en",
        "lang": "en",
        "date": "2025-11-08",
        "title": f"Kazakhstan {IMG}",
        "text": (
            f"Kazakhstan signs a tungsten deal {SCRIPT} with partners.\n"
            f"<iframe src=x></iframe> {SVG} <a href=javascript:alert(1)>Kazakhstan</a>"
        ),
        "url": 'https://example.org/news?a=1&b="><script>alert(1)</script>',
    },
    {
        "id": "inject-hi",
        "lang": "hi",
        "title": f"कजाकिस्तान {SCRIPT}",
        "text": f"कजाकिस्तान में टंगस्टन {IMG} की खदान. <style>body{{display:none}}</style>",
    },
]
# What must never reach a page unescaped.
RAW_MARKUP = ["<script>alert(1)", "<img src=x", "<svg onload", "<iframe", "<b>", "<style>body"]


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


def make_app(index_dir: Path | None, **config) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "INDEX_DIR": index_dir, **config})
    yield app
    index = app.extensions.get(EXTENSION)
    if index is not None:
        index.close()


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
