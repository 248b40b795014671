"""The index: its schema, and building or updating it from documents.

An update adds new documents, re-indexes changed ones (by content hash) and,
with ``prune``, removes those whose source is gone; it commits once, so readers
see the old state or the new one, never a half-written one.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.index import LockError
from whoosh.system import pack_uint

from .analysis import (
    LangText,
    default_analysis,
    exact_analyzer,
    key_analyzer,
    stem_analyzer,
)
from .storage import read_segments_in_place

if TYPE_CHECKING:
    from .documents import Document, Problem

# A search imports this module (the schema names AnalyzedText), so what only
# writing needs is imported where it is used: the document reader, the segment
# writer, and the writer processes with multiprocessing (search/parallel_writer.py).

# every searcher of every index reads the mapped segment files, never a copy
read_segments_in_place()

# Bumped whenever analysis or schema change what is in an index: an index built
# by another version is rebuilt (default index) or reported (others).
INDEX_FORMAT = "2"
FORMAT_FILE = "FORMAT"
WRITE_LOCK_TIMEOUT = 60.0


class IndexError_(Exception):
    """An index that cannot be opened or written, with a message for people."""


STREAMS = {"exact": 0, "stem": 1, "key": 2}


class AnalyzedText(TEXT):
    """A TEXT field that takes its terms from the document's one analysis.

    Given a :class:`LangText`, it reads the stream it indexes from the terms
    the text has computed once for all fields; the postings are the same as
    its analyzer would give (the test suite checks it). Given plain text, it
    is an ordinary TEXT field.
    """

    def __init__(self, stream: str, **kwargs):
        super().__init__(**kwargs)
        self.stream = stream

    def term_positions(self, value) -> dict[str, list[int]] | None:
        """Each term of the stream with its positions; None for plain text."""
        if not isinstance(value, LangText):
            return None
        column = STREAMS[self.stream]
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for pos, terms in enumerate(value.terms(default_analysis())):
            positions[terms[column]].append(pos)
        positions.pop("", None)  # words a stream leaves out (stopwords)
        return positions

    def index(self, value, **kwargs):
        positions = self.term_positions(value)
        if positions is None:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        encode = self.value_encoder()
        for term, poses in positions.items():
            freq = len(poses)
            yield term.encode("utf-8"), freq, freq * boost, encode(poses)

    def value_encoder(self) -> Callable[[list[int]], bytes]:
        """The posting value of a term from its positions, as the field's format has it."""
        if type(self.format) is Positions:
            return _encode_positions
        if isinstance(self.format, Positions):
            return self.format.encode
        return _encode_frequency


@functools.lru_cache(maxsize=4096)
def _encode_single(pos: int) -> bytes:
    return Positions.encode(None, [pos])


def _encode_positions(poses: list[int]) -> bytes:
    # most terms occur once in a document: their value is cached by position
    if len(poses) == 1:
        return _encode_single(poses[0])
    return Positions.encode(None, poses)


def _encode_frequency(poses: list[int]) -> bytes:
    return pack_uint(len(poses))


def schema() -> Schema:
    exact = exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        lang=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        hash=ID(stored=True),
        url=STORED,
        # the reader's own words, with positions for phrases
        title=AnalyzedText("exact", analyzer=exact, stored=True),
        body=AnalyzedText("exact", analyzer=exact, stored=True, spelling=True),
        # title + body stemmed (the body alone when the title is its first
        # sentence); positions so that quoted phrases match through clitics
        stem=AnalyzedText("stem", analyzer=stem_analyzer()),
        # title + body as cross-script keys; frequencies only
        key=AnalyzedText("key", analyzer=key_analyzer(), phrase=False),
    )


def document_fields(doc: Document) -> dict:
    """What Whoosh indexes and stores for one document.

    The title and body are parts of one LangText, so the analysis runs once
    per document, in whichever process indexes it.
    """
    from .documents import title_from_body

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
        "title": LangText(doc.title, doc.lang, whole=both, offset=0),
        "body": body,
        "stem": whole,
        "key": whole,
        "_stored_title": doc.title,
        "_stored_body": doc.text,
    }


def index_format(index_dir: Path) -> str | None:
    try:
        return (index_dir / FORMAT_FILE).read_text().strip()
    except OSError:
        return None


def exists(index_dir: str | os.PathLike) -> bool:
    return whoosh_index.exists_in(str(index_dir))


def create(index_dir: str | os.PathLike) -> whoosh_index.Index:
    path = Path(index_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(path), schema())
        (path / FORMAT_FILE).write_text(INDEX_FORMAT + "\n")
    except OSError as e:
        raise IndexError_(f"cannot create an index in {path}: {e.strerror}") from None
    return ix


