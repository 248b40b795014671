"""The document every format is read into, the problem that stands for bad input,
and what the formats share: decoding, dates, titles."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

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
    # the outlet's name, or the host of its url; the author(s) as the source names them
    source: str | None = None
    author: str | None = None
    # when it was published, in the time zone the source gave (aware; stored in UTC
    # with that offset beside it); ``date`` is its calendar day in that zone
    published: datetime | None = None
    hash: str = field(default="", compare=False)
    # where it was read: its line in a JSONL file, for problems found later (a duplicate id)
    line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.hash:
            parts = (self.id, self.title, self.text, self.lang, self.date or "", self.url or "")
            # the fields added in format 4 count only when given
            extra = (self.source or "", self.author or "", self.published_utc or "")
            if any(extra):
                parts += extra + (self.published_offset or "",)
            self.hash = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()

    @property
    def published_utc(self) -> str | None:
        """``published`` in UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (sorts as text)."""
        return utc_text(self.published) if self.published else None

    @property
    def published_offset(self) -> str | None:
        """The offset ``published`` was given in, ``+03:30`` (``+00:00`` for UTC)."""
        return offset_text(self.published) if self.published else None


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


_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_published(value: object) -> datetime | None:
    """A publication time: ISO 8601 (``2025-11-07T10:30:00+03:30``, ``...Z``) or the
    RFC 822 of feeds and mail (``Fri, 07 Nov 2025 10:30:00 +0330``); None when empty.

    The offset given is kept; a time with none is read as UTC. BadInput otherwise."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadInput(f"published time {value!r} is not a string")
    text = value.strip()
    match = _DATE_TIME.fullmatch(text)
    if match:
        year, month, day, hour, minute, second, fraction, zone = match.groups()
        try:
            moment = datetime(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                int(second or 0),
                int((fraction or "0")[:6].ljust(6, "0")),
                tzinfo=_zone(zone),
            )
        except ValueError:
            raise BadInput(f"published time {value!r} is not a calendar time") from None
        return moment
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        raise BadInput(f"published time {value!r} is neither ISO 8601 nor RFC 822") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _zone(text: str | None) -> timezone:
    if text in (None, "Z", "z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise BadInput(f"time zone {text!r} is not an offset")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def from_stored(utc: str | None, offset: str | None) -> datetime | None:
    """The aware time ``published_utc`` and ``published_offset`` stand for."""
    if not utc:
        return None
    moment = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return moment.astimezone(_zone(offset or None))


def host_of(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``: the source when no outlet is named."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


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
    source: str | None = None,
    author: str | None = None,
    published: datetime | None = None,
) -> Document:
    """A Document with what was not given filled in: the title from the first
    sentence, the language from the letters, the date from ``published`` (its
    calendar day where it was published), the source from the url's host."""
    text = clean(text).strip("\n")
    title = clean(title).strip() if title else title_from_body(text)
    if lang not in LANGUAGES:
        lang = detect_language(text)
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    if date is None and published is not None:
        date = published.date().isoformat()
    source = " ".join(source.split()) if source and source.strip() else host_of(url)
    author = " ".join(author.split()) if author and author.strip() else None
    return Document(
        doc_id,
        text,
        title,
        lang,
        date=date,
        url=url,
        path=path,
        source=source,
        author=author,
        published=published,
    )


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(value: object) -> bool:
    """Whether a command-line argument is a web address (http:// or https://)."""
    text = str(value).lower()
    return text.startswith(("http://", "https://"))


def looks_like_url(value: object) -> bool:
    """Whether an argument is written as a URL of any scheme (``file:///…``,
    ``ftp://…``): read as one, to be refused by name rather than missed as a file."""
    return bool(_SCHEME.match(str(value)))
