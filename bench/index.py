"""Indexing speed: ours beside the ICU floor, plain Whoosh, SQLite FTS5 and tantivy.

    python bench/index.py --docs 10000 --rounds 2 --write docs/BENCHMARKS.md
    python bench/index.py --docs 100000 --skip-plain-whoosh-above 10000 --write docs/BENCHMARKS.md
    python bench/index.py --docs 10000 --docs 100000 --from-json --write docs/BENCHMARKS.md

For each size it generates the corpus once (``bench/corpus.py``, seed 0; reused
when already there), then measures every engine in the same run, each in a
fresh child process so that its peak RSS is its own:

- ``icu-1`` / ``icu-2``: the floor. PyICU's word BreakIterator and
  NFKC_Casefold over title and text of every document, no index; one process,
  then a ``multiprocessing.Pool(2)``.
- ``ours``: ``search.index.update(dir, [corpus])``, with whatever parallelism
  the code in ``search/`` has when this runs.
- ``whoosh``: plain Whoosh, one writer, one stored TEXT field (title + text)
  analysed by ICU word breaks + LowercaseFilter.
- ``fts5``: SQLite FTS5, ``tokenize='unicode61'``, title and text, one transaction.
- ``tantivy``: tantivy's default tokenizer, title and text stored, 2 writer threads.
- ``tantivy-icu``: tantivy fed the floor's tokens (joined by spaces, whitespace
  tokenizer): what an engine in Rust costs when Python does the ICU analysis.

Every engine reads and parses the same JSONL file inside its timing. With
``--rounds N`` every engine runs N times, round after round, and its fastest
run counts (the least disturbed on a shared machine). ``--skip-ours-above N``
leaves ours out above N documents and reports it pending. Results go to
``OUT/index-N.json`` (``--from-json`` only redraws the tables from it;
``bench/query.py`` reuses the indexes in ``OUT/idx-N/``); ``--write`` puts the
tables into docs/BENCHMARKS.md between its ``speed-index-N`` markers.

A child can also be run alone, e.g. to profile one engine:

    python bench/index.py --worker ours --corpus bench/out/corpus-10000.jsonl --dir /tmp/ix
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from common import (
    BENCH,
    MB,
    OUT,
    ROOT,
    fmt,
    fmt_int,
    fmt_ratio,
    folder_size,
    have_psutil,
    machine_info,
    machine_table,
    markdown_table,
    python_child,
    ratio,
    run_child,
    timer,
    write_between_markers,
)
from peers import (
    FTS5_SCHEMA,
    icu_words,
    plain_whoosh_schema,
    tantivy_index,
    tantivy_installed,
)

WRITER_MB = 256  # generous: spilling sorted runs to disk must not hold the reference back
TANTIVY_HEAP = 256_000_000
TANTIVY_THREADS = 2  # both cores
POOL_CHUNK = 64  # documents per task sent to the floor's pool: amortises pickling

ENGINES = ("icu-1", "icu-2", "ours", "whoosh", "fts5", "tantivy", "tantivy-icu")
LABELS = {
    "icu-1": "ICU floor, 1 core (tokenise + NFKC_Casefold, no index)",
    "icu-2": "ICU floor, 2 cores (Pool(2))",
    "ours": "**ours** (`search.index.update`)",
    "whoosh": "plain Whoosh (ICU words + lowercase, one writer)",
    "fts5": "SQLite FTS5 (unicode61)",
    "tantivy": "tantivy (default tokenizer)",
    "tantivy-icu": "tantivy fed tokens from Python ICU",
}
# Engines that need the tantivy package (the `bench` extra).
NEEDS_TANTIVY = ("tantivy", "tantivy-icu")
TARGET_DOCS_PER_S = 1_000
TARGET_100K_SHARE = 0.80
TARGET_RSS_MB = 500
TARGET_SIZE_RATIO = 2.0


# --------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------


def corpus_path(out: Path, docs: int) -> Path:
    return out / f"corpus-{docs}.jsonl"


def index_dir(out: Path, docs: int, engine: str) -> Path:
    suffix = ".db" if engine == "fts5" else ""
    return out / f"idx-{docs}" / f"{engine}{suffix}"


def results_path(out: Path, docs: int) -> Path:
    return out / f"index-{docs}.json"


# --------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------


@dataclass
class CorpusStats:
    docs: int
    text_bytes: int  # UTF-8 bytes of the `text` fields, as bench/corpus.py counts them
    all_bytes: int  # title + text


def corpus_stats(path: Path) -> CorpusStats:
    docs = text = both = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            docs += 1
            size = len(doc["text"].encode("utf-8"))
            text += size
            both += size + len(doc.get("title", "").encode("utf-8"))
    return CorpusStats(docs, text, both)


def ensure_corpus(out: Path, docs: int) -> Path:
    """The corpus of ``docs`` documents, seed 0; generated unless already complete."""
    path = corpus_path(out, docs)
    if path.exists():
        with path.open("rb") as lines:
            if sum(1 for _ in lines) == docs:
                return path
    out.mkdir(parents=True, exist_ok=True)
    print(f"generating {path} …", file=sys.stderr)
    cmd = python_child(BENCH / "corpus.py", "--docs", str(docs), "--seed", "0", "--out", str(path))
    subprocess.run(cmd, check=True)
    return path


def read_docs(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


# --------------------------------------------------------------------------
# Workers: each runs in its own process and prints {"docs": n, "seconds": s}
# --------------------------------------------------------------------------


def _floor_line(line: str) -> int:
    doc = json.loads(line)
    return len(icu_words(doc.get("title", ""))) + len(icu_words(doc["text"]))


def work_icu(corpus: Path, _dir: Path, processes: int) -> dict:
    with corpus.open(encoding="utf-8") as lines:
        if processes == 1:
            counts = list(map(_floor_line, lines))
        else:
            import multiprocessing

            # the parent reads and sends lines; the workers parse and analyse them
            with multiprocessing.Pool(processes) as pool:
                counts = list(pool.imap(_floor_line, lines, chunksize=POOL_CHUNK))
    return {"docs": len(counts), "tokens": sum(counts)}


def work_ours(corpus: Path, folder: Path) -> dict:
    sys.path.insert(1, str(ROOT))  # the checkout's search/, whatever is installed
    from search.index import update

    report = update(folder, [corpus])
    return {"docs": report.added, "problems": len(report.problems)}


def work_whoosh(corpus: Path, folder: Path) -> dict:
    from whoosh import index

    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), plain_whoosh_schema())
    writer = ix.writer(limitmb=WRITER_MB)
    docs = 0
    for doc in read_docs(corpus):
        writer.add_document(id=doc["id"], lang=doc["lang"], text=_title_text(doc))
        docs += 1
    writer.commit()
    return {"docs": docs}


def _title_text(doc: dict) -> str:
    return doc.get("title", "") + "\n" + doc["text"]


def work_fts5(corpus: Path, path: Path) -> dict:
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute(FTS5_SCHEMA)
    rows = (
        (d["id"], d["lang"], d.get("date", ""), d.get("title", ""), d["text"])
        for d in read_docs(corpus)
    )
    with con:  # one transaction, as a bulk load is done
        con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", rows)
    docs = con.execute("SELECT count(*) FROM docs").fetchone()[0]
    con.close()
    return {"docs": docs}


def _tantivy_write(folder: Path, corpus: Path, tokenizer: str, prepare: Callable) -> dict:
    import tantivy

    index = tantivy_index(folder, tokenizer, create=True)
    writer = index.writer(heap_size=TANTIVY_HEAP, num_threads=TANTIVY_THREADS)
    docs = 0
    for doc in read_docs(corpus):
        title, text = prepare(doc.get("title", "")), prepare(doc["text"])
        fields = {"id": doc["id"], "lang": doc["lang"], "date": doc.get("date", "")}
        writer.add_document(tantivy.Document(title=title, text=text, **fields))
        docs += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"docs": docs}


def work_tantivy(corpus: Path, folder: Path) -> dict:
    return _tantivy_write(folder, corpus, "default", lambda text: text)


def work_tantivy_icu(corpus: Path, folder: Path) -> dict:
    return _tantivy_write(folder, corpus, "whitespace", lambda text: " ".join(icu_words(text)))


WORKERS: dict[str, Callable[[Path, Path], dict]] = {
    "icu-1": lambda corpus, folder: work_icu(corpus, folder, 1),
    "icu-2": lambda corpus, folder: work_icu(corpus, folder, 2),
    "ours": work_ours,
    "whoosh": work_whoosh,
    "fts5": work_fts5,
    "tantivy": work_tantivy,
    "tantivy-icu": work_tantivy_icu,
}


def run_worker(engine: str, corpus: Path, folder: Path) -> None:
    """The child's side: build, time it, print one JSON line."""
    with timer() as t:
        result = WORKERS[engine](corpus, folder)
    result["seconds"] = t.seconds
    print(json.dumps(result))


