"""Indexing into shards, and what the cluster holds.

:func:`index_sharded` reads documents here, routes each to shard
``shard_of(id, N)`` (a stable hash of its id, so a changed document replaces
itself in the same shard) and has each shard written by one task on the worker
that owns it, all shards in parallel. :func:`cluster_status` tells which
worker holds which shard.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import Document, Problem, is_url, read_paths
from ..errors import IndexError_
from ..index import report_dict
from .layout import Layout, connect, discover
from .shard import shard_documents, shard_name, shard_of, write_shard

log = logging.getLogger(__name__)


# -- indexing


@dataclass
class ShardedReport:
    """What an indexing run did, in total and per shard."""

    shards: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    read_seconds: float = 0.0

    def _sum(self, key: str) -> int:
        return sum(s["report"][key] for s in self.shards)

    @property
    def added(self) -> int:
        return self._sum("added")

    @property
    def updated(self) -> int:
        return self._sum("updated")

    @property
    def unchanged(self) -> int:
        return self._sum("unchanged")

    @property
    def removed(self) -> int:
        return self._sum("removed")

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

    def to_dict(self) -> dict:
        return {
            **report_dict(self),
            "shards": [
                {
                    "name": s["name"],
                    "worker": s["worker"],
                    "documents": s["documents"],
                    "bytes": s["bytes"],
                    **{k: s["report"][k] for k in ("added", "updated", "removed", "unchanged")},
                }
                for s in self.shards
            ],
        }


def _assign(layout: Layout, shards: int) -> dict[int, str]:
    """Shard → worker that writes it: where it is, else spread over the workers in order."""
    if layout.shards is not None and layout.placements and layout.shards != shards:
        raise IndexError_(
            f"the cluster holds {layout.shards} shards, not {shards}: re-sharding is not "
            "supported; index into a new shard root instead"
        )
    if layout.placements and layout.missing:
        unreadable = [
            f"{s['path']} on {s['worker']}: {s['problem']}"
            for s in layout.strays
            if s.get("problem")
        ]
        raise IndexError_(
            f"{', '.join(layout.names(layout.missing))} not found on any worker: start the "
            "worker that holds them (writing them elsewhere would duplicate documents)"
            + (f"; unreadable: {'; '.join(unreadable)}" if unreadable else "")
        )
    workers = sorted(layout.listings)
    if not workers:
        raise IndexError_("no worker answered: start `dask worker SCHEDULER_ADDRESS`")
    return {
        i: layout.placements[i].worker if i in layout.placements else workers[i % len(workers)]
        for i in range(shards)
    }


def index_sharded(
    cluster,
    shard_root: str | os.PathLike | None,
    paths: Iterable[str | os.PathLike],
    *,
    shards: int | None = None,
    prune: bool = False,
    delete_ids: Iterable[str] = (),
    compact: bool = False,
    csv_map: Mapping[str, str] | str | None = None,
) -> ShardedReport:
    """Builds or updates the shards from ``paths`` in parallel on the workers.

    Documents are read here and routed by id; each shard is written by one
    task on the worker that holds it (a new shard goes to the workers in turn).
    ``shards`` may be left out when the shards exist. ``prune`` removes the
    documents whose file is gone or no longer holds them, as ``update`` does;
    ``delete_ids`` removes documents by id; both reach the shard of the id.
    ``compact`` then rewrites each shard from its stored documents, so that
    replaced and deleted ones leave the statistics (see
    :func:`search.cluster.shard.compact_shard`).
    """
    started = time.perf_counter()
    own = isinstance(cluster, str)
    client = connect(cluster) if own else cluster
    try:
        layout = discover(client, os.fspath(shard_root) if shard_root else None, timeout=60.0)
        shards = shards or layout.shards
        if not shards:
            raise IndexError_("no shards yet: say how many with --shards N")
        if shards < 1:
            raise IndexError_("--shards must be at least 1")
        owners = _assign(layout, shards)
        root = os.fspath(shard_root) if shard_root else None

        report = ShardedReport()
        routed: dict[int, list[Document]] = {i: [] for i in range(shards)}
        for item in read_paths(paths, csv_map=csv_map):
            if isinstance(item, Problem):
                report.problems.append(item)
            else:
                routed[shard_of(item.id, shards)].append(item)
        report.read_seconds = time.perf_counter() - started

        deletes: dict[int, set[str]] = {i: set() for i in range(shards)}
        for doc_id in delete_ids:
            deletes[shard_of(doc_id, shards)].add(doc_id)
        if prune and layout.placements:
            seen = {d.id for docs in routed.values() for d in docs}
            files_read = {d.path for docs in routed.values() for d in docs}
            listings = {
                i: client.submit(
                    shard_documents, p.path, workers=[p.worker], allow_other_workers=False
                )
                for i, p in layout.placements.items()
            }
            for i, future in listings.items():
                for doc_id, path in future.result():
                    gone = not Path(path).exists() if path and not is_url(path) else False
                    if doc_id not in seen and (gone or path in files_read):
                        deletes[i].add(doc_id)

        futures = []
        for i in range(shards):
            worker = owners[i]
            [batch] = client.scatter([routed[i]], workers=[worker], hash=False)
            futures.append(
                client.submit(
                    write_shard,
                    root,
                    i,
                    shards,
                    batch,
                    sorted(deletes[i]),
                    compact,
                    workers=[worker],
                    allow_other_workers=False,
                    pure=False,
                    key=f"write-{shard_name(i, shards)}-{uuid.uuid4().hex[:12]}",
                )
            )
        try:
            report.shards = client.gather(futures)
        except IndexError_:
            raise
        except Exception as e:
            raise IndexError_(f"writing the shards failed: {e}") from None
        report.seconds = time.perf_counter() - started
        return report
    finally:
        if own:
            client.close()


# -- status


def cluster_status(cluster, shard_root: str | os.PathLike | None = None) -> dict:
    """Shards, documents per shard, workers and index sizes, as the workers report them."""
    own = isinstance(cluster, str)
    client = connect(cluster) if own else cluster
    try:
        layout = discover(client, os.fspath(shard_root) if shard_root else None)
        workers = []
        for address, info in layout.workers.items():
            listing = layout.listings.get(address)
            workers.append(
                {
                    "address": address,
                    "name": str(info.get("name", address)),
                    "threads": info.get("nthreads"),
                    "memory_limit": info.get("memory_limit"),
                    "root": listing["root"] if listing else None,
                    "answered": listing is not None,
                    "shards": [p.name for p in layout.placements.values() if p.worker == address],
                }
            )
        shards = [
            {
                "name": p.name,
                "worker": p.worker,
                "documents": p.documents,
                "bytes": p.bytes,
                "generation": p.generation,
                "updated": p.updated,
                "path": p.path,
            }
            for p in layout.placements.values()
        ]
        return {
            "scheduler": client.scheduler.address,
            "shards": layout.shards,
            "documents": sum(s["documents"] or 0 for s in shards),
            "bytes": sum(s["bytes"] for s in shards),
            "missing_shards": layout.names(layout.missing),
            "workers": workers,
            "shard_list": shards,
            "other_folders": [
                {k: s.get(k) for k in ("name", "worker", "path", "problem")} for s in layout.strays
            ],
        }
    finally:
        if own:
            client.close()
