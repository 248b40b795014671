"""The sharded index on a Dask cluster beside one index, on this machine.

    python bench/cluster.py --docs 10000 --write docs/BENCHMARKS.md
    python bench/cluster.py --docs 100000 --write docs/BENCHMARKS.md

Starts a real ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1
(each worker with 2 threads and its own shard root under ``OUT/cluster-N/``)
and measures, on ``bench/corpus.py``'s corpus (seed 0, as bench/index.py):

- indexing throughput: ``search.update`` into one index (the engine's own
  writer processes), then ``index_sharded`` into ``--shards`` shards with 1 and
  with 2 workers (reading on the client included, every shard written by one
  task on its worker);
- query latency with snippets: bench/query.py's query mix, top 10 with
  snippets, one index (``SearchIndex.search``) and the 2-worker cluster
  (``ShardedIndex.search``: statistics, ranking and snippets from the shards)
  interleaved query by query; p50/p95 over all timed runs;
- whether the cluster returns what one index returns, query by query;
- with ``../shared/relevance`` present, the relevance figures of the dev
  queries through the cluster beside one index's.

``--write`` puts the results in BENCHMARKS.md between ``<!-- cluster:begin -->``
and ``<!-- cluster:end -->`` (a "## Cluster" section added at the end the first
time), under the corpus size, between ``<!-- cluster-N:begin/end -->``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))  # the checkout's search/, whatever is installed

from common import OUT, ROOT, markdown_table, percentile  # noqa: E402
from query import LIMIT, Ours, query_mix  # noqa: E402

from index import ensure_corpus  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- cluster:begin -->", "<!-- cluster:end -->"
TARGET_P95_RATIO = 2.0
RELEVANCE = ROOT.parent / "shared" / "relevance"
RELEVANCE_SETS = ("arcd-ar", "fa-parsinlu", "xquad-hi")


# -- a cluster of processes on this machine


class LocalCluster:
    """``dask scheduler`` and ``workers`` × ``dask worker``, each worker with its own root."""

    def __init__(self, base: Path, workers: int, threads: int = 2):
        self.base = base
        self.procs: list[subprocess.Popen] = []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in ("SEARCH_INDEX", "SEARCH_CLUSTER")}
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        base.mkdir(parents=True, exist_ok=True)
        self._start(
            ["scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"],
            env,
            base / "scheduler.log",
        )
        for i in range(1, workers + 1):
            root = base / f"w{i}-disk"
            root.mkdir(exist_ok=True)
            self._start(
                ["worker", self.address, "--nworkers", "1", "--nthreads", str(threads)]
                + ["--host", "127.0.0.1", "--no-dashboard", "--name", f"w{i}"]
                + ["--local-directory", str(base / f"w{i}-scratch")],
                {**env, "SEARCH_SHARD_ROOT": str(root)},
                base / f"w{i}.log",
            )
        self._wait(workers)

    def _start(self, args: list[str], env: dict, log: Path) -> None:
        self.procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "dask", *args],
                stdout=open(log, "wb"),
                stderr=subprocess.STDOUT,
                env=env,
                cwd=ROOT,
                start_new_session=True,
            )
        )

    def _wait(self, workers: int, timeout: float = 120.0) -> None:
        from distributed import Client

        deadline = time.monotonic() + timeout
        with Client(self.address, timeout=timeout, set_as_default=False) as client:
            while len(client.scheduler_info()["workers"]) < workers:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{workers} workers did not start; see {self.base}/*.log")
                time.sleep(0.2)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # the group each was started in
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(20)


# -- measuring


def load() -> float:
    return os.getloadavg()[0]


def index_single(corpus: Path, folder: Path) -> dict:
    from search import update

    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    report = update(folder, [corpus])
    seconds = time.perf_counter() - started
    return {"docs": report.added, "seconds": seconds, "load": load()}


def index_cluster(corpus: Path, base: Path, workers: int, shards: int) -> dict:
    from search.cluster import connect, index_sharded

    shutil.rmtree(base, ignore_errors=True)
    cluster = LocalCluster(base, workers)
    try:
        client = connect(cluster.address)
        started = time.perf_counter()
        report = index_sharded(client, None, [corpus], shards=shards)
        seconds = time.perf_counter() - started
        client.close()
    finally:
        cluster.stop()
    return {
        "workers": workers,
        "shards": shards,
        "docs": report.added,
        "seconds": seconds,
        "read_seconds": report.read_seconds,
        "per_shard": [(s["name"], s["documents"], s["report"]["seconds"]) for s in report.shards],
        "load": load(),
    }


def same(one, many) -> str:
    """identical | ties | different: the cluster's page against one index's."""
    a = [(h.id, round(h.score, 6)) for h in one.results]
    b = [(h.id, round(h.score, 6)) for h in many.results]
    if a == b and one.total == many.total and one.facets == many.facets:
        snippets = [h.snippet for h in one.results] == [h.snippet for h in many.results]
        return "identical" if snippets else "snippets differ"
    if one.total == many.total and sorted(s for _, s in a) == sorted(s for _, s in b):
        return "ties"  # the same scores; equal ones in another order (one index: by position)
    return "different"


class Reference:
    """One index as the engine ranks with the patches of docs/scale-out.md: prefixes,
    wildcards and fuzzy terms expanded over the whole index, and Whoosh's matchers fixed
    (search/whoosh_ext/, applied once a process). Ties still come in index order."""

    def __init__(self, folder: Path):
        from search.engine import SearchIndex

        class Expanding(SearchIndex):
            def parse(self, text: str):
                from search.query.expand import expand_multiterms

                parsed = super().parse(text)
                parsed.query = expand_multiterms(parsed.query, self.searcher().reader())
                return parsed

        self.ix = Expanding(folder)

    def search(self, text: str, **kwargs):
        return self.ix.search(text, **kwargs)

    def close(self) -> None:
        self.ix.close()


def render(q) -> str:
    """The query as bench/query.py's ``Ours`` engine writes it."""
    return Ours.SYNTAX.get(q.kind, lambda w: " ".join(w))(q.words)


