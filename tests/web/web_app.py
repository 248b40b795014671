"""What the web tests share: the seeds, the hostile documents and an app over an index.

A module of its own, not the conftest: test files import from it by name, and
another folder's conftest would shadow this one's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import Flask

from web import create_app
from web.state import EXTENSION

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


def make_app(index_dir: Path | None, **config) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "INDEX_DIR": index_dir, **config})
    yield app
    index = app.extensions.get(EXTENSION)
    if index is not None:
        index.close()
