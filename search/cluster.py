"""Past one machine: an index split into shards on a Dask cluster.

Needs the ``cluster`` extra (``pip install 'multilingual-news-search[cluster]'``),
a ``dask scheduler`` and ``dask worker`` processes (docs/scale-out.md).

* :func:`index_sharded` reads documents here, routes each to shard
  ``shard_of(id, N)`` (a stable hash of its id, so a changed document replaces
  itself in the same shard) and has each shard written by one task on the
  worker that owns it, all shards in parallel.
* :class:`ShardedIndex` searches: phase 1 gathers each shard's statistics for
  the query's terms and sums them; phase 2 has every shard score with these
  collection-wide figures (:class:`~search.cluster_shard.GlobalBM25F`) and
  return its top ``page * limit`` by (score, id), its total and its language
  counts; phase 3 fetches titles and snippets of the page's hits from their
  shards. The ranking is that of one index over the same documents. A shard
  that does not answer within ``timeout`` is named in ``missing_shards``; the
  result is then ``partial``.
* :func:`cluster_status` tells which worker holds which shard.

Shards are found, not configured: every worker lists the shard folders under
its shard root (see :func:`search.cluster_shard.resolve_root`), so a worker
that restarts, even on another port, is found again with its shards.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as Q
from whoosh.spelling import Corrector

from . import engine
from .analysis import token_script
from .cluster_rank import expand_multiterms, merge_expansions, rank_key
from .cluster_shard import (
    ShardActor,
    list_shards,
    merge_stats,
    shard_documents,
    shard_name,
    shard_of,
    write_shard,
)
from .documents import Document, Problem, read_paths
from .engine import Hit, SearchResult, StoredDocument
from .highlight import MatchTerms, mark_all
from .index import IndexError_, report_dict
from .query import LANG_CODES, ParsedQuery, QueryBuilder, QueryError

log = logging.getLogger(__name__)

# Seconds a search waits for the shards, all phases together.
DEFAULT_TIMEOUT = 10.0
# Seconds to wait for the scheduler when connecting, and for workers to list their shards.
CONNECT_TIMEOUT = 10.0
DISCOVER_TIMEOUT = 5.0
# How often a long-lived ShardedIndex looks again for workers and shards, and how
# soon after a shard went missing.
REFRESH_SECONDS = 30.0
RETRY_SECONDS = 1.0
# The share of the time left that each phase of a search may wait for the shards
# (statistics, ranking, snippets; did-you-mean gets the rest): one shard that
# hangs in a phase must not use up the others' time for the next.
PHASE_SHARES = (0.25, 0.6, 0.8)
# Completions looked at per shard, as SearchIndex.suggest looks at 2000 terms.
COMPLETION_TERMS = 2000


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


# -- searching


@dataclass
class ClusterSearchResult(SearchResult):
    """A SearchResult; ``missing_shards`` names the shards that did not answer in time."""

    missing_shards: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.missing_shards)

    def to_dict(self) -> dict:
        out = super().to_dict()
        if self.missing_shards:
            out["partial"] = True
            out["missing_shards"] = list(self.missing_shards)
        return out


class _MergedCorrector(Corrector):
    """Whoosh's ReaderCorrector ranking, over the term frequencies summed across shards."""

    def __init__(self, frequencies: dict[str, float]):
        self.frequencies = frequencies

    def _suggestions(self, text, maxdist, prefix):
        for sug, f in self.frequencies.items():
            yield (0 - (maxdist + (1.0 / (f or 1) * 0.5)), sug)


def _union_terms(parts: Iterable[dict | None]) -> dict[str, set[str]]:
    """The terms a query looked up on every shard, together."""
    out: dict[str, set[str]] = {"exact": set(), "stem": set(), "key": set()}
    for part in parts:
        for stream, terms in (part or {}).items():
            out[stream] |= terms
    return out


@dataclass
class _Open:
    placement: Placement
    future: object
    actor: object