def time_queries(single_dir: Path, address: str, warmup: int, repeat: int) -> dict:
    from search.cluster import ShardedIndex
    from search.engine import SearchIndex

    mix = query_mix()
    single = SearchIndex(single_dir)
    times: dict[str, list[float]] = {"single": [], "cluster": []}
    answers = []
    rows = []
    with ShardedIndex(address, timeout=60) as cluster:
        for q in mix:
            text = render(q)
            args = {"limit": LIMIT, "page": q.page, "lang": q.lang}
            per: dict[str, list[float]] = {"single": [], "cluster": []}
            for i in range(warmup + repeat):
                for name, ix in (("single", single), ("cluster", cluster)):
                    started = time.perf_counter()
                    result = ix.search(text, **args)
                    took = (time.perf_counter() - started) * 1000
                    if i >= warmup:
                        per[name].append(took)
                    if i == 0:
                        if name == "cluster":
                            assert not result.partial, result.missing_shards
                        answers.append(result)
            for name in per:
                times[name] += per[name]
            rows.append((q.label, text, median(per["single"]), median(per["cluster"])))
    reference = Reference(single_dir)
    checks: dict[str, list[str]] = {"as is": [], "patched": []}
    for q, one, many in zip(mix, answers[::2], answers[1::2], strict=True):
        args = {"limit": LIMIT, "page": q.page, "lang": q.lang}
        checks["as is"].append(same(one, many))
        checks["patched"].append(same(reference.search(render(q), **args), many))
    return {"times": times, "checks": checks, "rows": rows, "queries": len(mix)}


def median(values: list[float]) -> float:
    return percentile(values, 50)


def relevance(address: str, base: Path) -> dict | None:
    if not RELEVANCE.is_dir():
        return None
    try:
        import ir_measures  # noqa: F401
    except ImportError:
        return None
    from search import update
    from search.cluster import ShardedIndex, connect, index_sharded
    from search.engine import SearchIndex
    from search.evaluation import evaluate, read_queries, run_queries

    client = connect(address)
    out = {}
    try:
        for name in RELEVANCE_SETS:
            folder = RELEVANCE / name
            single_dir = base / f"rel-{name}"
            shutil.rmtree(single_dir, ignore_errors=True)
            update(single_dir, [folder / "docs.jsonl"])
            root = f"$SEARCH_SHARD_ROOT/rel-{name}"
            index_sharded(client, root, [folder / "docs.jsonl"], shards=2)
            queries = read_queries(folder / "queries.tsv")
            figures = {}
            for label, ix in (
                ("one index", SearchIndex(single_dir)),
                ("one index, patched", Reference(single_dir)),
                ("cluster", ShardedIndex(client, root, timeout=60)),
            ):
                run = list(run_queries(ix, queries, 100))
                figures[label] = evaluate(run, folder / "qrels.txt", queries)
                ix.close()
            out[name] = figures
    finally:
        client.close()
    return out