# --------------------------------------------------------------------------
# The parent: one child per engine, then the tables
# --------------------------------------------------------------------------


def build(engine: str, corpus: Path, folder: Path) -> dict:
    """Builds one engine's index in a fresh child; its figures, or why there are none."""
    if engine in NEEDS_TANTIVY and not tantivy_installed():
        print(f"{engine}: tantivy not installed (pip install -e '.[bench]')", file=sys.stderr)
        return {"skipped": "tantivy not installed"}
    if folder.is_dir():
        shutil.rmtree(folder)
    elif folder.exists():
        folder.unlink()
    cmd = python_child(
        Path(__file__), "--worker", engine, "--corpus", str(corpus), "--dir", str(folder)
    )
    child = run_child(cmd)
    if child.returncode != 0:
        return {"skipped": f"failed (exit {child.returncode})"}
    result = child.json()
    result.update(
        peak_rss=child.peak_rss,
        rss_one=child.max_rss_one,
        rss_tree=child.max_rss_tree,
        cpu_seconds=child.cpu_seconds,
        load=child.load,
        size=None if engine.startswith("icu") else folder_size(folder),
        dir=None if engine.startswith("icu") else str(folder),
    )
    return result


def skip_reason(engine: str, docs: int, args: argparse.Namespace) -> str | None:
    if engine not in args.engines:
        return "not selected (--engines)"
    if engine == "whoosh" and args.skip_plain_whoosh_above is not None:
        if docs > args.skip_plain_whoosh_above:
            return f"skipped (--skip-plain-whoosh-above {args.skip_plain_whoosh_above})"
    if engine == "ours" and args.skip_ours_above is not None and docs > args.skip_ours_above:
        return f"pending (--skip-ours-above {args.skip_ours_above})"
    return None


