"""The document every format is read into, the problem that stands for bad input,
and what the formats share: decoding, dates, titles."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date as Date

from ..analysis import detect_language
from ..errors import BadInput
from ..languages import LANGUAGES

TITLE_MAX = 120

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


def clean(text: str) -> str:
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
    text = clean(text).strip("\n")
    title = clean(title).strip() if title else title_from_body(text)
    if lang not in LANGUAGES:
        lang = detect_language(text)
    return Document(doc_id, text, title, lang, date, url, path)
