"""CSV files with a header (``.csv``): each row an article.

Columns are found by their common names, case-insensitively (``COLUMNS``), or
named for a field with a column map (``{"title": "headline", "text": "body"}``,
on the command line ``--csv-map title=headline,text=body``). The delimiter is
what :class:`csv.Sniffer` finds among ``, ; TAB |``, a comma otherwise; quotes
are doubled inside a quoted field (RFC 4180).

The encoding is the other text formats': UTF-8 (with or without a byte-order
mark), or UTF-16/UTF-32 after their mark. A bad row (a field count other than
the header's, no text, no id, bytes that are not UTF-8) is a Problem at its
line, and the other rows are still read; a file without a text column is one
Problem. A date or publication time that cannot be read is left out with a
warning. (Named ``tables`` so as not to shadow the standard library's ``csv``.)
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

from ..errors import BadInput
from ..languages import LANGUAGES
from .model import Document, Problem, clean, decode, make_document, parse_published, valid_date

SUFFIXES = (".csv",)

# field -> the column names that give it, the likeliest first (compared in lower case)
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "doc_id", "docid"),
    "url": ("url", "link", "canonical_url"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "article", "article_text"),
    "date": ("date",),
    "published": ("published", "published_at", "pubdate", "datetime"),
    "lang": ("lang", "language"),
    "source": ("source", "outlet", "publisher", "site"),
    "author": ("author", "authors", "byline"),
}
FIELDS = tuple(COLUMNS)

_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024
# an article is longer than the csv module's default field limit (131,072 characters)
_FIELD_LIMIT = 64 * 1024 * 1024


def parse_column_map(text: str | Mapping[str, str] | None) -> dict[str, str]:
    """``title=headline,text=body`` (or such a mapping) as {field: column}; BadInput
    for a field this reader does not know or an entry without ``=``."""
    if not text:
        return {}
    if isinstance(text, Mapping):
        pairs = list(text.items())
    else:
        pairs = []
        for entry in text.split(","):
            if not entry.strip():
                continue
            field, sep, column = entry.partition("=")
            if not sep:
                raise BadInput(f"CSV map entry {entry.strip()!r} is not FIELD=COLUMN")
            pairs.append((field, column))
    columns: dict[str, str] = {}
    for field, column in pairs:
        field = str(field).strip().lower()
        if field not in COLUMNS:
            raise BadInput(f"CSV map: no field {field!r} (fields: {', '.join(FIELDS)})")
        if not isinstance(column, str) or not column.strip():
            raise BadInput(f"CSV map: no column named for {field!r}")
        columns[field] = column.strip()
    return columns


def _text(data: bytes) -> str:
    """The file's text. UTF-8 is decoded with its bad bytes kept as lone surrogates, so
    that only the rows holding them are reported; UTF-16 and UTF-32 are decoded whole."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        return decode(data)
    if b"\x00" in data[:4096]:
        raise BadInput("binary file (NUL bytes, no UTF-16 byte-order mark)")
    return data.decode("utf-8", errors="surrogateescape")


_BAD_BYTE = re.compile("[\udc80-\udcff]")