def measure(docs: int, args: argparse.Namespace) -> dict:
    corpus = ensure_corpus(args.out, docs)
    stats = corpus_stats(corpus)
    engines: dict[str, dict] = {}
    for engine in ENGINES:
        reason = skip_reason(engine, docs, args)
        if reason:
            engines[engine] = {"skipped": reason}
    # Round after round of every engine: on a shared machine the fastest round
    # is the least disturbed one, and rounds spread a busy spell over all engines.
    for round_ in range(1, args.rounds + 1):
        for engine in ENGINES:
            if "skipped" in engines.get(engine, {}):
                continue
            print(f"[{docs}] round {round_}: {engine} …", file=sys.stderr, flush=True)
            result = build(engine, corpus, index_dir(args.out, docs, engine))
            _add_rates(result, stats.text_bytes)
            print(f"[{docs}] {engine}: {_summary(result)}", file=sys.stderr, flush=True)
            engines[engine] = _better(engines.get(engine), result)
    return {
        "docs": docs,
        "corpus": str(corpus),
        "text_bytes": stats.text_bytes,
        "all_bytes": stats.all_bytes,
        "rounds": args.rounds,
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "code": code_version(),
        "rss_method": rss_method(),
        "engines": engines,
    }


def _better(best: dict | None, new: dict) -> dict:
    """The faster of two rounds of one engine, remembering every round's docs/s."""
    if best is None:
        new["rounds_docs_per_s"] = [new.get("docs_per_s")]
        return new
    if "skipped" in best:  # a failed round stays reported
        return best
    rounds = best["rounds_docs_per_s"] + [new.get("docs_per_s")]
    winner = new if new.get("docs_per_s", 0) > best.get("docs_per_s", 0) else best
    winner["rounds_docs_per_s"] = rounds
    return winner


