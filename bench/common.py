"""What the speed benchmarks share: machine facts, timing, child processes, tables.

Used by ``bench/index.py`` and ``bench/query.py``; not run on its own, except

    python bench/common.py

which prints the machine table that those scripts write into docs/BENCHMARKS.md.

Everything here must work in the test virtualenv too, which has neither the
``bench`` extra (tantivy, psutil) nor anything else beyond the runtime and test
dependencies: psutil only refines the memory figures when it is there.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
DOC = ROOT / "docs" / "BENCHMARKS.md"
MB = 1_000_000
# psutil sampling period for the peak RSS of a process tree: short enough to
# catch a commit's peak (which lasts seconds), long enough to cost nothing.
RSS_SAMPLE_SECONDS = 0.05
PACKAGES = ("whoosh3", "PyStemmer", "tantivy", "psutil")


# -- the machine


def _meminfo_total_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _pyicu_distribution() -> str:
    for name in ("pyicu-wheels", "PyICU"):
        version = package_version(name)
        if version:
            return f"{version} ({name})"
    return "not installed"


def machine_info() -> dict[str, str]:
    """Cores, memory, Python and the versions of everything measured."""
    import sqlite3

    import icu

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = _meminfo_total_bytes()
    info = {
        "cpu": f"{_cpu_model()}, {cores} cores usable ({os.cpu_count()} online)",
        "memory": f"{memory / 2**30:.1f} GiB" if memory else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
        "ICU": icu.ICU_VERSION,
        # PyICU comes as pyicu-wheels (ICU inside) or built against the system's ICU
        "PyICU": _pyicu_distribution(),
    }
    for name in PACKAGES:
        info[name] = package_version(name) or "not installed"
    return info


def machine_table(info: dict[str, str]) -> str:
    rows = ["| | |", "|---|---|"]
    rows += [f"| {key} | {value} |" for key, value in info.items()]
    return "\n".join(rows)


# -- timing and statistics


@dataclass
class Timer:
    seconds: float = 0.0


@contextmanager
def timer() -> Iterator[Timer]:
    """``with timer() as t: ...`` then ``t.seconds``: wall-clock, perf_counter."""
    t = Timer()
    started = time.perf_counter()
    try:
        yield t
    finally:
        t.seconds = time.perf_counter() - started


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), linearly interpolated as numpy's default does."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return None
    return a / b


# -- child processes


@dataclass
class ChildRun:
    """A finished child process: its output, wall time and peak memory."""

    returncode: int
    stdout: str
    seconds: float
    # Largest RSS of any one process of the tree (the kernel's ru_maxrss, via wait4).
    max_rss_one: int
    # Largest sum of the RSS of the whole tree (psutil sampling), None without psutil;
    # an upper bound when workers were forked, since shared pages count once each.
    max_rss_tree: int | None = None
    # user + system CPU of the child and the children it reaped (its Pool workers):
    # less sensitive than wall time to other work on a shared machine.
    cpu_seconds: float = 0.0
    # the machine's 1-minute load average when the child ended: how shared it was
    load: float = 0.0

    @property
    def peak_rss(self) -> int:
        """The figure reported: the tree's sum when it was sampled, else one process."""
        return max(self.max_rss_one, self.max_rss_tree or 0)

    def json(self) -> dict:
        """The child's last stdout line, which the bench workers print as JSON."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else {}


def _sample_tree_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        total = 0
        try:
            for proc in [root, *root.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            return
        peak[0] = max(peak[0], total)
        stop.wait(RSS_SAMPLE_SECONDS)


def have_psutil() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


def run_child(cmd: Sequence[str], *, env: dict | None = None, cwd: Path = ROOT) -> ChildRun:
    """Runs ``cmd`` to the end; stdout captured, stderr passed through.

    The child is reaped with ``os.wait4`` so that its own ``ru_maxrss`` is read,
    not the running maximum over every child this process ever had (which is
    what ``getrusage(RUSAGE_CHILDREN)`` gives).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, cwd=cwd, text=True)
    stop, peak = threading.Event(), [0]
    sampler = None
    if have_psutil():
        sampler = threading.Thread(target=_sample_tree_rss, args=(proc.pid, stop, peak))
        sampler.start()
    assert proc.stdout is not None
    stdout = proc.stdout.read()  # until the child closes it: it has finished
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    if sampler:
        sampler.join()
    return ChildRun(
        returncode=proc.returncode,
        stdout=stdout,
        seconds=seconds,
        max_rss_one=usage.ru_maxrss * 1024,  # kilobytes on Linux
        max_rss_tree=peak[0] if sampler else None,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        load=os.getloadavg()[0],
    )


def python_child(script: Path, *args: str) -> list[str]:
    """The command that runs one of the bench scripts with this interpreter."""
    return [sys.executable, str(script), *args]


# -- sizes and formatting


def folder_size(path: Path) -> int:
    """Bytes of every file under ``path`` (or of ``path`` itself, if a file)."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += (Path(folder) / name).stat().st_size
            except OSError:
                pass  # a temporary file removed while we walked
    return total


def fmt_int(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def fmt_ratio(value: float | None) -> str:
    """Two significant digits or more: 0.021×, 0.65×, 4.2×, 13.3×."""
    if value is None:
        return "–"
    if value < 0.1:
        return f"{value:.3f}×"
    return f"{value:.2f}×" if value < 10 else f"{value:.1f}×"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# -- docs/BENCHMARKS.md


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def write_between_markers(doc: Path, name: str, text: str) -> None:
    """Replaces what stands between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``.

    Raises ValueError when the markers are missing, rather than appending
    somewhere a reader would not look.
    """
    begin, end = markers(name)
    content = doc.read_text(encoding="utf-8")
    if begin not in content or end not in content:
        raise ValueError(f"{doc} has no {begin} … {end} markers")
    start, stop = content.index(begin) + len(begin), content.index(end)
    doc.write_text(content[:start] + "\n" + text.strip() + "\n" + content[stop:], "utf-8")


def main() -> None:
    print(machine_table(machine_info()))


if __name__ == "__main__":
    main()