def open_dir(index_dir: str | os.PathLike) -> whoosh_index.Index:
    path = Path(index_dir)
    if not exists(path):
        raise IndexError_(
            f"no index in {path}: build one with `search-cli index --index {path} PATH...`"
        )
    try:
        return whoosh_index.open_dir(str(path))
    except Exception as e:  # a damaged or foreign index
        raise IndexError_(f"cannot open the index in {path}: {e}") from None


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
) -> IndexReport:
    """Adds new and changed documents from ``paths``; with ``prune``, removes gone ones.

    Pruning removes the documents whose file no longer exists, and those of
    a file read now that no longer holds them (a line gone from a JSONL file).
    """
    from .documents import read_paths

    return write_documents(index_dir, read_paths(paths), prune=prune, on_document=on_document)


# Below this many documents to write, one process does it all: starting the
# indexing processes costs more than it saves.
PARALLEL_THRESHOLD = 500
# Memory for each writer's postings before it spills a sorted run to disk, in
# megabytes as sys.getsizeof counts the buffer (search/writer.py's POSTING_BYTES
# and TERM_BYTES): at 100k documents two writer processes and the parent stay
# under 500 MB (478 MB measured).
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
            from .parallel_writer import ParallelWriter

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
    from .documents import Problem

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
                gone = not Path(path).exists() if path else False
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


# The default index: built from the bundled seeds the first time it is needed.

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent


def seeds_dir() -> Path:
    """The bundled corpus: the checkout's ``seeds/``, or the installed copy."""
    checkout = CHECKOUT_DIR / "seeds"
    if (CHECKOUT_DIR / "setup.cfg").exists() and checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "seeds"


def _writable(folder: Path) -> bool:
    probe = folder
    while not probe.exists():
        probe = probe.parent
    return os.access(probe, os.W_OK)


def default_index_dir() -> Path:
    """``SEARCH_INDEX``, else the checkout's ``index/``, else the user's cache."""
    configured = os.environ.get("SEARCH_INDEX")
    if configured:
        return Path(configured)
    checkout = CHECKOUT_DIR / "index"
    if (CHECKOUT_DIR / "setup.cfg").exists() and _writable(checkout):
        return checkout
    import platformdirs

    return Path(platformdirs.user_cache_dir("multilingual-news-search")) / "index"


def seeds_fingerprint(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha1(INDEX_FORMAT.encode())
    for file in sorted(folder.glob("*.txt")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def seeds_signature(folder: Path) -> str:
    """Each seed's name, size and modification time (and the index format), as one line.

    Cheap where the fingerprint reads every seed: when it is what it was at the
    last check, the seeds are taken as unchanged (as ``make`` and ``git status``
    take a file whose size and time have not moved).
    """
    stats = []
    for file in sorted(folder.glob("*.txt")):
        st = file.stat()
        stats.append((file.name, st.st_size, st.st_mtime_ns))
    return repr((INDEX_FORMAT, stats))


FINGERPRINT_FILE = "SEEDS"
# The fingerprint again, with the seeds' signature when it was last confirmed: a
# file of its own, so that SEEDS stays what every version reads and writes.
SIGNATURE_FILE = "SEEDS.stat"


def _seeds_unchanged(index_dir: Path, signature: str) -> bool:
    """True when the seeds' signature is the one recorded with the index's fingerprint."""
    try:
        fingerprint = (index_dir / FINGERPRINT_FILE).read_text().strip()
        recorded = (index_dir / SIGNATURE_FILE).read_text().split("\n", 1)
    except OSError:
        return False
    return bool(fingerprint) and recorded == [fingerprint, signature + "\n"]


def _record_signature(index_dir: Path, fingerprint: str, signature: str) -> None:
    with contextlib.suppress(OSError):  # a read-only index is checked by hashing each time
        (index_dir / SIGNATURE_FILE).write_text(f"{fingerprint}\n{signature}\n")


def ensure_seeded(index_dir: Path, seeds: Path | None = None) -> IndexReport | None:
    """Builds or refreshes an index of the seeds; None when it was up to date."""
    seeds = seeds or seeds_dir()
    signature = seeds_signature(seeds)
    if _seeds_unchanged(index_dir, signature) and exists(index_dir):
        return None
    fingerprint = seeds_fingerprint(seeds)
    marker = index_dir / FINGERPRINT_FILE
    if exists(index_dir) and marker.exists() and marker.read_text().strip() == fingerprint:
        # the same seeds with other times (a fresh checkout, or no signature yet)
        _record_signature(index_dir, fingerprint, signature)
        return None
    if exists(index_dir) and index_format(index_dir) != INDEX_FORMAT:
        import shutil

        # built by another version of the analysis: its terms cannot be trusted
        # (the folder's own files, such as a checkout's .gitkeep, stay)
        for child in index_dir.iterdir():
            if not child.name.startswith("."):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    report = update(index_dir, [seeds], prune=True)
    marker.write_text(fingerprint + "\n")
    _record_signature(index_dir, fingerprint, signature)
    return report
