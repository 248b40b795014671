"""JSON Lines (``.jsonl``, ``.ndjson``): one article an object a line."""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import BadInput
from .model import Document, Problem, make_document, parse_published, valid_date

SUFFIXES = (".jsonl", ".ndjson")


def _jsonl_document(obj: object, path: Path) -> Document:
    if not isinstance(obj, dict):
        raise BadInput("not a JSON object")
    doc_id, text = obj.get("id"), obj.get("text")
    title, lang, url = obj.get("title"), obj.get("lang"), obj.get("url")
    source, author = obj.get("source"), obj.get("author")
    for name, value in (("title", title), ("lang", lang), ("url", url), ("source", source)):
        if value is not None and not isinstance(value, str):
            raise BadInput(f"'{name}' is not a string")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if doc_id is None and url and url.strip():
        doc_id = url  # the canonical URL is the id when none is given
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise BadInput("missing or empty 'id' (and no 'url')")
    if not isinstance(text, str) or not text.strip():
        raise BadInput("missing or empty 'text'")
    if isinstance(author, list) and all(isinstance(a, str) for a in author):
        author = ", ".join(a.strip() for a in author if a.strip())
    elif author is not None and not isinstance(author, str):
        raise BadInput("'author' is neither a string nor a list of strings")
    published = parse_published(obj.get("published"))
    date = obj.get("date")
    if isinstance(date, str) and len(date.strip()) > 10 and published is None:
        # a date with its time: the publication time, and its day the date
        published, date = parse_published(date), None
    return make_document(
        doc_id.strip(),
        text,
        title=title,
        lang=lang,
        date=valid_date(date),
        url=url or None,
        path=str(path),
        source=source,
        author=author,
        published=published,
    )


def read_jsonl_file(path: Path) -> Iterator[Document | Problem]:
    """One document per line; a bad line is a Problem, the rest still read."""
    try:
        handle = open(path, "rb")
    except OSError as e:
        yield Problem(str(path), f"cannot read: {e.strerror}")
        return
    with handle:
        for number, line in _jsonl_lines(handle, path):
            if isinstance(line, Problem):
                yield line
                continue
            if not line.strip():
                continue
            try:
                doc = _jsonl_document(json.loads(line), path)
            except json.JSONDecodeError as e:
                yield Problem(str(path), f"invalid JSON: {e.msg}", number)
            except BadInput as e:
                yield Problem(str(path), str(e), number)
            else:
                doc.line = number
                yield doc


# Byte-order marks of the wider encodings JSON allows, UTF-32 first: its little-endian
# mark begins with UTF-16's.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _jsonl_lines(handle: io.BufferedReader, path: Path) -> Iterator[tuple[int, str | Problem]]:
    """The numbered lines of a JSONL file as text, or the Problem that stands for one.

    UTF-8, or UTF-16 or UTF-32 after their byte-order mark; each line is decoded on its
    own, so a bad one costs only itself. NUL bytes at the start and no mark: binary,
    reported once (a UTF-16 file without a mark is too).
    """
    start = handle.peek(4)[:4]
    for bom, codec in _WIDE_BOMS:
        if start.startswith(bom):
            handle.read(len(bom))
            first_codec, encoding, lines = codec, codec[:6].upper(), _wide_lines(handle, codec)
            break
    else:
        if b"\x00" in start:
            yield 0, Problem(str(path), "binary file (NUL bytes, no UTF-16 byte-order mark)")
            return
        # UTF-8 may start with a mark too
        codec, first_codec, encoding, lines = "utf-8", "utf-8-sig", "UTF-8", iter(handle)
    for number, raw in enumerate(lines, 1):
        try:
            yield number, raw.decode(first_codec if number == 1 else codec)
        except UnicodeDecodeError as e:
            yield number, Problem(str(path), f"not valid {encoding} (byte {e.start})", number)


def _wide_lines(handle: io.BufferedReader, codec: str) -> Iterator[bytes]:
    """The lines of a UTF-16 or UTF-32 stream, as bytes cut after whole newline units."""
    newline = "\n".encode(codec)
    unit = len(newline)
    pending = b""
    for chunk in iter(lambda: handle.read(1 << 16), b""):
        pending += chunk
        line_start, found = 0, pending.find(newline)
        while found != -1:
            if (found - line_start) % unit:  # the bytes of two characters, not a newline
                found = pending.find(newline, found + 1)
                continue
            yield pending[line_start : found + unit]
            line_start = found + unit
            found = pending.find(newline, line_start)
        pending = pending[line_start:]
    if pending:
        yield pending
