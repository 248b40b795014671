"""The worker's side of a sharded index: shards on disk, their writer, their actor.

A shard is an ordinary index of ours (same schema, same analysis), in a folder
``shard-III-of-NNN`` under a root folder on the worker, with a ``SHARD.json``
manifest beside Whoosh's files. The root is the one the client names, else the
worker's ``SEARCH_SHARD_ROOT``, else a folder in the worker user's data
directory; each worker's own disk, or a shared file system.

Searching a shard happens in :class:`ShardActor`, a Dask actor that keeps the
shard's :class:`~search.engine.SearchIndex` (and its searchers) open. It scores
with :class:`GlobalBM25F`: Whoosh's BM25F formula fed the collection
statistics of all shards rather than this shard's own, which is what makes a
sharded index rank exactly as one index over the same documents.

This module imports Dask only inside functions, so it can be imported (and
unit-tested) without the ``cluster`` extra.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from math import log
from pathlib import Path

from whoosh import query as Q
from whoosh import scoring
from whoosh.searching import Searcher

from .. import index as index_module
from ..budget import Deadline
from ..documents import Document
from ..documents.model import from_stored
from ..highlight import MatchTerms, highlighted_hit
from ..query.crossscript import prefix_candidates
from ..query.expand import multiterm_expansions
from ..query.parse import date_range
from ..suggest import completion_candidates, spellings

SHARD_FILE = "SHARD.json"
ROOT_ENV = "SEARCH_SHARD_ROOT"
APP_NAME = "multilingual-news-search"


# -- where documents and shards live


def shard_of(doc_id: str, shards: int) -> int:
    """The shard of a document: a stable hash of its id (the same on every machine)."""
    digest = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % shards


def shard_name(shard: int, shards: int) -> str:
    return f"shard-{shard:03d}-of-{shards:03d}"


def resolve_root(root: str | os.PathLike | None) -> Path:
    """The shard root on this machine: ``root``, else $SEARCH_SHARD_ROOT, else the data dir.

    ``~`` and ``$VARIABLES`` in ``root`` are expanded here, on the worker:
    ``$SEARCH_SHARD_ROOT/news`` is a folder under each worker's own root.
    """
    if root:
        return Path(os.path.expandvars(os.fspath(root))).expanduser()
    configured = os.environ.get(ROOT_ENV)
    if configured:
        return Path(os.path.expandvars(configured)).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "shards"


def _worker_address() -> str | None:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return None


def _folder_bytes(folder: Path) -> int:
    total = 0
    for entry in folder.iterdir():
        if entry.is_file():
            try:
                total += entry.stat().st_size
            except OSError:
                pass
    return total


def read_manifest(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / SHARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not {"shard", "shards"} <= data.keys():
        return None
    return data


def shard_info(folder: Path, manifest: dict | None = None) -> dict:
    """What a shard folder holds: its place, documents, size and generation."""
    manifest = manifest or read_manifest(folder) or {}
    documents = None
    problem = None
    try:
        ix = index_module.open_dir(folder)
        documents = ix.doc_count()
        ix.close()
    except index_module.IndexError_ as e:
        problem = str(e)
    fmt = index_module.index_format(folder)
    if problem is None and fmt != index_module.INDEX_FORMAT:
        problem = f"built by index format {fmt}, this version reads {index_module.INDEX_FORMAT}"
    return {
        "name": folder.name,
        "shard": manifest.get("shard"),
        "shards": manifest.get("shards"),
        "generation": manifest.get("generation", 0),
        "updated": manifest.get("updated"),
        "path": str(folder),
        "documents": documents,
        "bytes": _folder_bytes(folder),
        "problem": problem,
    }


def list_shards(root: str | None) -> dict:
    """This worker's shards under ``root`` (a task run on every worker)."""
    resolved = resolve_root(root)
    shards = []
    if resolved.is_dir():
        for folder in sorted(resolved.iterdir()):
            if folder.is_dir() and folder.name.startswith("shard-"):
                manifest = read_manifest(folder)
                if manifest is not None:
                    shards.append(shard_info(folder, manifest))
    return {"worker": _worker_address(), "root": str(resolved), "shards": shards}


def shard_documents(path: str) -> list[tuple[str, str]]:
    """(id, source path) of every document of a shard: what pruning needs to know."""
    ix = index_module.open_dir(path)
    try:
        with ix.searcher() as searcher:
            return [(f["id"], f.get("path", "")) for f in searcher.reader().all_stored_fields()]
    finally:
        ix.close()


