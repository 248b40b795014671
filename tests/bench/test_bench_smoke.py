"""The speed benchmarks run end to end on a tiny corpus and print their tables.

Not a measurement: 100 documents, one timed run each, nothing written to
docs/BENCHMARKS.md. It runs in the test virtualenv, which lacks the ``bench``
extra; tantivy's rows are then replaced by "tantivy not installed", never
dropped silently, and the last test checks that path whatever is installed.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import ROOT

DOCS = "100"
INDEX_HEADER = "| engine | docs/s | MB/s | seconds | CPU s | docs/CPU s | peak RSS MB"
QUERY_HEADER = "| engine | queries | p50 ms | p95 ms | p99 ms | mean ms | p95 ÷ FTS5's |"
CLI_HEADER = "| process | median ms | ÷ import icu, whoosh |"
NOT_INSTALLED = "tantivy not installed"

# ~10 s of CPU: 12 s alone on the 2-core machine, 20-28 s while other work runs there.
pytestmark = pytest.mark.slow


def bench(script: str, *args: str, env: dict | None = None) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--docs", DOCS, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench-out")


@pytest.fixture(scope="module")
def index_output(out: Path) -> str:
    return bench("index.py", "--out", str(out))


def test_index_bench_prints_every_engine_and_the_ratios(index_output: str, out: Path):
    assert INDEX_HEADER in index_output
    for row in ("ICU floor, 2 cores", "**ours**", "plain Whoosh", "SQLite FTS5", "tantivy"):
        assert f"| {row}" in index_output
    assert "| ours ÷ ICU floor, 2 cores (docs/s) |" in index_output
    assert "| ours index size ÷ FTS5's |" in index_output
    assert "failed (exit" not in index_output
    assert (out / "index-100.json").exists() and (out / "idx-100" / "ours").is_dir()
    _tantivy_rows_or_notice(index_output)


def test_query_bench_prints_latencies_and_the_cli_ratio(index_output: str, out: Path):
    output = bench(
        "query.py",
        *("--out", str(out), "--warmup", "1", "--repeat", "1"),
        *("--cli-warmups", "0", "--cli-runs", "1"),
    )
    assert QUERY_HEADER in output
    assert "| **ours** (Python API) | 42 of 42 |" in output
    assert "| SQLite FTS5, `snippet()`, bm25 | 39 of 42 |" in output
    assert "FTS5 has no fuzzy matching" in output
    assert "Median latency by kind of query:" in output
    assert CLI_HEADER in output and '`search-cli "tungsten"`' in output
    _tantivy_rows_or_notice(output)


def test_without_the_bench_extra_tantivy_is_reported_missing(
    index_output: str, out: Path, tmp_path
):
    # Stand-ins that fail to import, ahead of the real packages on the path.
    for name in ("tantivy", "psutil"):
        (tmp_path / f"{name}.py").write_text(f"raise ImportError('no {name} here')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    engines = "--engines", "icu-1,tantivy,tantivy-icu"
    index_output = bench("index.py", "--out", str(out), *engines, env=env)
    assert NOT_INSTALLED in index_output
    # memory measured without psutil, from the child's own rusage
    assert "largest single process (wait4" in index_output
    floor = next(line for line in index_output.splitlines() if "| ICU floor, 1 core" in line)
    assert int(floor.split("|")[7].strip()) > 0  # peak RSS MB
    fewer = "--skip-plain-whoosh-above", "0"  # ours and FTS5 are enough here
    query_output = bench(
        "query.py", "--out", str(out), "--repeat", "1", "--no-cli", *fewer, env=env
    )
    assert NOT_INSTALLED in query_output
    assert "| **ours** (Python API) |" in query_output


def _tantivy_rows_or_notice(output: str) -> None:
    if importlib.util.find_spec("tantivy"):
        assert "| tantivy" in output and NOT_INSTALLED not in output
    else:
        assert NOT_INSTALLED in output


def test_crossscript_bench_prints_both_targets(out: Path, tmp_path: Path):
    names = tmp_path / "names"
    names.mkdir()
    for lang, native in (("ar", "ترامب"), ("fa", "تنگستن"), ("hi", "टंगस्टन")):
        rows = f"english\tnative\tsource\nTrump\t{native}\tx\nTungsten Carbide\t{native}\tx\n"
        (names / f"dev-{lang}.tsv").write_text(rows, encoding="utf-8")
    output = bench("crossscript.py", "--out", str(out), "--names", str(names), "--sample", "5")
    assert "| expansion of one query word (candidates + verdict) | 3 English words |" in output
    assert "| suggestions as you type, prefixes of English words" in output
    assert "| letters typed | prefixes | suggestions p50 / p95 ms |" in output
    assert "1-minute load average" in output
