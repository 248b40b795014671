"""Searching a sharded index as one: the client's side of a search, in phases.

:class:`ShardedIndex` searches: phase 1 gathers each shard's statistics for
the query's terms and sums them; phase 2 has every shard score with these
collection-wide figures (:class:`~search.cluster.shard.GlobalBM25F`) and
return its top ``page * limit`` by (score, id), its total and its language
counts; phase 3 fetches titles and snippets of the page's hits from their
shards. The ranking is that of one index over the same documents. A shard
that does not answer in time is named in ``missing_shards``; the result is
then ``partial``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from whoosh import query as Q

from .. import engine
from ..budget import Deadline
from ..errors import IndexError_
from ..highlight import MatchTerms, marked_document
from ..languages import LANG_CODES
from ..query import ParsedQuery, QueryBuilder
from ..query.crossscript import MAX_PREFIX_CANDIDATES, merge_prefix_candidates
from ..query.expand import expand_multiterms, merge_expansions
from ..ranking.order import rank_key
from ..results import SearchResult, StoredDocument, stored_document
from ..suggest import (
    COMPLETION_TERMS,
    MIN_TITLE_PREFIX,
    SUGGEST_BELOW,
    Suggestion,
    best_completions,
    completions,
    corrected_query,
    cross_script_words,
    prefix_words,
    split_prefix,
)
from .layout import CONNECT_TIMEOUT, DISCOVER_TIMEOUT, Layout, Placement, _settle, connect, discover
from .shard import ShardActor, merge_stats, shard_name, shard_of

log = logging.getLogger(__name__)

# Seconds a search waits for the shards, all phases together.
DEFAULT_TIMEOUT = 10.0
# How often a long-lived ShardedIndex looks again for workers and shards, and how
# soon after a shard went missing.
REFRESH_SECONDS = 30.0
RETRY_SECONDS = 1.0
# The share of the time left that each phase of a search may wait for the shards
# (statistics, ranking, snippets; did-you-mean gets the rest): one shard that
# hangs in a phase must not use up the others' time for the next.
PHASE_SHARES = (0.25, 0.6, 0.8)


# -- searching


# a SearchResult whose missing_shards may name shards (an earlier version's name)
ClusterSearchResult = SearchResult


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
        time_budget: float | None = None,
    ):
        """``timeout``: seconds a search waits for the shards (later ones are reported
        missing); ``time_budget``: seconds a search may take before it stops with
        SearchTimeout, as SearchIndex's (None or 0: no limit)."""
        self._own_client = isinstance(cluster, str)
        if self._own_client:
            self.client = connect(cluster, timeout=min(CONNECT_TIMEOUT, max(1.0, timeout)))
        else:
            self.client = cluster
        self.address = self.client.scheduler.address
        self.root = os.fspath(shard_root) if shard_root is not None else None
        self.timeout = timeout
        self.time_budget = time_budget
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

    def _deadline(self, budget: Deadline) -> float:
        """When to stop waiting for the shards: at the timeout, or the budget if sooner."""
        left = budget.left()
        return time.monotonic() + (self.timeout if left is None else min(self.timeout, left))

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
        time_budget: float | None = None,
    ) -> SearchResult:
        """Ranked results for ``text``, as SearchIndex.search ranks them (QueryError and
        SearchTimeout alike); shards that do not answer in time are ``missing_shards``."""
        started = time.perf_counter()
        budget = Deadline(self.time_budget if time_budget is None else time_budget)
        parsed, lang, date_from, date_to = engine.parse_request(
            self.builder, text, limit, page, lang, date_from, date_to
        )
        deadline = self._deadline(budget)
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
        budget.check()
        stats = merge_stats(answers[s]["stats"] for s in sorted(answers))
        # prefixes, wildcards and fuzzy terms: their expansion over all shards
        expansions = merge_expansions(query, (a["expansions"] for a in answers.values()))
        terms = None
        if snippets:
            # where the cross-script words and names came from, as one index tells it
            explained = MatchTerms().explained(parsed, expansions)
            terms = _union_terms(a["match"] for a in answers.values())
            terms.update(crossed=explained.crossed, linked=explained.linked)
        if expansions:
            query = expand_multiterms(query, expansions=expansions)

        # 2: every shard's top page * limit, scored with those statistics
        k = page * limit
        args = (query, lang, date_from, date_to, k, stats, False, budget.left())
        ranked, failed = self._fan_out(
            {s: (actors[s], "rank", args) for s in answers}, deadline, PHASE_SHARES[1]
        )
        missing |= failed
        budget.check()
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
        budget.check()
        hits = []
        for score, doc_id, shard in on_page:
            hit = fetched.get(shard, {}).get(doc_id)
            if hit is not None:
                hits.append(replace(hit, score=score))

        suggestion = None
        if total < SUGGEST_BELOW:
            shards = {s: actors[s] for s in ranked}
            suggestion = corrected_query(
                parsed, self.builder, lambda words: self._spellings(shards, words, deadline)
            )
        budget.check()
        took = (time.perf_counter() - started) * 1000
        return SearchResult(
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

    def _spellings(self, actors: dict, words: list[str], deadline: float) -> list[list[dict]]:
        """Each shard's :func:`search.suggest.spellings` of ``words``."""
        answers, _ = self._fan_out(
            {s: (a, "spelling", (words,)) for s, a in actors.items()}, deadline
        )
        return [answers[s] for s in sorted(answers)]

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
        return stored_document(fields) if fields else None

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
        return marked_document(doc, text, self.match_terms)

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
        """As SearchIndex.suggest: the text of :meth:`suggestions`."""
        return [s.text for s in self.suggestions(prefix, limit)]

    def suggestions(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """As SearchIndex.suggestions: the last word completed by document frequency,
        words of other scripts that sound like it, then titles.

        The completions and their order are those of one index (each shard reads
        the first terms of a prefix, and their union's first are one index's); a
        word's spelling is taken from the lowest-numbered shard that has it (one
        index takes its first article's), and the titles are ranked by (score, id).
        """
        split = split_prefix(self.builder, prefix)
        if split is None:
            return []
        head, last = split
        typed = prefix.split()[-1]
        readings = prefix_words(self.builder, typed)
        deadline = time.monotonic() + self.timeout
        _, actors = self._actors(deadline)
        title_query = Q.Prefix("title", last)
        with_titles = len(last) >= MIN_TITLE_PREFIX
        calls = {}
        for s, a in actors.items():
            calls[s, "words"] = (a, "completions", (last, COMPLETION_TERMS))
            if with_titles:
                calls[s, "stats"] = (a, "stats", (title_query,))
            if readings:
                calls[s, "across"] = (
                    a,
                    "cross_completions",
                    (readings, MAX_PREFIX_CANDIDATES),
                )
        answers, _ = self._fan_out(calls, deadline)
        parts = {s: answer for (s, what), answer in sorted(answers.items()) if what == "words"}
        holders: dict[str, int] = {}
        for s, part in parts.items():
            for word, _ in part:
                holders.setdefault(word, s)
        chosen = best_completions(parts.values(), limit)
        across_parts = [answer for (_, what), answer in sorted(answers.items()) if what == "across"]
        across = cross_script_words(
            (
                merge_prefix_candidates(part[i] for part in across_parts)
                for i in range(len(readings))
            ),
            max(1, limit - 2),
        )
        stats_answers = [a for (_, what), a in answers.items() if what == "stats"]
        stats = merge_stats(a["stats"] for a in stats_answers)
        expansions = merge_expansions(title_query, (a["expansions"] for a in stats_answers))
        title_query = expand_multiterms(title_query, expansions=expansions)
        calls = {}
        for s, a in actors.items():
            mine = [w for w in chosen if holders.get(w) == s]
            mine += [w for w in across if w not in holders]
            if mine:
                calls[s, "surfaces"] = (a, "surfaces", (mine,))
            if with_titles:
                calls[s, "titles"] = (
                    a,
                    "rank",
                    (title_query, None, None, None, limit, stats, True),
                )
        answers, _ = self._fan_out(calls, deadline)
        surfaces: dict[str, str] = {}
        titles = []
        for (_, what), answer in sorted(answers.items(), reverse=True):
            if what == "surfaces":
                surfaces.update(answer)  # the lowest-numbered shard's last, so it wins
            else:
                titles.extend(answer["hits"])
        ranked = sorted(titles, key=lambda t: rank_key(t[0], t[1]))
        return completions(
            head, chosen, surfaces, (title for _, _, title in ranked), limit, typed, across
        )

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
    address: str,
    shard_root: str | os.PathLike | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    time_budget: float | None = None,
) -> ShardedIndex:
    """The sharded index on the cluster at ``address``; IndexError_ if it holds no shards."""
    ix = ShardedIndex(address, shard_root, timeout=timeout, time_budget=time_budget)
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
