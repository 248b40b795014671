"""Plain-text articles (``.txt``, ``.text``, ``.md``): an optional `` date YYYY-MM-DD``
first line, then the body."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BadInput
from .model import Document, clean, decode, make_document, valid_date

SUFFIXES = (".txt", ".text", ".md")

_DATE_LINE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})[ \t]*\r?\n?")


def read_text_file(path: Path) -> Document:
    """One article: an optional `` date YYYY-MM-DD`` first line, then the body."""
    text = clean(decode(path.read_bytes()))
    doc_date = None
    match = _DATE_LINE.match(text)
    if match:
        doc_date = valid_date(match.group(1))
        text = text[match.end() :]
    if not text.strip():
        raise BadInput("empty document")
    return make_document(path.stem, text, date=doc_date, path=str(path))
