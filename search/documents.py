"""Reading articles: plain-text files, JSON Lines, and folders of both.

Every problem is reported with the file (and line) it came from and the input
is skipped; every good document beside it is still read. Nothing here raises
for bad input.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from .analysis import detect_language
from .errors import BadInput
from .languages import LANGUAGES

TEXT_SUFFIXES = (".txt", ".text", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
TITLE_MAX = 120

_DATE_LINE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})[ \t]*\r?\n?")
# A sentence ends at . ! ? ؟ or । followed by space; "3.07" does not end one.
_SENTENCE_END = re.compile(r"[.!?\u061f\u0964](?=\s|$)")


@dataclass
class Document:
    id: str
    text: str
    title: str
    lang: str
    date: str | None = None
    url: str | None = None
    path: str = ""
    hash: str = field(default="", compare=False)
    # where it was read: its line in a JSONL file, for problems found later (a duplicate id)
    line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.hash:
            parts = (self.id, self.title, self.text, self.lang, self.date or "", self.url or "")
            self.hash = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass
class Problem:
    """Input that was not read, or read with something left out."""

    path: str
    message: str
    line: int | None = None
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def valid_date(value: object) -> str | None:
    """``YYYY-MM-DD`` as given, or None when empty; BadInput otherwise."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise BadInput(f"date {value!r} is not YYYY-MM-DD")
    try:
        Date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"date {value!r} is not a calendar date") from None
    return value


def title_from_body(body: str, limit: int = TITLE_MAX) -> str:
    """The first sentence or line of ``body``, cut at a word within ``limit``."""
    text = body.strip()
    line = text.split("\n", 1)[0].strip()
    match = _SENTENCE_END.search(line)
    if match:
        line = line[: match.end()].strip()
    if len(line) <= limit:
        return line
    cut = line[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,،:;") + "…"


def decode(data: bytes) -> str:
    """Text from bytes: a BOM says UTF-8, UTF-16 or UTF-32; otherwise strict UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    # before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError as e:
            raise BadInput(f"not valid UTF-32 (byte {e.start})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise BadInput(f"not valid UTF-16 (byte {e.start})") from None
    if b"\x00" in data:
        raise BadInput("binary file (NUL bytes, no UTF-16 byte-order mark)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadInput(f"not valid UTF-8 (byte {e.start})") from None


def _clean(text: str) -> str:
    # One line-end convention, and no NULs, so offsets are stable everywhere.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def make_document(
    doc_id: str,
    text: str,
    *,
    title: str | None = None,
    lang: str | None = None,
    date: str | None = None,
    url: str | None = None,
    path: str = "",
) -> Document:
    text = _clean(text).strip("\n")
    title = _clean(title).strip() if title else title_from_body(text)
    if lang not in LANGUAGES:
        lang = detect_language(text)
    return Document(doc_id, text, title, lang, date, url, path)


def read_text_file(path: Path) -> Document:
    """One article: an optional `` date YYYY-MM-DD`` first line, then the body."""
    text = _clean(decode(path.read_bytes()))
    doc_date = None
    match = _DATE_LINE.match(text)
    if match:
        doc_date = valid_date(match.group(1))
        text = text[match.end() :]
    if not text.strip():
        raise BadInput("empty document")
    return make_document(path.stem, text, date=doc_date, path=str(path))


def _jsonl_document(obj: object, path: Path) -> Document:
    if not isinstance(obj, dict):
        raise BadInput("not a JSON object")
    doc_id, text = obj.get("id"), obj.get("text")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise BadInput("missing or empty 'id'")
    if not isinstance(text, str) or not text.strip():
        raise BadInput("missing or empty 'text'")
    title, lang, url = obj.get("title"), obj.get("lang"), obj.get("url")
    for name, value in (("title", title), ("lang", lang), ("url", url)):
        if value is not None and not isinstance(value, str):
            raise BadInput(f"'{name}' is not a string")
    return make_document(
        doc_id.strip(),
        text,
        title=title,
        lang=lang,
        date=valid_date(obj.get("date")),
        url=url,
        path=str(path),
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


def _files_under(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.endswith(TEXT_SUFFIXES + JSONL_SUFFIXES):
                yield Path(root) / name


def read_file(path: Path) -> Iterator[Document | Problem]:
    if path.suffix in JSONL_SUFFIXES:
        yield from read_jsonl_file(path)
        return
    try:
        yield read_text_file(path)
    except BadInput as e:
        yield Problem(str(path), str(e))
    except OSError as e:
        yield Problem(str(path), f"cannot read: {e.strerror}")


def count_inputs(paths: Iterable[str | os.PathLike]) -> int:
    """About how many documents ``paths`` hold (JSONL lines, text files), for progress."""
    total = 0
    for raw in paths:
        path = Path(raw)
        files = _files_under(path) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            if file.suffix in JSONL_SUFFIXES:
                with open(file, "rb") as handle:
                    total += sum(
                        chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")
                    )
            else:
                total += 1
    return total


def read_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Document | Problem]:
    """Documents from files and folders (recursively), with problems in line.

    A document id seen twice is a Problem: the first one read is kept.
    """
    seen: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files: Iterable[Path] = _files_under(path)
        elif path.exists():
            files = [path]
        else:
            yield Problem(str(path), "no such file or folder")
            continue
        for file in files:
            for item in read_file(file):
                if isinstance(item, Document):
                    if item.id in seen:
                        yield Problem(
                            item.path,
                            f"duplicate id {item.id!r} (first in {seen[item.id]})",
                            item.line,
                        )
                        continue
                    seen[item.id] = item.path
                yield item
