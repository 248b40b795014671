"""Reading articles: every format a module, each to the same :class:`Document`.

Every problem is reported with the file (and line) it came from and the input
is skipped; every good document beside it is still read. Nothing here raises
for bad input.

An argument starting with ``http://`` or ``https://`` is a URL, fetched by the
rules of ``fetch.py`` (the only module that reaches the network, and only then):
a feed's items, or a page's article.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BadInput, MissingLibrary
from . import feeds, html, jsonl, tables, text, warc
from .feeds import read_feed_file
from .html import read_html_file
from .jsonl import read_jsonl_file
from .model import (
    Document,
    Problem,
    decode,
    is_url,
    looks_like_url,
    make_document,
    title_from_body,
    valid_date,
)
from .tables import parse_column_map, read_csv_file
from .text import read_text_file
from .warc import read_warc_file

if TYPE_CHECKING:
    from .fetch import Fetcher

TEXT_SUFFIXES = text.SUFFIXES
JSONL_SUFFIXES = jsonl.SUFFIXES
HTML_SUFFIXES = html.SUFFIXES
FEED_SUFFIXES = feeds.SUFFIXES
WARC_SUFFIXES = warc.SUFFIXES
CSV_SUFFIXES = tables.SUFFIXES
# what a folder is searched for; a file named on its own is read whatever its name
# (as text when its suffix says nothing else)
ALL_SUFFIXES = (
    TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES + FEED_SUFFIXES + WARC_SUFFIXES + CSV_SUFFIXES
)

__all__ = [
    "Document",
    "Fetcher",
    "MissingLibrary",
    "Problem",
    "count_inputs",
    "is_url",
    "decode",
    "make_document",
    "parse_column_map",
    "read_csv_file",
    "read_feed_file",
    "read_file",
    "read_html_file",
    "read_jsonl_file",
    "read_paths",
    "read_text_file",
    "read_warc_file",
    "title_from_body",
    "valid_date",
]


def __getattr__(name: str):
    # fetch.py (http.client, ssl) is imported when a URL is read, not for every search
    if name in ("Fetcher", "read_url"):
        from . import fetch

        return getattr(fetch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _files_under(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(ALL_SUFFIXES):
                yield Path(root) / name


def read_file(
    path: Path, *, csv_map: Mapping[str, str] | None = None
) -> Iterator[Document | Problem]:
    """The documents of one file, by its suffix; problems in line. ``csv_map`` names
    CSV columns for fields (``{"text": "body"}``)."""
    suffix = path.suffix.lower()
    if warc.is_warc(path):
        yield from read_warc_file(path)
        return
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl_file(path)
        return
    if suffix in CSV_SUFFIXES:
        yield from read_csv_file(path, csv_map)
        return
    if suffix in HTML_SUFFIXES:
        yield from read_html_file(path)
        return
    if suffix in feeds.NAMED_SUFFIXES:
        yield from read_feed_file(path)
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
        if is_url(raw):
            total += 1
            continue
        path = Path(raw)
        files = _files_under(path) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            if file.suffix.lower() in JSONL_SUFFIXES + CSV_SUFFIXES:
                with open(file, "rb") as handle:
                    total += sum(
                        chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")
                    )
            else:
                total += 1
    return total


def read_paths(
    paths: Iterable[str | os.PathLike],
    *,
    allow_private: bool = False,
    fetch_pages: bool = True,
    fetcher: Fetcher | None = None,
    csv_map: Mapping[str, str] | str | None = None,
) -> Iterator[Document | Problem]:
    """Documents from files, folders (recursively) and URLs, with problems in line.

    A URL (``http://``, ``https://``) is fetched (``fetch.Fetcher``; ``allow_private``
    lets it reach loopback and private addresses): a feed gives its items, each
    item's page fetched when the feed carries only its summary (unless
    ``fetch_pages`` is off), a page its article. ``fetcher``: one with other bounds.
    ``csv_map`` names the CSV columns of fields, ``{"title": "headline", "text": "body"}``
    or ``"title=headline,text=body"`` (BadInput at once for a field there is not).
    A document id seen twice is a Problem: the first one read is kept.
    """
    csv_map = parse_column_map(csv_map)
    seen: dict[str, str] = {}
    for raw in paths:
        if is_url(raw) or (looks_like_url(raw) and not Path(raw).exists()):
            from .fetch import Fetcher, read_url

            if fetcher is None:
                fetcher = Fetcher(allow_private=allow_private)
            items: Iterable[Document | Problem] = read_url(
                str(raw), fetcher, fetch_pages=fetch_pages
            )
        else:
            path = Path(raw)
            if path.is_dir():
                files: Iterable[Path] = _files_under(path)
            elif path.exists():
                files = [path]
            else:
                yield Problem(str(path), "no such file or folder")
                continue
            items = (item for file in files for item in read_file(file, csv_map=csv_map))
        for item in items:
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