def write_shard(
    root: str | None,
    shard: int,
    shards: int,
    documents: list[Document],
    delete_ids: Iterable[str] = (),
    compact: bool = False,
) -> dict:
    """Adds and updates ``documents`` in one shard, deletes ``delete_ids``; one commit.

    ``compact`` then rewrites the shard from its stored documents (see
    :func:`compact_shard`).

    Run as a task on the worker that owns the shard. Every document must
    belong to this shard (a document in the wrong shard would be a duplicate).
    """
    for doc in documents:
        if shard_of(doc.id, shards) != shard:
            raise ValueError(f"document {doc.id!r} belongs to shard {shard_of(doc.id, shards)}")
    folder = resolve_root(root) / shard_name(shard, shards)
    if index_module.exists(folder):
        fmt = index_module.index_format(folder)
        if fmt != index_module.INDEX_FORMAT:
            raise index_module.IndexError_(
                f"{folder} was built by index format {fmt}; this version writes "
                f"{index_module.INDEX_FORMAT}: remove the shard root and index again"
            )
    # One process per shard: a Dask worker is a daemon process (it may not start
    # indexing processes) and has threads (forking it is not safe). Shards and
    # workers are the parallelism here; SEARCH_INDEX_PROCS on a worker overrides.
    os.environ.setdefault("SEARCH_INDEX_PROCS", "1")
    report = index_module.write_documents(folder, documents, delete_ids=delete_ids)
    if compact:
        compact_shard(folder)
    manifest = read_manifest(folder) or {"shard": shard, "shards": shards, "generation": 0}
    manifest.update(
        shard=shard,
        shards=shards,
        generation=int(manifest.get("generation", 0)) + 1,
        updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    tmp = folder / (SHARD_FILE + ".tmp")
    tmp.write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    tmp.replace(folder / SHARD_FILE)
    info = shard_info(folder, manifest)
    info["worker"] = _worker_address()
    info["report"] = report.to_dict()
    return info


def compact_shard(folder: Path) -> int:
    """Rewrites a shard from its own stored documents, as a fresh index of them.

    Deleted and replaced documents stay in Whoosh's statistics (document
    count, frequencies, field lengths) until their segment is merged, and a
    merge sums field lengths as Whoosh stores them per document, rounded to
    one byte; so an index that was updated ranks a little differently from a
    fresh one. Whoosh's ``optimize()`` only merges; this re-indexes every live
    document (title and text are stored) in one new segment, so the shard's
    figures are exactly those of a fresh index of the same documents.
    """
    from whoosh.writing import CLEAR

    ix = index_module.open_dir(folder)
    try:
        with ix.searcher() as searcher:
            stored = list(searcher.reader().all_stored_fields())
        writer = ix.writer(
            limitmb=getattr(index_module, "WRITER_LIMIT_MB", 128),
            timeout=index_module.WRITE_LOCK_TIMEOUT,
        )
        try:
            for fields in sorted(stored, key=lambda f: f["id"]):
                doc = Document(
                    id=fields["id"],
                    text=fields.get("body", ""),
                    title=fields.get("title", ""),
                    lang=fields.get("lang", ""),
                    date=fields.get("date") or None,
                    url=fields.get("url"),
                    path=fields.get("path", ""),
                    source=fields.get("source") or None,
                    author=fields.get("author"),
                    published=from_stored(fields.get("published"), fields.get("published_offset")),
                    hash=fields.get("hash", ""),
                )
                writer.add_document(**index_module.document_fields(doc))
            writer.commit(mergetype=CLEAR)
        except BaseException:
            writer.cancel()
            raise
    finally:
        ix.close()
    return len(stored)


# -- scoring with the collection's statistics


def query_terms(query: Q.Query, reader) -> set[tuple[str, bytes]]:
    """Every (field, term) of this reader that scoring ``query`` can look up.

    Prefixes, wildcards and fuzzy terms are expanded against the reader, and
    phrase words included. (Whoosh's ``Query.existing_terms`` would do, but it
    skips leaves on other fields than the first one's.)
    """
    schema = reader.schema
    found: set[tuple[str, bytes]] = set()
    for leaf in query.leaves():
        try:
            terms = list(leaf.expanded_terms(reader, phrases=True))
        except Exception:  # a leaf without terms (Every, NullQuery)
            continue
        for fieldname, text in terms:
            if fieldname not in schema:
                continue
            if not isinstance(text, bytes):
                try:
                    text = schema[fieldname].to_bytes(text)
                except ValueError:
                    continue
            if (fieldname, text) in reader:
                found.add((fieldname, text))
    return found


def collection_stats(query: Q.Query, reader) -> dict:
    """This shard's share of the figures BM25F needs for ``query``.

    The same figures Whoosh reads from one index: documents (deleted ones not
    yet merged away included, as ``doc_count_all``), each scorable field's
    total length, and each term's document frequency.
    """
    schema = reader.schema
    return {
        "doc_count": reader.doc_count_all(),
        "lengths": {
            name: reader.field_length(name) for name in schema.names() if schema[name].scorable
        },
        "df": {term: reader.doc_frequency(*term) for term in query_terms(query, reader)},
    }


def merge_stats(parts: Iterable[dict]) -> dict:
    """The collection's figures: the shards' figures summed."""
    total = {"doc_count": 0, "lengths": {}, "df": {}}
    for part in parts:
        total["doc_count"] += part["doc_count"]
        for name, length in part["lengths"].items():
            total["lengths"][name] = total["lengths"].get(name, 0) + length
        for term, df in part["df"].items():
            total["df"][term] = total["df"].get(term, 0) + df
    return total


class GlobalBM25F(scoring.BM25F):
    """Whoosh's BM25F with the collection's statistics in place of the searcher's.

    Same formula as :class:`whoosh.scoring.BM25F` and its ``BM25FScorer``
    (``idf = log(N / (df + 1)) + 1``; ``avgfl = total field length / N``), and
    the same B, K1 and per-field B as the ``base`` model the engine configured.
    """

    def __init__(self, base: scoring.BM25F, stats: dict):
        if not isinstance(base, scoring.BM25F):
            raise TypeError(
                f"the engine weights with {type(base).__name__}; sharded search "
                "reproduces BM25F only"
            )
        super().__init__(B=base.B, K1=base.K1)
        self._field_B = dict(base._field_B)
        self.doc_count = stats["doc_count"]
        self.lengths = stats["lengths"]
        self.df = stats["df"]
        # terms scored without a global figure: should stay empty
        self.unknown: set[tuple[str, bytes]] = set()

    def idf(self, searcher, fieldname, text):
        if isinstance(text, str):
            text = text.encode("utf-8")
        n = self.df.get((fieldname, text))
        if n is None:
            self.unknown.add((fieldname, text))
            n = searcher.get_parent().doc_frequency(fieldname, text)
        return log(self.doc_count / (n + 1)) + 1

    def avg_field_length(self, fieldname: str) -> float:
        return self.lengths.get(fieldname, 0) / (self.doc_count or 1)

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        return GlobalBM25FScorer(self, searcher, fieldname, text, B, self.K1, qf=qf)


class GlobalBM25FScorer(scoring.BM25FScorer):
    def __init__(self, model: GlobalBM25F, searcher, fieldname, text, B, K1, qf=1):
        # as BM25FScorer.__init__, with the average field length of the collection
        parent = searcher.get_parent()
        self.idf = parent.idf(fieldname, text)  # cached per search, from model.idf
        self.avgfl = model.avg_field_length(fieldname) or 1
        self.B = B
        self.K1 = K1
        self.qf = qf
        self.setup(searcher, fieldname, text)


# -- the actor

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """Threads for the shard actors of this worker process (as many as its task threads)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            threads = 2
            try:
                from distributed import get_worker

                threads = max(threads, get_worker().state.nthreads)
            except (ImportError, ValueError, AttributeError):
                pass
            _pool = ThreadPoolExecutor(threads, thread_name_prefix="shard")
        return _pool


def shard_index(path: str):
    """A SearchIndex over one shard: its searchers see every commit as it is
    (``SearchIndex.searcher()`` opens a new searcher when the index changed)."""
    from ..engine import SearchIndex

    return SearchIndex(path)


class ShardActor:
    """One shard, open on the worker that holds it, answering the client's phases.

    Created with ``client.submit(ShardActor, path, name, actor=True, workers=[...])``.
    Its methods are coroutines that run the Whoosh work on a small thread pool,
    so the shards of one worker answer side by side (a plain actor method would
    queue behind every other actor of the worker on one thread).
    """

    def __init__(self, path: str, name: str):
        self.path = path
        self.name = name
        self.index = shard_index(path)
        self.opened = time.time()

    async def _run(self, fn, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_executor(), functools.partial(fn, *args))

    # phase 1: the statistics of the query's terms (and the terms to mark)

    async def stats(self, query: Q.Query, match: bool = False) -> dict:
        return await self._run(self._stats, query, match)

    def _stats(self, query: Q.Query, match: bool = False) -> dict:
        reader = self.index.searcher().reader()
        out = {
            "stats": collection_stats(query, reader),
            "expansions": multiterm_expansions(query, reader),
            "match": None,
        }
        if match:
            terms = MatchTerms.of(query, reader)
            out["match"] = {"exact": terms.exact, "stem": terms.stem, "key": terms.key}
        return out

    # phase 2: scored with the global statistics, the top k by (score, id)

    async def rank(
        self,
        query: Q.Query,
        lang: str | None,
        date_from: str | None,
        date_to: str | None,
        k: int,
        stats: dict,
        titles: bool = False,
        budget: float | None = None,
    ) -> dict:
        return await self._run(
            self._rank, query, lang, date_from, date_to, k, stats, titles, budget
        )

    def _rank(self, query, lang, date_from, date_to, k, stats, titles=False, budget=None) -> dict:
        # ranked as SearchIndex.search ranks, by a searcher of its own over the
        # same reader whose weighting carries the cluster's global figures
        model = GlobalBM25F(self.index.weighting, stats)
        base = self.index.searcher()
        searcher = Searcher(
            base.reader(), weighting=model, closereader=False, fromindex=self.index.ix
        )
        date_filter = date_range(date_from, date_to)
        deadline = Deadline(budget)  # the client's budget, what was left of it
        facets, total, top = self.index.rank(searcher, base, query, k, lang, date_filter, deadline)
        hits = []
        for score, docnum in top:
            fields = searcher.stored_fields(docnum)
            hit = (float(score or 0.0), fields["id"])
            hits.append((*hit, fields.get("title", "")) if titles else hit)
        return {
            "total": total,
            "facets": facets,
            "hits": hits,
            "unknown_terms": len(model.unknown),
        }

    # phase 3: stored fields and snippets of the hits on the page

    async def fetch(self, ids: list[str], terms: dict | None, snippets: bool = True) -> dict:
        return await self._run(self._fetch, ids, terms, snippets)

    def _fetch(self, ids, terms, snippets) -> dict:
        """Stored fields, snippet and marked title of each id, as SearchIndex.search makes them.

        ``terms`` are the query's terms on all shards (MatchTerms as sets), so
        that marks do not depend on which words this shard happens to hold.
        """
        searcher = self.index.searcher()
        match = MatchTerms(**terms) if terms else MatchTerms()
        out = {}
        for doc_id in ids:
            fields = searcher.document(id=doc_id)
            if fields:
                out[doc_id] = highlighted_hit(fields, 0.0, match, snippets)
        return out

    # did-you-mean, documents, marking, completions, figures

    async def spelling(self, words: list[str]) -> list[dict]:
        return await self._run(self._spellings, words)

    def _spellings(self, words: list[str]) -> list[dict]:
        return spellings(self.index.searcher().reader(), words)

    def _completions(self, prefix: str, cap: int) -> list[tuple[str, int]]:
        return completion_candidates(self.index.searcher().reader(), prefix, cap)

    async def document(self, doc_id: str) -> dict | None:
        return await self._run(self._document, doc_id)

    def _document(self, doc_id: str) -> dict | None:
        fields = self.index.searcher().document(id=doc_id)
        return dict(fields) if fields else None

    async def completions(self, prefix: str, cap: int) -> list[tuple[str, int]]:
        return await self._run(self._completions, prefix, cap)

    async def cross_completions(self, words: list[str], cap: int) -> list[list]:
        return await self._run(self._cross_completions, words, cap)

    def _cross_completions(self, words: list[str], cap: int) -> list[list]:
        """Per reading of a word being typed, the shard's :func:`prefix_candidates`."""
        reader = self.index.searcher().reader()
        return [prefix_candidates(reader, "key", word, cap) for word in words]

    async def surfaces(self, words: list[str]) -> dict[str, str]:
        return await self._run(self._surfaces, words)

    def _surfaces(self, words: list[str]) -> dict[str, str]:
        """How each exact term this shard holds is written in an article of it."""
        reader = self.index.searcher().reader()
        return {
            word: self.index.surface(word) for word in words if reader.doc_frequency("body", word)
        }

    async def summary(self) -> dict:
        return await self._run(self._summary)

    def _summary(self) -> dict:
        stats = self.index.stats()
        stats["name"] = self.name
        stats["path"] = self.path
        stats["bytes"] = _folder_bytes(Path(self.path))
        return stats
