"""Where a sharded index's shards are: the Dask client, and which worker holds which shard.

Shards are found, not configured: every worker lists the shard folders under
its shard root (see :func:`search.cluster.shard.resolve_root`), so a worker
that restarts, even on another port, is found again with its shards.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import IndexError_
from .shard import list_shards, shard_name

log = logging.getLogger(__name__)

# Seconds to wait for the scheduler when connecting, and for workers to list their shards.
CONNECT_TIMEOUT = 10.0
DISCOVER_TIMEOUT = 5.0


def connect(address: str, timeout: float = CONNECT_TIMEOUT):
    """A Dask client of the scheduler at ``address``; IndexError_ when it cannot be reached."""
    try:
        from distributed import Client
    except ImportError:
        raise IndexError_(
            "the cluster needs Dask: pip install 'multilingual-news-search[cluster]'"
        ) from None
    try:
        return Client(
            address,
            timeout=timeout,
            set_as_default=False,
            direct_to_workers=True,
            name="search-cli",
        )
    except (OSError, TimeoutError, ValueError) as e:
        raise IndexError_(f"cannot reach the Dask scheduler at {address}: {e}") from None


def _settle(client, awaitables: dict, timeout: float) -> dict:
    """Awaits every awaitable for at most ``timeout`` seconds, all together.

    Returns key → ("ok", value) | ("error", exception) | ("timeout", None).
    """

    async def settle() -> dict:
        async def one(awaitable):
            return await awaitable

        tasks = {key: asyncio.ensure_future(one(a)) for key, a in awaitables.items()}
        if tasks:
            _, pending = await asyncio.wait(tasks.values(), timeout=max(0.0, timeout))
            for task in pending:
                task.cancel()
        out = {}
        for key, task in tasks.items():
            if not task.done() or task.cancelled():
                out[key] = ("timeout", None)
            elif task.exception() is not None:
                out[key] = ("error", task.exception())
            else:
                out[key] = ("ok", task.result())
        return out

    if not awaitables:
        return {}
    try:
        return client.sync(settle, callback_timeout=max(0.0, timeout) + 5.0)
    except Exception as e:  # the client's loop itself failed or timed out
        return {key: ("error", e) for key in awaitables}


# -- where the shards are


@dataclass
class Placement:
    """One shard, on the worker chosen to serve and write it."""

    shard: int
    shards: int
    name: str
    worker: str
    path: str
    generation: int = 0
    documents: int | None = None
    bytes: int = 0
    updated: str | None = None


@dataclass
class Layout:
    """Which worker holds which shard: what the workers reported just now."""

    shards: int | None
    placements: dict[int, Placement]
    workers: dict[str, dict]
    listings: dict[str, dict] = field(default_factory=dict)
    unreachable: list[str] = field(default_factory=list)
    strays: list[dict] = field(default_factory=list)

    @property
    def missing(self) -> list[int]:
        if not self.shards:
            return []
        return [i for i in range(self.shards) if i not in self.placements]

    def names(self, shards: Iterable[int]) -> list[str]:
        n = self.shards or 0
        return [shard_name(i, n) for i in sorted(shards)]


def _workers(client) -> dict[str, dict]:
    info = client.scheduler_info()
    return dict(sorted(info.get("workers", {}).items()))


def discover(
    client, shard_root: str | None, timeout: float = DISCOVER_TIMEOUT, shards: int | None = None
) -> Layout:
    """Asks every worker which shards it holds, and picks one worker per shard.

    A shard found on several workers (a shared file system, or a stale copy)
    is served by the copy with the highest generation (write count); among
    equal ones, spread over the workers by shard number.
    """
    workers = _workers(client)
    futures = {
        address: client.submit(
            list_shards,
            shard_root,
            workers=[address],
            allow_other_workers=False,
            pure=False,
            key=f"list-shards-{uuid.uuid4().hex}",
        )
        for address in workers
    }
    settled = _settle(client, futures, timeout)
    listings, unreachable = {}, []
    for address, (status, value) in settled.items():
        if status == "ok":
            listings[address] = value
        else:
            unreachable.append(address)
            futures[address].cancel()
    found: dict[int, list[tuple[str, dict]]] = {}
    counts: dict[int, int] = {}
    for listing in listings.values():
        for info in listing["shards"]:
            if isinstance(info.get("shards"), int):
                counts[info["shards"]] = counts.get(info["shards"], 0) + 1
    n = shards or (max(counts, key=lambda c: (counts[c], c)) if counts else None)
    strays = []
    for address, listing in listings.items():
        for info in listing["shards"]:
            if info.get("shards") != n or info.get("problem"):
                strays.append({**info, "worker": address})
                continue
            found.setdefault(info["shard"], []).append((address, info))
    placements = {}
    for shard, copies in sorted(found.items()):
        newest = max(info["generation"] for _, info in copies)
        candidates = sorted(a for a, info in copies if info["generation"] == newest)
        address = candidates[shard % len(candidates)]
        info = dict(copies)[address]
        placements[shard] = Placement(
            shard=shard,
            shards=n,
            name=info["name"],
            worker=address,
            path=info["path"],
            generation=info["generation"],
            documents=info["documents"],
            bytes=info["bytes"],
            updated=info.get("updated"),
        )
    return Layout(n, placements, workers, listings, unreachable, strays)