# -- the report


def report(results: dict) -> str:
    docs = results["docs"]
    lines = [
        f"{docs:,} generated documents (`bench/corpus.py`, seed 0); measured {results['when']} "
        f"on this machine ({os.cpu_count()} cores, shared: 1-minute load "
        f"{results['load_start']:.1f} at the start). Every process here is on 127.0.0.1: the "
        "figures are the cost of sharding and of the scatter–gather, not a gain from more "
        f"machines. `python bench/cluster.py --docs {docs} --write docs/BENCHMARKS.md`.",
        "",
        "**Indexing** (reading on the client included; one process per worker, 2 threads; "
        "each shard written by one task on the worker that owns it"
        + (
            f"; measured {results['index_when']}"
            if results.get("index_when", results["when"]) != results["when"]
            else ""
        )
        + "):",
        "",
    ]
    rows = []
    one = results["index"]["single"]
    if "copied" in one:
        rows.append(
            [f"one index: copied from `{one['copied']}`, not timed here", "–", "–", "–", "–", "–"]
        )
    else:
        rows.append(
            [
                "one index, `search.update` (the engine's writer processes)",
                "–",
                f"{one['docs'] / one['seconds']:,.0f}",
                f"{one['seconds']:.1f}",
                "–",
                f"{one['load']:.1f}",
            ]
        )
    for run in results["index"]["cluster"]:
        rows.append(
            [
                f"{run['shards']} shards, {run['workers']} worker{'s' * (run['workers'] > 1)}",
                f"{run['read_seconds']:.1f}",
                f"{run['docs'] / run['seconds']:,.0f}",
                f"{run['seconds']:.1f}",
                ", ".join(f"{s:.0f}" for _, _, s in run["per_shard"]),
                f"{run['load']:.1f}",
            ]
        )
    lines.append(
        markdown_table(["", "read s", "docs/s", "seconds", "per shard, s", "load after"], rows)
    )
    q = results["queries"]
    single, cluster = q["times"]["single"], q["times"]["cluster"]
    p95 = (percentile(single, 95), percentile(cluster, 95))
    met = "met" if p95[1] <= TARGET_P95_RATIO * p95[0] else "**not met**"
    lines += [
        "",
        f"**Queries** ({q['queries']} queries of bench/query.py's mix, top {LIMIT} with snippets, "
        f"{results['repeat']} timed runs each after {results['warmup']} warm-up, the two "
        "interleaved query by query; the cluster: 2 workers, "
        f"{results['shards']} shards, through `ShardedIndex.search` in this process):",
        "",
        markdown_table(
            ["", "p50 ms", "p95 ms", "max ms"],
            [
                [
                    "one index (`SearchIndex.search`)",
                    f"{percentile(single, 50):.1f}",
                    f"{p95[0]:.1f}",
                    f"{max(single):.1f}",
                ],
                [
                    "cluster (`ShardedIndex.search`)",
                    f"{percentile(cluster, 50):.1f}",
                    f"{p95[1]:.1f}",
                    f"{max(cluster):.1f}",
                ],
                [
                    "cluster ÷ one index",
                    f"{percentile(cluster, 50) / percentile(single, 50):.2f}×",
                    f"{p95[1] / p95[0]:.2f}×",
                    "",
                ],
            ],
        ),
        "",
        f"Target: the cluster's p95 under {TARGET_P95_RATIO:.0f}× one index's: {met}.",
        "",
    ]
    checks = q["checks"]
    for label, key in (
        ("the engine as it is", "as is"),
        ("the engine with the patches of docs/scale-out.md", "patched"),
    ):
        counts = {k: checks[key].count(k) for k in sorted(set(checks[key]))}
        shown = ", ".join(f"{v} {k}" for k, v in counts.items())
        lines.append(f"- The same page as one index, {label}: {shown}.")
    lines += [
        "",
        "One index as it is differs where Whoosh's top-k search loses documents or scores a "
        "prefix by segment, which the shards do not (search/whoosh_ext/matchers.py, "
        "search/query/expand.py); the patched one is compared without its tie order. The "
        "one index's times are those of the engine as it is.",
    ]
    lines += [
        "",
        "<details><summary>Per query: median ms, one index / cluster</summary>",
        "",
        markdown_table(
            ["query", "as run", "one index", "cluster"],
            [[label, f"`{text}`", f"{a:.1f}", f"{b:.1f}"] for label, text, a, b in q["rows"]],
        ),
        "",
        "</details>",
    ]
    rel = results.get("relevance")
    if rel:
        lines += [
            "",
            "**Relevance through the cluster** (all dev queries of `../shared/relevance`, "
            "top 100, 2 shards; MRR@10 / nDCG@10):",
            "",
        ]
        labels = ["one index", "one index, patched", "cluster"]
        rows = []
        for name, figures in rel.items():
            rows.append(
                [name]
                + [f"{figures[k]['MRR@10']:.4f} / {figures[k]['nDCG@10']:.4f}" for k in labels]
            )
        lines.append(markdown_table(["set", *labels], rows))
    return "\n".join(lines)