class ShardedIndex:
    """A sharded index on a Dask cluster, searched like a :class:`~search.SearchIndex`.

    ``search``, ``document``, ``marked``, ``stats`` and ``suggest`` answer as
    SearchIndex's do; ``search`` returns a :class:`ClusterSearchResult`.
    Safe to share between threads.
    """

    def __init__(
        self,
        cluster,
        shard_root: str | os.PathLike | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        self._own_client = isinstance(cluster, str)
        if self._own_client:
            self.client = connect(cluster, timeout=min(CONNECT_TIMEOUT, max(1.0, timeout)))
        else:
            self.client = cluster
        self.address = self.client.scheduler.address
        self.root = os.fspath(shard_root) if shard_root is not None else None
        self.timeout = timeout
        self.builder = QueryBuilder()
        self._lock = threading.RLock()
        self._layout: Layout | None = None
        self._open: dict[int, _Open] = {}
        self._checked = 0.0
        self._stale = True

    @property
    def path(self) -> str:
        return f"{self.address} (shards in {self.root or 'each worker’s shard root'})"

    # -- shards and their actors

    def layout(self, deadline: float | None = None, force: bool = False) -> Layout:
        """Where the shards are, looked up again when stale, old, or incomplete."""
        with self._lock:
            now = time.monotonic()
            age = now - self._checked
            layout = self._layout
            due = (
                force
                or layout is None
                or age > REFRESH_SECONDS
                or ((self._stale or layout.missing or layout.unreachable) and age > RETRY_SECONDS)
            )
            if not due:
                return layout
            # a search spends at most a quarter of its time looking for shards
            wait = DISCOVER_TIMEOUT
            if deadline is not None:
                wait = min(wait, max(0.2, 0.25 * (deadline - now)))
            try:
                fresh = discover(self.client, self.root, timeout=wait)
            except Exception as e:  # the scheduler did not answer: keep what we knew
                log.warning("cannot list the shards: %s", e)
                self._checked = now
                if layout is None:
                    raise IndexError_(f"cannot list the shards on {self.address}: {e}") from None
                return layout
            if layout is not None:
                if fresh.shards is None and layout.shards:
                    fresh.shards = layout.shards  # every worker gone: still name the missing
                for shard, placement in layout.placements.items():
                    # a worker too busy to list its shards may still answer for them
                    if shard not in fresh.placements and placement.worker in fresh.unreachable:
                        fresh.placements[shard] = placement
            self._layout = fresh
            self._checked = now
            self._stale = False
            self._open_actors(fresh, wait)
            return fresh

    def _open_actors(self, layout: Layout, wait: float) -> None:
        for shard in list(self._open):
            placement = layout.placements.get(shard)
            current = self._open[shard].placement
            if (
                placement is None
                or (placement.worker, placement.path) != (current.worker, current.path)
                or self._open[shard].future.status != "finished"
            ):
                self._open.pop(shard).future.release()
        wanted = {s: p for s, p in layout.placements.items() if s not in self._open}
        if not wanted:
            return
        futures = {
            shard: self.client.submit(
                ShardActor,
                p.path,
                p.name,
                actor=True,
                workers=[p.worker],
                allow_other_workers=False,
                pure=False,
                key=f"{p.name}-{uuid.uuid4().hex[:12]}",
            )
            for shard, p in wanted.items()
        }
        for shard, (status, value) in _settle(self.client, futures, wait).items():
            if status == "ok":
                # the handle must know its client to call the actor; result() of a
                # finished future inside as_current() binds it (Dask looks the client up)
                with self.client.as_current():
                    actor = futures[shard].result()
                self._open[shard] = _Open(wanted[shard], futures[shard], actor)
            else:
                log.warning("cannot open %s: %s", wanted[shard].name, value or status)
                futures[shard].release()
                self._stale = True

    def _actors(self, deadline: float) -> tuple[Layout, dict[int, object]]:
        layout = self.layout(deadline)
        with self._lock:
            return layout, {s: o.actor for s, o in self._open.items() if s in layout.placements}

    def _fan_out(self, calls: dict, deadline: float, share: float = 1.0) -> tuple[dict, set]:
        """Calls ``actor.method(*args)`` for every key (a shard) at once; (answers, failed keys).

        Waits ``share`` of the time left before ``deadline``, so that a shard
        that hangs in one phase leaves time for the others' next phases.
        """
        wait = share * (deadline - time.monotonic())
        futures, failed = {}, set()
        for shard, (actor, method, args) in calls.items():
            try:
                futures[shard] = getattr(actor, method)(*args)
            except Exception as e:  # the actor's worker is known to be gone
                log.warning("shard %s: %s", shard, e)
                failed.add(shard)
        answers = {}
        for shard, (status, value) in _settle(self.client, futures, wait).items():
            if status == "ok":
                answers[shard] = value
            else:
                log.warning("shard %s did not answer %s: %s", shard, status, value)
                failed.add(shard)
        if failed:
            with self._lock:
                self._stale = True
        return answers, failed

    # -- searching

    def parse(self, text: str) -> ParsedQuery:
        return self.builder.parse(text)

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        page: int = 1,
        lang: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        snippets: bool = True,
    ) -> ClusterSearchResult:
        """Ranked results for ``text``, as SearchIndex.search ranks them (QueryError alike)."""
        started = time.perf_counter()
        parsed, lang, date_from, date_to = engine.parse_request(
            self.builder, text, limit, page, lang, date_from, date_to
        )
        deadline = time.monotonic() + self.timeout
        layout, actors = self._actors(deadline)
        missing = set(layout.missing) | (set(layout.placements) - set(actors))
        query = parsed.query

        # 1: the collection's statistics for the query's terms, and the terms to mark
        answers, failed = self._fan_out(
            {s: (a, "stats", (query, snippets)) for s, a in actors.items()},
            deadline,
            PHASE_SHARES[0],
        )
        missing |= failed
        stats = merge_stats(answers[s]["stats"] for s in sorted(answers))
        terms = _union_terms(a["match"] for a in answers.values()) if snippets else None
        # prefixes, wildcards and fuzzy terms: their expansion over all shards
        expansions = merge_expansions(query, (a["expansions"] for a in answers.values()))
        if expansions:
            query = expand_multiterms(query, expansions=expansions)

        # 2: every shard's top page * limit, scored with those statistics
        k = page * limit
        args = (query, lang, date_from, date_to, k, stats)
        ranked, failed = self._fan_out(
            {s: (actors[s], "rank", args) for s in answers}, deadline, PHASE_SHARES[1]
        )
        missing |= failed
        total = 0
        facets: dict[str, int] = {}
        candidates = []
        for shard, answer in ranked.items():
            total += answer["total"]
            for key, count in answer["facets"].items():
                facets[key] = facets.get(key, 0) + count
            if answer["unknown_terms"]:
                log.warning(
                    "shard %s scored %d terms without figures", shard, answer["unknown_terms"]
                )
            candidates.extend((score, doc_id, shard) for score, doc_id in answer["hits"])
        candidates.sort(key=lambda c: rank_key(c[0], c[1]))
        on_page = candidates[(page - 1) * limit : page * limit]

        # 3: titles and snippets of the page's hits, from their shards
        wanted: dict[int, list[str]] = {}
        for _, doc_id, shard in on_page:
            wanted.setdefault(shard, []).append(doc_id)
        fetched, failed = self._fan_out(
            {s: (actors[s], "fetch", (ids, terms, snippets)) for s, ids in wanted.items()},
            deadline,
            PHASE_SHARES[2],
        )
        missing |= failed
        hits = []
        for score, doc_id, shard in on_page:
            fields = fetched.get(shard, {}).get(doc_id)
            if fields is not None:
                hits.append(Hit(score=score, **fields))

        suggestion = None
        if total < 3:
            suggestion = self._suggestion(parsed, {s: actors[s] for s in ranked}, deadline)
        took = (time.perf_counter() - started) * 1000
        return ClusterSearchResult(
            query=text,
            total=total,
            took_ms=took,
            suggestion=suggestion,
            results=hits,
            page=page,
            limit=limit,
            lang=lang,
            facets={k: v for k, v in sorted(facets.items()) if v},
            missing_shards=layout.names(missing),
        )

    def _suggestion(self, parsed: ParsedQuery, actors: dict, deadline: float) -> str | None:
        """As SearchIndex._suggestion, with frequencies summed over the shards."""
        words = []
        for word in parsed.words:
            exact = self.builder.exact(word)
            if not exact or len(exact) < 3 or exact.isdigit():
                continue
            words.append((word, exact))
        if not words:
            return None
        exacts = [exact for _, exact in words]
        answers, _ = self._fan_out(
            {s: (a, "spelling", (exacts,)) for s, a in actors.items()}, deadline
        )
        text, changed = parsed.text, False
        for i, (word, exact) in enumerate(words):
            if any(a[i]["body"] or a[i]["title"] for a in answers.values()):
                continue
            frequencies: dict[str, float] = {}
            for answer in answers.values():
                for sug, f in answer[i]["candidates"].items():
                    frequencies[sug] = frequencies.get(sug, 0) + f
            script = token_script(word)
            corrector = _MergedCorrector(frequencies)
            for candidate in corrector.suggest(exact, limit=5, maxdist=2, prefix=1):
                if token_script(candidate) == script and candidate != exact:
                    text = text.replace(word, candidate, 1)
                    changed = True
                    break
        return text if changed else None

    # -- documents

    def _shard_actor(self, doc_id: str, deadline: float) -> tuple[int, object]:
        layout, actors = self._actors(deadline)
        if not layout.shards:
            raise IndexError_(f"no shards on the cluster at {self.address}")
        shard = shard_of(doc_id, layout.shards)
        if shard not in actors:
            raise IndexError_(f"{shard_name(shard, layout.shards)} is not answering")
        return shard, actors[shard]

    def document(self, doc_id: str) -> StoredDocument | None:
        deadline = time.monotonic() + self.timeout
        shard, actor = self._shard_actor(doc_id, deadline)
        answers, failed = self._fan_out({shard: (actor, "document", (doc_id,))}, deadline)
        if failed:
            raise IndexError_(f"the shard holding {doc_id!r} did not answer")
        fields = answers[shard]
        if not fields:
            return None
        return StoredDocument(
            id=fields["id"],
            title=fields.get("title", ""),
            text=fields.get("body", ""),
            lang=fields.get("lang", ""),
            date=fields.get("date") or None,
            url=fields.get("url"),
            path=fields.get("path"),
        )

    def match_terms(self, text: str) -> MatchTerms:
        """The terms ``text`` looks up in the whole collection (its expansions on every shard)."""
        query = self.parse(text).query
        deadline = time.monotonic() + self.timeout
        _, actors = self._actors(deadline)
        answers, _ = self._fan_out(
            {s: (a, "stats", (query, True)) for s, a in actors.items()}, deadline
        )
        return MatchTerms(**_union_terms(a["match"] for a in answers.values()))

    def marked(self, doc: StoredDocument, text: str | None) -> dict[str, str]:
        """As SearchIndex.marked: the title and text as HTML, the query's matches marked."""
        terms = MatchTerms()
        if text and text.strip():
            try:
                terms = self.match_terms(text)
            except QueryError:
                pass
        return {
            "title": mark_all(doc.title, terms, doc.lang),
            "text": mark_all(doc.text, terms, doc.lang),
        }

    # -- what the index holds

    def stats(self) -> dict:
        """As SearchIndex.stats, summed over the shards that answer."""
        deadline = time.monotonic() + self.timeout
        layout, actors = self._actors(deadline)
        answers, failed = self._fan_out(
            {s: (a, "summary", ()) for s, a in actors.items()}, deadline
        )
        langs: dict[str, int] = {}
        starts, ends = [], []
        for answer in answers.values():
            for lang, count in answer["languages"].items():
                langs[lang] = langs.get(lang, 0) + count
            if answer["date_from"]:
                starts.append(answer["date_from"])
                ends.append(answer["date_to"])
        missing = set(layout.missing) | (set(layout.placements) - set(answers))
        return {
            "documents": sum(a["documents"] for a in answers.values()),
            "languages": {lang: langs[lang] for lang in LANG_CODES if langs.get(lang)},
            "date_from": min(starts) if starts else None,
            "date_to": max(ends) if ends else None,
            "shards": layout.shards,
            "missing_shards": layout.names(missing),
        }

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """As SearchIndex.suggest: the last word completed by document frequency, then titles.

        The completions and their order are those of one index; a word's
        spelling is taken from the lowest-numbered shard that has it (one index
        takes its first article's), and the titles are ranked by (score, id).
        """
        words = prefix.split()
        if not words:
            return []
        head, last = " ".join(words[:-1]), self.builder.exact(words[-1])
        if not last:
            return []
        deadline = time.monotonic() + self.timeout
        _, actors = self._actors(deadline)
        title_query = Q.Prefix("title", last)
        calls = {}
        for s, a in actors.items():
            calls[s, "words"] = (a, "completions", (last, COMPLETION_TERMS))
            calls[s, "stats"] = (a, "stats", (title_query,))
        answers, _ = self._fan_out(calls, deadline)
        frequencies: dict[str, int] = {}
        holders: dict[str, int] = {}
        for (s, what), answer in sorted(answers.items()):
            if what == "words":
                for word, df in answer:
                    frequencies[word] = frequencies.get(word, 0) + df
                    holders.setdefault(word, s)
        first = sorted(frequencies)[:COMPLETION_TERMS]
        scored = sorted(((frequencies[w], w) for w in first), key=lambda p: (-p[0], p[1]))
        chosen = [w for _, w in scored[: max(1, limit - 2)]]
        stats_answers = [a for (_, what), a in answers.items() if what == "stats"]
        stats = merge_stats(a["stats"] for a in stats_answers)
        expansions = merge_expansions(title_query, (a["expansions"] for a in stats_answers))
        title_query = expand_multiterms(title_query, expansions=expansions)
        calls = {}
        for s, a in actors.items():
            mine = [w for w in chosen if holders.get(w) == s]
            if mine:
                calls[s, "surfaces"] = (a, "surfaces", (mine,))
            calls[s, "titles"] = (a, "rank", (title_query, None, None, None, limit, stats, True))
        answers, _ = self._fan_out(calls, deadline)
        surfaces: dict[str, str] = {}
        titles = []
        for (_, what), answer in answers.items():
            if what == "surfaces":
                surfaces.update(answer)
            else:
                titles.extend(answer["hits"])
        completions = [(head + " " + surfaces.get(w, w)).strip() for w in chosen]
        for _, _, title in sorted(titles, key=lambda t: rank_key(t[0], t[1])):
            if len(completions) >= limit:
                break
            if title not in completions:
                completions.append(title)
        return completions[:limit]

    # -- closing

    def close(self) -> None:
        with self._lock:
            for opened in self._open.values():
                try:
                    opened.future.release()
                except Exception:
                    pass
            self._open.clear()
            self._layout = None
        if self._own_client:
            self.client.close()

    def __enter__(self) -> ShardedIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_cluster(
    address: str, shard_root: str | os.PathLike | None = None, timeout: float = DEFAULT_TIMEOUT
) -> ShardedIndex:
    """The sharded index on the cluster at ``address``; IndexError_ if it holds no shards."""
    ix = ShardedIndex(address, shard_root, timeout=timeout)
    try:
        layout = ix.layout(time.monotonic() + max(timeout, DISCOVER_TIMEOUT))
    except BaseException:
        ix.close()
        raise
    if not layout.shards:
        ix.close()
        where = shard_root or "their shard root"
        raise IndexError_(
            f"no shards on the workers of {address} (in {where}): build them with "
            f"`search-cli index --cluster {address} --shards N PATH...`"
        )
    return ix


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
) -> ShardedReport:
    """Builds or updates the shards from ``paths`` in parallel on the workers.

    Documents are read here and routed by id; each shard is written by one
    task on the worker that holds it (a new shard goes to the workers in turn).
    ``shards`` may be left out when the shards exist. ``prune`` removes the
    documents whose file is gone or no longer holds them, as ``update`` does;
    ``delete_ids`` removes documents by id; both reach the shard of the id.
    ``compact`` then rewrites each shard from its stored documents, so that
    replaced and deleted ones leave the statistics (see
    :func:`search.cluster_shard.compact_shard`).
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
        for item in read_paths(paths):
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
                    gone = not Path(path).exists() if path else False
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