class _Dialect(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = False


def _dialects(text: str) -> list[type[csv.Dialect]]:
    """The sniffed delimiter's dialect, then the comma's."""
    sample = text[:_SNIFF_BYTES]
    if len(text) > _SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    found: list[type[csv.Dialect]] = []
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        sniffed = None
    if sniffed is not None and sniffed.delimiter != ",":
        # only the delimiter and the quote: the sniffer's guess of doubled quotes is
        # often wrong when the sample has none
        found.append(
            type(
                "Sniffed",
                (_Dialect,),
                {
                    "delimiter": sniffed.delimiter,
                    "quotechar": sniffed.quotechar or '"',
                    "skipinitialspace": bool(sniffed.skipinitialspace),
                },
            )
        )
    found.append(_Dialect)
    return found


def _header_columns(header: list[str], column_map: Mapping[str, str]) -> dict[str, int]:
    """field -> the position of its column; BadInput when a mapped column is missing
    or no column holds the text."""
    names = [cell.strip().lower() for cell in header]
    positions: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        wanted = (column_map[field].lower(),) if field in column_map else aliases
        for name in wanted:
            if name in names:
                positions[field] = names.index(name)
                break
        else:
            if field in column_map:
                raise BadInput(
                    f"no column {column_map[field]!r} (mapped to {field}); "
                    f"the header has: {_listed(header)}"
                )
    if "text" not in positions:
        raise BadInput(
            "no text column (text, body, content or article; or map one: "
            f"--csv-map text=COLUMN); the header has: {_listed(header)}"
        )
    return positions


def _listed(header: list[str]) -> str:
    shown = ", ".join(repr(cell.strip()) for cell in header[:20])
    return shown + (", ..." if len(header) > 20 else "") if header else "nothing"


def _lang(value: str) -> str | None:
    code = value.strip().replace("_", "-").split("-")[0].lower()
    if code in LANGUAGES:
        return code
    for lang in LANGUAGES.values():
        if value.strip().lower() in (lang.name.lower(), lang.native):
            return lang.code
    return None


def _row_document(
    row: list[str],
    positions: dict[str, int],
    *,
    path: Path,
    number: int,
    warnings: list[str],
) -> Document:
    def cell(field: str) -> str:
        return row[positions[field]].strip() if field in positions else ""

    text = row[positions["text"]]
    if not text.strip():
        raise BadInput("empty text")
    url = cell("url") or None
    doc_id = cell("id") or url
    if not doc_id:
        if "id" in positions or "url" in positions:
            raise BadInput("no id and no url")
        doc_id = f"{path.stem}-{number}"  # no id column: the file's name and the row's number
    published: datetime | None = None
    date = cell("date")
    if len(date) > 10:  # a date with its time: the publication time, its day the date
        moment, date = date, ""
    else:
        moment = ""
    for value in (cell("published"), moment):
        if value and published is None:
            try:
                published = parse_published(value)
            except BadInput as e:
                warnings.append(f"{e}: left out")
    try:
        date = valid_date(date)
    except BadInput as e:
        warnings.append(f"{e}: left out")
        date = None
    return make_document(
        doc_id,
        text,
        title=cell("title") or None,
        lang=_lang(cell("lang")),
        date=date,
        url=url,
        path=str(path),
        source=cell("source") or None,
        author=cell("author") or None,
        published=published,
    )


def read_csv_file(
    path: Path, column_map: Mapping[str, str] | str | None = None
) -> Iterator[Document | Problem]:
    """Every row of a CSV file with a header; a bad row is a Problem at its line."""
    try:
        columns = parse_column_map(column_map)
        data = path.read_bytes()
        text = clean(_text(data)) if data.strip() else ""
    except BadInput as e:
        yield Problem(str(path), str(e))
        return
    except OSError as e:
        yield Problem(str(path), f"cannot read: {e.strerror}")
        return
    if not text.strip():
        yield Problem(str(path), "empty file")
        return
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    problem = None
    for dialect in _dialects(text):
        rows = csv.reader(io.StringIO(text, newline=""), dialect)
        try:
            header = next(rows, [])
            positions = _header_columns(header, columns)
        except (BadInput, csv.Error) as e:
            problem = problem or Problem(str(path), str(e), 1)
            continue
        break
    else:
        yield problem
        return
    line = rows.line_num
    while True:
        start = line + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as e:
            line = rows.line_num
            yield Problem(str(path), f"not CSV: {e}", start)
            continue
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Problem(str(path), f"{len(row)} fields where the header has {len(header)}", start)
            continue
        if any(_BAD_BYTE.search(cell) for cell in row):
            yield Problem(str(path), "not valid UTF-8", start)
            continue
        warnings: list[str] = []
        try:
            doc = _row_document(row, positions, path=path, number=start, warnings=warnings)
        except BadInput as e:
            yield Problem(str(path), str(e), start)
            continue
        for warning in warnings:
            yield Problem(str(path), warning, start, skipped=False)
        doc.line = start
        yield doc