def write(doc: Path, docs: int, text: str) -> None:
    """Puts ``text`` in the cluster section, under its corpus size (other sizes kept)."""
    content = doc.read_text(encoding="utf-8")
    if BEGIN not in content or END not in content:
        content = content.rstrip("\n") + f"\n\n## Cluster\n\n{BEGIN}\n{END}\n"
    begin, end = f"<!-- cluster-{docs}:begin -->", f"<!-- cluster-{docs}:end -->"
    if begin not in content:
        block = f"### {docs:,} documents\n\n{begin}\n{end}\n\n"
        at = content.index(END)
        content = content[:at] + block + content[at:]
    start, stop = content.index(begin) + len(begin), content.index(end)
    doc.write_text(content[:start] + "\n" + text.strip() + "\n" + content[stop:], "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--workers", default="1,2", help="worker counts to index with")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-relevance", action="store_true")
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="keep the one index, the shards and the indexing figures of the last run "
        "(OUT/cluster-N/results.json) and measure the queries again",
    )
    parser.add_argument(
        "--single-from",
        type=Path,
        help="copy this index of the same corpus (e.g. bench/index.py's OUT/idx-N/ours) "
        "instead of building and timing one",
    )
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to update")
    args = parser.parse_args()

    base = args.out / f"cluster-{args.docs}"
    base.mkdir(parents=True, exist_ok=True)
    results = {
        "docs": args.docs,
        "shards": args.shards,
        "warmup": args.warmup,
        "repeat": args.repeat,
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "load_start": load(),
    }
    corpus = ensure_corpus(args.out, args.docs)
    previous = base / "results.json"
    if args.reuse_index and previous.exists():
        last = json.loads(previous.read_text())
        results["index"] = last["index"]
        results["index_when"] = last.get("index_when", last["when"])
    elif args.single_from:
        shutil.rmtree(base / "single", ignore_errors=True)
        shutil.copytree(args.single_from, base / "single")
        single = {"copied": str(args.single_from)}
    else:
        print(f"one index of {corpus} …", file=sys.stderr)
        single = index_single(corpus, base / "single")
    if "index" not in results:
        results["index_when"] = results["when"]
    if "index" not in results:
        results["index"] = {"single": single, "cluster": []}
        for workers in sorted(int(w) for w in args.workers.split(",")):
            print(f"{args.shards} shards on {workers} worker(s) …", file=sys.stderr)
            run = index_cluster(corpus, base / f"w{workers}", workers, args.shards)
            results["index"]["cluster"].append(run)
            print(json.dumps(run), file=sys.stderr)
    # queries: the shards the 2-worker run wrote, served by a cluster of 2 workers again
    served = max(run["workers"] for run in results["index"]["cluster"])
    cluster = LocalCluster(base / f"w{served}", served)
    try:
        print("queries …", file=sys.stderr)
        results["queries"] = time_queries(
            base / "single", cluster.address, args.warmup, args.repeat
        )
        if not args.no_relevance and not results.get("relevance"):
            print("relevance …", file=sys.stderr)
            results["relevance"] = relevance(cluster.address, base)
    finally:
        cluster.stop()
    (base / "results.json").write_text(json.dumps(results, indent=1, default=str))
    text = report(results)
    print(text)
    if args.write:
        write(args.write, args.docs, text)


if __name__ == "__main__":
    main()
