"""Indexing runs as processes, and what they leave: corpora, ``search-cli`` as a process, looking
inside an index folder (what is committed, which phase a running writer is in)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from checkout import ROOT

BENCH = ROOT / "bench"
INDEX_NAME = "MAIN"


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX"}
    env.update({"NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1", **extra})
    return env


def cli_command(*args: str | os.PathLike) -> list[str]:
    """``search-cli ARGS`` as the user runs it (``python -m search`` is the same entry point)."""
    return [sys.executable, "-m", "search", *map(str, args)]


def cli_command_with_lock_timeout(seconds: float, *args: str | os.PathLike) -> list[str]:
    """``search-cli ARGS`` with ``search.index.updating.WRITE_LOCK_TIMEOUT`` shortened, so
    that a test of "the lock is held" does not wait the full minute."""
    code = (
        "import sys\n"
        "import search.index.updating\n"
        f"search.index.updating.WRITE_LOCK_TIMEOUT = {seconds!r}\n"
        "from search.cli import main\n"
        "sys.argv[0] = 'search-cli'\n"
        "main()\n"
    )
    return [sys.executable, "-c", code, *map(str, args)]


def run(cmd: list[str], timeout: float = 180, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, capture_output=True, text=True, env=cli_env(), cwd=ROOT, timeout=timeout, **kwargs
    )


def popen(cmd: list[str], env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(**(env or {})),
        cwd=ROOT,
        **kwargs,
    )


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_jsonl(path: Path, docs: Iterable[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


def copy_index(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# -- what an index folder holds


def stored_ids(index_dir: Path) -> list[str]:
    """The ids of every live document, read with plain Whoosh (no code under test)."""
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        return [fields["id"] for fields in searcher.reader().all_stored_fields()]


def doc_count(index_dir: Path) -> int:
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        return searcher.doc_count()


def generation(index_dir: Path) -> int:
    return whoosh_index.open_dir(str(index_dir)).latest_generation()


def lock_is_free(index_dir: Path) -> bool:
    """True when a writer could take the index's write lock now (no stale lock)."""
    lock = whoosh_index.open_dir(str(index_dir)).lock("WRITELOCK")
    if not lock.acquire(blocking=False):
        return False
    lock.release()
    return True


def unexpected_files(index_dir: Path) -> list[str]:
    """Files that belong to no committed segment: what a killed or failed run left behind."""
    ix = whoosh_index.open_dir(str(index_dir))
    toc = ix._read_toc()  # the committed state, as Whoosh itself reads it
    segment_ids = {segment.segment_id() for segment in toc.segments}
    allowed = {"FORMAT", "SEEDS", f"{INDEX_NAME}_WRITELOCK", f"_{INDEX_NAME}_{toc.generation}.toc"}
    out = []
    for name in sorted(os.listdir(index_dir)):
        if name in allowed or name.startswith("."):
            continue
        if any(name.startswith(f"{sid}.") for sid in segment_ids):
            continue
        out.append(name)
    return out


def snapshot(index_dir: Path) -> dict[str, int]:
    """Relative path → size of every file under the index folder (missing files ignored)."""
    out: dict[str, int] = {}
    for root, _dirs, files in os.walk(index_dir):
        for name in files:
            path = os.path.join(root, name)
            try:
                out[os.path.relpath(path, index_dir)] = os.path.getsize(path)
            except OSError:
                pass
    return out


# The phases of an indexing run, as seen from outside, in the order they happen. Whoosh
# writes new documents into a pool under MAIN.tmp/, then at commit per-document columns
# (.col), postings (.pst/.trm), assembles them into one .seg, and last writes the TOC.
PHASES = ("adding", "columns", "postings", "segment")


def phase_reached(phase: str, before: set[str], now: dict[str, int]) -> bool:
    """Whether a writer that started when the folder held ``before`` has reached ``phase``."""
    new = {name: size for name, size in now.items() if name not in before}
    if phase == "adding":
        return sum(size for name, size in new.items() if name.startswith("MAIN.tmp")) >= 64_000
    if phase == "columns":
        return any(name.endswith(".col") and "/" not in name for name in new)
    if phase == "postings":
        return any(name.endswith(".pst") and size > 0 for name, size in new.items())
    if phase == "segment":
        return any(name.endswith(".seg") for name in new)
    raise ValueError(phase)


def wait_until(
    predicate: Callable[[], bool],
    timeout: float,
    interval: float = 0.01,
    alive: Callable[[], bool] | None = None,
) -> bool:
    """Polls ``predicate``; False on time-out or when ``alive()`` turns False first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if alive is not None and not alive():
            return predicate()
        time.sleep(interval)
    return False


def descendants(pid: int) -> set[int]:
    """The live processes below ``pid`` (from /proc: no psutil needed)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(entry)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def holders(folder: Path) -> set[int]:
    """Other live processes with a file under ``folder`` open (the write lock, a segment)."""
    prefix = os.path.realpath(folder) + os.sep
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{entry}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(prefix) and alive(int(entry)):
                found.add(int(entry))
                break
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