def _add_rates(result: dict, text_bytes: int) -> None:
    """docs/s, MB/s and docs per CPU second, from the child's counts and times."""
    seconds = result.get("seconds")
    if seconds:
        result["docs_per_s"] = result["docs"] / seconds
        result["mb_per_s"] = text_bytes / MB / seconds
    if result.get("cpu_seconds"):
        result["docs_per_cpu_s"] = result["docs"] / result["cpu_seconds"]


def _summary(result: dict) -> str:
    if "skipped" in result:
        return result["skipped"]
    return (
        f"{result['docs_per_s']:,.0f} docs/s, {result['seconds']:.1f} s, "
        f"peak RSS {result['peak_rss'] / MB:,.0f} MB"
    )


def rss_method() -> str:
    if have_psutil():
        return "sum over the process tree, sampled every 50 ms (psutil)"
    return "largest single process (wait4 ru_maxrss; psutil not installed)"


def code_version() -> str:
    """The commit measured, and whether search/ had uncommitted changes (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "search"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' + uncommitted changes in search/' if dirty else ''}" or "unknown"


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


def engine_rows(run: dict) -> list[list[str]]:
    engines = run["engines"]
    ours = engines.get("ours", {}).get("docs_per_s")
    rows = []
    for engine in ENGINES:
        r = engines[engine]
        if "skipped" in r:
            rows.append([LABELS[engine], r["skipped"]] + [""] * (len(HEADER) - 2))
            continue
        size = fmt(r["size"] / MB) if r.get("size") is not None else "–"
        rows.append(
            [
                LABELS[engine],
                fmt_int(r["docs_per_s"]),
                fmt(r["mb_per_s"], 2),
                fmt(r["seconds"]),
                fmt(r.get("cpu_seconds")),
                fmt_int(r.get("docs_per_cpu_s")),
                _rss_cell(r),
                size,
                fmt_ratio(ratio(ours, r["docs_per_s"])),
                fmt(r.get("load")),
            ]
        )
    return rows


def _rss_cell(r: dict) -> str:
    """The tree's peak, and the largest single process's when it is smaller."""
    tree, one = r["peak_rss"] / MB, r["rss_one"] / MB
    return fmt_int(tree) if tree - one < 1 else f"{tree:,.0f} ({one:,.0f})"


HEADER = (
    "engine",
    "docs/s",
    "MB/s",
    "seconds",
    "CPU s",
    "docs/CPU s",
    "peak RSS MB (largest process)",
    "index MB",
    "ours ÷ this (docs/s)",
    "load",
)


def engine_table(run: dict) -> str:
    return markdown_table(HEADER, engine_rows(run))


def _get(run: dict, engine: str, key: str) -> float | None:
    return run["engines"].get(engine, {}).get(key)


# (what the row says, the engine ours is divided by)
RATIOS = (
    ("ours ÷ ICU floor, 2 cores", "icu-2"),
    ("ours ÷ ICU floor, 1 core", "icu-1"),
    ("ours ÷ plain Whoosh", "whoosh"),
    ("ours ÷ FTS5", "fts5"),
    ("ours ÷ tantivy", "tantivy"),
    ("ours ÷ tantivy fed by Python ICU", "tantivy-icu"),
)


def ratio_rows(run: dict) -> list[list[str]]:
    ours = _get(run, "ours", "docs_per_s")
    rows = [
        [f"{name} (docs/s)", fmt_ratio(ratio(ours, _get(run, engine, "docs_per_s")))]
        for name, engine in RATIOS
    ]
    size = ratio(_get(run, "ours", "size"), _get(run, "fts5", "size"))
    rows.append(["ours index size ÷ FTS5's", fmt_ratio(size)])
    return rows


def target_rows(run: dict, other_runs: dict[int, dict]) -> list[list[str]]:
    """Each indexing target of issue 7 that this run can judge: met / not met."""
    rows = []
    ours = _get(run, "ours", "docs_per_s")
    if ours is None:
        return [["all indexing targets", "–", "pending: ours not measured at this size"]]
    whoosh = _get(run, "whoosh", "docs_per_s")
    if run["docs"] == 10_000:
        got = f"{ours:,.0f} docs/s ({fmt_ratio(ratio(ours, whoosh))} plain Whoosh)"
        target = f"≥ {TARGET_DOCS_PER_S:,} docs/s at 10k (4× plain Whoosh)"
        rows.append([target, got, _met(ours >= TARGET_DOCS_PER_S)])
    small = other_runs.get(10_000)
    if run["docs"] == 100_000:
        rows += _hundred_k_rows(run, small)
    size = ratio(_get(run, "ours", "size"), _get(run, "fts5", "size"))
    if size is not None:
        rows.append(["index size ≤ 2× FTS5's", fmt_ratio(size), _met(size <= TARGET_SIZE_RATIO)])
    return rows


def _hundred_k_rows(run: dict, small: dict | None) -> list[list[str]]:
    """docs/s at 100k against 10k (wall clock, and per CPU second), and peak RSS."""
    rows = []
    for label, key in (("docs/s", "docs_per_s"), ("docs per CPU second", "docs_per_cpu_s")):
        big, base = _get(run, "ours", key), _get(small, "ours", key) if small else None
        share = ratio(big, base)
        if share is None:
            rows.append([f"{label} at 100k ≥ 80 % of 10k", "–", "10k not measured"])
            continue
        got = (
            f"{share:.0%} ({fmt_int(big)} ÷ {fmt_int(base)}; 10k: {small['when']}, {small['code']})"
        )
        note = "" if key == "docs_per_s" else " (information: less disturbed by other work)"
        rows.append([f"{label} at 100k ≥ 80 % of 10k{note}", got, _met(share >= TARGET_100K_SHARE)])
    tree = _get(run, "ours", "peak_rss") / MB
    one = _get(run, "ours", "rss_one") / MB
    got = f"{tree:,.0f} MB, process tree ({one:,.0f} MB largest process)"
    rows.append(["peak RSS at 100k ≤ 500 MB", got, _met(tree <= TARGET_RSS_MB)])
    return rows


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report(run: dict, other_runs: dict[int, dict]) -> str:
    mb = run["text_bytes"] / MB
    parts = [
        f"{run['docs']:,} documents, {mb:.1f} MB of text (UTF-8 bytes of the `text` fields); "
        f"measured {run['when']} at {run['code']}, best of {run['rounds']} round(s). "
        f"Peak RSS: {run['rss_method']}. "
        "docs/s and MB/s: wall time inside the child, reading the JSONL included; "
        "CPU s: user + system time of the whole child (imports and worker processes "
        "included), which other work on the machine disturbs less than wall time; "
        "load: 1-minute load average when the child ended (2 cores).",
        engine_table(run),
        markdown_table(["ratio", "value"], ratio_rows(run)),
        markdown_table(["target", "measured", ""], target_rows(run, other_runs)),
    ]
    return "\n\n".join(parts)


def load_runs(out: Path) -> dict[int, dict]:
    """Earlier results in OUT, by size (for the 100k ÷ 10k target)."""
    runs = {}
    for path in out.glob("index-*.json"):
        run = json.loads(path.read_text())
        runs[run["docs"]] = run
    return runs


# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--out", type=Path, default=OUT, help="corpora, indexes, results")
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to write the tables into")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset")
    parser.add_argument("--rounds", type=int, default=1, help="best of N rounds (default 1)")
    parser.add_argument("--skip-plain-whoosh-above", type=int, metavar="N")
    parser.add_argument("--skip-ours-above", type=int, metavar="N")
    parser.add_argument(
        "--from-json", action="store_true", help="no measuring: tables from OUT/index-N.json"
    )
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    if not args.worker and not args.docs:
        parser.error("--docs is required")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        run_worker(args.worker, args.corpus, args.dir)
        return 0
    if not tantivy_installed():
        print("tantivy not installed: its rows are left out (pip install -e '.[bench]')")
    runs = load_runs(args.out)
    for docs in args.docs:
        if args.from_json:  # the tables again, from the figures saved last time
            run = runs[docs]
            for result in run["engines"].values():
                _add_rates(result, run["text_bytes"])
        else:
            run = measure(docs, args)
            runs[docs] = run
            results_path(args.out, docs).write_text(json.dumps(run, indent=1))
        text = report(run, runs)
        print(f"\n## Indexing, {docs:,} documents\n\n{text}\n")
        if args.write:
            write_between_markers(args.write, f"speed-index-{docs}", text)
            write_between_markers(args.write, "speed-machine", machine_table(machine_info()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
