"""Building or updating an index from documents.

An update adds new documents, re-indexes changed ones (by content hash) and,
with ``prune``, removes those whose source is gone; it commits once, so readers
see the old state or the new one, never a half-written one. Large runs are
written by one process a core (:mod:`.parallel`), each with our segment writer
(:mod:`.writer`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.index import LockError

from ..analysis import LangText
from ..documents import Document, Problem, is_url, read_paths, title_from_body
from ..errors import IndexError_

if TYPE_CHECKING:
    from ..documents.fetch import Fetcher
from .schema import INDEX_FORMAT, create, exists, index_format, open_dir

WRITE_LOCK_TIMEOUT = 60.0


def document_fields(doc: Document) -> dict:
    """What Whoosh indexes and stores for one document.

    The title and body are parts of one LangText, so the analysis runs once
    per document, in whichever process indexes it.
    """
    both = LangText(doc.title + "\n" + doc.text, doc.lang)
    body = LangText(doc.text, doc.lang, whole=both, offset=len(doc.title) + 1)
    # A title made from the body's first sentence is a title for the title
    # field; in the streams of the whole text its words would count twice.
    whole = body if doc.title == title_from_body(doc.text) else both
    return {
        "id": doc.id,
        "path": doc.path,
        "lang": doc.lang,
        "date": doc.date or "",
        "hash": doc.hash,
        "url": doc.url,
        "source": doc.source or "",
        "author": doc.author,
        "published": doc.published_utc or "",
        "published_offset": doc.published_offset,
        "title": LangText(doc.title, doc.lang, whole=both, offset=0),
        "body": body,
        "stem": whole,
        "key": whole,
        "_stored_title": doc.title,
        "_stored_body": doc.text,
    }


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

    def to_dict(self) -> dict:
        return report_dict(self)


def report_dict(report) -> dict:
    """What ``--json`` prints of an indexing run (an IndexReport, or a sharded run's)."""
    return {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "skipped": report.skipped,
        "problems": [str(p) for p in report.problems],
        "seconds": round(report.seconds, 3),
    }


def _still_changed(pending, existing, report: IndexReport):
    """The documents of ``pending`` that ``existing`` does not already hold as they are."""
    kept = []
    for doc, _ in pending:
        old = existing.get(doc.id)
        if old and old[0] == doc.hash:
            report.unchanged += 1
        else:
            kept.append((doc, old is not None))
    return kept


def _existing(ix: whoosh_index.Index) -> dict[str, tuple[str, str]]:
    """id → (hash, path) of every document already indexed."""
    with ix.searcher() as searcher:
        return {
            f["id"]: (f.get("hash", ""), f.get("path", ""))
            for f in searcher.reader().all_stored_fields()
        }


def update(
    index_dir: str | os.PathLike,
    paths: Iterable[str | os.PathLike],
    *,
    prune: bool = False,
    on_document: Callable[[Document | Problem], None] | None = None,
    allow_private: bool = False,
    fetch_pages: bool = True,
    fetcher: Fetcher | None = None,
    csv_map: Mapping[str, str] | str | None = None,
) -> IndexReport:
    """Adds new and changed documents from ``paths``; with ``prune``, removes gone ones.

    ``paths`` may hold URLs, fetched as ``documents.read_paths`` says (with
    ``allow_private``, ``fetch_pages`` and ``fetcher``); ``csv_map`` names the CSV
    columns of fields (``{"text": "body"}``).

    Pruning removes the documents whose file no longer exists, and those of
    a file (or URL) read now that no longer holds them (a line gone from a JSONL
    file, an item gone from a feed); a URL's documents are not gone because no
    file has their URL's name.
    """
    items = read_paths(
        paths,
        allow_private=allow_private,
        fetch_pages=fetch_pages,
        fetcher=fetcher,
        csv_map=csv_map,
    )
    return write_documents(index_dir, items, prune=prune, on_document=on_document)


# Below this many documents to write, one process does it all: starting the
# indexing processes costs more than it saves.
PARALLEL_THRESHOLD = 500
# Memory for each writer's postings before it spills a sorted run to disk, in
# megabytes as sys.getsizeof counts the buffer (search/index/writer.py's POSTING_BYTES
# and TERM_BYTES): at 100k documents two writer processes and the parent stay
# under the 500 MB target (docs/BENCHMARKS.md).
WRITER_LIMIT_MB = 32


def indexing_processes() -> int:
    """Processes that analyse and write segments: every core (``SEARCH_INDEX_PROCS``)."""
    configured = os.environ.get("SEARCH_INDEX_PROCS")
    if configured and configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _open_writer(ix: whoosh_index.Index, index_dir: Path, procs: int):
    """One writer, or one per core writing a segment each (analysis included)."""
    try:
        if procs > 1:
            # each process keeps its own segment: merging them would cost as
            # much again; Whoosh merges small segments on later commits
            from .parallel import ParallelWriter

            return ParallelWriter(
                ix,
                procs=procs,
                multisegment=True,
                limitmb=WRITER_LIMIT_MB,
                timeout=WRITE_LOCK_TIMEOUT,
            )
        from .writer import FastSegmentWriter

        return FastSegmentWriter(ix, limitmb=WRITER_LIMIT_MB, timeout=WRITE_LOCK_TIMEOUT)
    except LockError:
        raise IndexError_(
            f"another indexing run is writing to {index_dir}; try again when it has finished"
        ) from None
    except OSError as e:
        raise IndexError_(f"cannot write to the index in {index_dir}: {e.strerror}") from e


def _cancel_quietly(writer) -> None:
    """Drops what a failed run wrote; a writer that failed inside commit is closed already."""
    if not getattr(writer, "is_closed", False):
        with contextlib.suppress(Exception):
            writer.cancel()


def write_documents(
    index_dir: str | os.PathLike,
    items: Iterable[Document | Problem],
    *,
    prune: bool = False,
    delete_ids: Iterable[str] = (),
    on_document: Callable[[Document | Problem], None] | None = None,
) -> IndexReport:
    """Adds new and changed documents, deletes ``delete_ids``; one commit.

    ``items`` may carry Problems (input that was not read): they are counted
    and reported, never indexed.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    ix = open_dir(index_dir) if exists(index_dir) else create(index_dir)
    found = index_format(index_dir)
    if found != INDEX_FORMAT:
        # its terms come from another version of the analysis: mixing would
        # make old documents unfindable by the new query analysis
        raise IndexError_(
            f"the index in {index_dir} was built by another version (format {found}, "
            f"this one writes {INDEX_FORMAT}): remove it and index again"
        )
    generation = ix.latest_generation()
    existing = _existing(ix)
    report = IndexReport()
    seen: set[str] = set()
    files_read: set[str] = set()

    def changed() -> Iterator[tuple[Document, bool]]:
        """Documents to write, with whether they replace an indexed one."""
        for item in items:
            if on_document:
                on_document(item)
            if isinstance(item, Problem):
                report.problems.append(item)
                continue
            seen.add(item.id)
            files_read.add(item.path)
            old = existing.get(item.id)
            if old and old[0] == item.hash:
                report.unchanged += 1
                continue
            yield item, old is not None

    pending = changed()
    first = list(islice(pending, PARALLEL_THRESHOLD))
    procs = indexing_processes() if len(first) == PARALLEL_THRESHOLD else 1
    writer = _open_writer(ix, index_dir, procs)
    if ix.latest_generation() != generation:
        # another run committed while this one waited for the lock: what is
        # new is decided again, or its documents would be added twice
        existing.clear()
        existing.update(_existing(ix))
        first = _still_changed(first, existing, report)
    try:
        for doc, replaces in chain(first, pending):
            if replaces:
                writer.update_document(**document_fields(doc))
                report.updated += 1
            else:
                writer.add_document(**document_fields(doc))
                report.added += 1
        for doc_id in delete_ids:
            if doc_id in existing and doc_id not in seen:
                writer.delete_by_term("id", doc_id)
                report.removed += 1
        if prune:
            for doc_id, (_, path) in existing.items():
                gone = not Path(path).exists() if path and not is_url(path) else False
                if doc_id not in seen and (gone or path in files_read):
                    writer.delete_by_term("id", doc_id)
                    report.removed += 1
        writer.commit()
    except OSError as e:
        _cancel_quietly(writer)
        raise IndexError_(
            f"cannot write to the index in {index_dir}: {e.strerror or e}; "
            "it is as it was before this run"
        ) from e
    except BaseException:
        _cancel_quietly(writer)
        raise
    report.seconds = time.perf_counter() - started
    return report
