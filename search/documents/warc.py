"""Web archives (``.warc``, ``.warc.gz``): every HTML response record an article.

Each ``response`` record of status 200 whose ``Content-Type`` is HTML goes
through the same reading as a saved page (:mod:`.html`), with the record's
``WARC-Target-URI`` as the page's address and the charset of its HTTP header
first. Other records (requests, metadata, images, redirects) are passed over.

A record that cannot be read is a Problem named by its byte offset in the file;
a truncated or damaged archive ends there (what came before is kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import BadInput, MissingLibrary
from .html import decode_html, page_document
from .model import Document, Problem

SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)


def _archive_iterator():
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as e:
        raise MissingLibrary(
            f"reading web archives needs warcio ({e.name} is missing): "
            "pip install 'warcio >= 1.7, < 2'"
        ) from None
    return ArchiveIterator


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def _record_document(record, path: Path, warnings: list[str]) -> Document | None:
    """The article of one record, None for a record that is not an HTML page."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    content_type = record.http_headers.get_header("Content-Type") or ""
    if not content_type.lower().startswith(HTML_TYPES):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = record.content_stream().read()
    short = getattr(record.raw_stream, "limit", 0)  # bytes its Content-Length still owes
    if short:
        raise BadInput(f"truncated: {short} bytes of its content are missing")
    charset = _CHARSET.search(content_type)
    html = decode_html(body, charset.group(1) if charset else None)
    return page_document(html, path=str(path), url=url, warnings=warnings)


def read_warc_file(path: Path) -> Iterator[Document | Problem]:
    """Every HTML page of an archive; a bad record is a Problem, the others still read."""
    iterator_type = _archive_iterator()
    try:
        handle = open(path, "rb")
    except OSError as e:
        yield Problem(str(path), f"cannot read: {e.strerror}")
        return
    with handle:
        records = iterator_type(handle)
        # the offset is known once a record is read to its end (warcio reads it
        # there when asked), so a record is named by its address until then
        where = "the first record"
        count = 0
        while True:
            try:
                record = next(records)
                count += 1
                if not str(getattr(record, "format", "warc")).startswith("warc"):
                    # warcio reads other bytes as an old ARC record: not an archive of ours
                    raise BadInput("not a WARC record")
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                if url:
                    where = f"the record of {url}"
                elif count > 1:
                    where = f"the record after {where}"
                warnings: list[str] = []
                try:
                    doc = _record_document(record, path, warnings)
                finally:
                    where = f"record at byte {records.get_record_offset()}" + (
                        f" ({url})" if url else ""
                    )
            except StopIteration:
                if not count:
                    yield Problem(str(path), "no WARC record in the file")
                return
            except BadInput as e:
                yield Problem(str(path), f"{where}: {e}")
                if str(e) == "not a WARC record":
                    return
                continue
            except Exception as e:  # warcio's errors for a truncated or damaged archive
                yield Problem(
                    str(path),
                    f"{where}: truncated or damaged ({type(e).__name__}: {e}); "
                    "the rest of the archive is not read",
                )
                return
            for warning in warnings:
                yield Problem(str(path), f"{where}: {warning}", skipped=False)
            if doc is not None:
                yield doc
