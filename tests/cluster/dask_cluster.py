"""A real Dask cluster on 127.0.0.1 (a scheduler and workers as processes), and the one
index that sharded results are compared with."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from checkout import ROOT
from search import engine
from search.query.expand import expand_multiterms

# `dask scheduler` and `dask worker`, from this interpreter's environment
SCHEDULER = [sys.executable, "-m", "dask", "scheduler"]
DASK = [sys.executable, "-m", "dask", "worker"]
SCORE_TOLERANCE = 1e-6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SEARCH_INDEX", "SEARCH_CLUSTER")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM, wait: float = 10.0) -> None:
    """Stops a process this module started, with the process group it leads."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)  # the group was created for it (start_new_session)
    except ProcessLookupError:
        return
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(wait)


@dataclass
class Worker:
    name: str
    root: Path
    log: Path
    proc: subprocess.Popen | None = None

    def kill(self) -> None:
        """Kills the whole ``dask worker`` (its nanny and its worker process)."""
        if self.proc is not None:
            _stop(self.proc, signal.SIGKILL)

    def pause(self) -> None:
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.proc.pid, signal.SIGCONT)


@dataclass
class DaskCluster:
    """``dask scheduler`` and ``dask worker`` processes; each worker has its own shard root."""

    base: Path
    port: int = 0
    scheduler: subprocess.Popen | None = None
    workers: dict[str, Worker] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self, workers: int = 2) -> DaskCluster:
        self.port = free_port()
        log = open(self.base / "scheduler.log", "wb")
        self.scheduler = subprocess.Popen(
            [*SCHEDULER, "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_env(),
            cwd=ROOT,
            start_new_session=True,
        )
        for i in range(1, workers + 1):
            self.start_worker(f"w{i}", wait=False)
        self.wait_for_workers(workers)
        return self

    def start_worker(self, name: str, wait: bool = True) -> Worker:
        worker = self.workers.get(name)
        if worker is None:
            root = self.base / f"{name}-disk"
            root.mkdir(parents=True, exist_ok=True)
            worker = Worker(name, root, self.base / f"{name}.log")
            self.workers[name] = worker
        log = open(worker.log, "ab")
        worker.proc = subprocess.Popen(
            [
                *DASK,
                self.address,
                "--nworkers",
                "1",
                "--nthreads",
                "2",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
                "--name",
                name,
                "--death-timeout",
                "60",
                "--local-directory",
                str(self.base / f"{name}-scratch"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_env({"SEARCH_SHARD_ROOT": str(worker.root)}),
            cwd=ROOT,
            start_new_session=True,
        )
        if wait:
            self.wait_for_workers(len(self.running()))
        return worker

    def running(self) -> list[Worker]:
        return [w for w in self.workers.values() if w.proc and w.proc.poll() is None]

    def worker_names(self) -> set[str]:
        from distributed import Client

        with Client(self.address, timeout=10, set_as_default=False) as client:
            info = client.scheduler_info()["workers"]
            return {str(w.get("name")) for w in info.values()}

    def wait_for_workers(self, n: int, timeout: float = 60.0) -> None:
        from distributed import Client

        deadline = time.monotonic() + timeout
        with Client(self.address, timeout=timeout, set_as_default=False) as client:
            while time.monotonic() < deadline:
                if len(client.scheduler_info()["workers"]) == n:
                    return
                time.sleep(0.2)
        raise RuntimeError(f"{n} workers did not register:\n{self.logs()}")

    def logs(self) -> str:
        out = []
        for path in sorted(self.base.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()
            out.append(f"== {path.name}\n" + "\n".join(text[-30:]))
        return "\n".join(out)

    def stop(self) -> None:
        for worker in self.workers.values():
            if worker.proc is not None:
                try:
                    worker.resume()
                except ProcessLookupError:
                    pass
                _stop(worker.proc)
        if self.scheduler is not None:
            _stop(self.scheduler)


# -- the single index to compare with


class Reference(engine.SearchIndex):
    """SearchIndex as search/engine.py has it, with prefixes, wildcards and fuzzy terms
    expanded over the whole index before searching (search/query/expand.py says why).

    Once the engine expands them itself (the patch to search/engine.py), this
    changes nothing: an expanded query has nothing left to expand.
    """

    def parse(self, text: str):
        parsed = super().parse(text)
        parsed.query = expand_multiterms(parsed.query, self.searcher().reader())
        return parsed


# -- comparing results


def comparable(result) -> dict:
    """The JSON of a result without its time (and scores, compared apart)."""
    out = result.to_dict()
    out.pop("took_ms")
    for hit in out["results"]:
        hit.pop("score")
    return out


def assert_same(single, sharded, what: str = "") -> None:
    """The same ids, order, scores (1e-6), snippets, words matched across scripts (their
    similarities unrounded too), totals, facets and suggestion."""
    a, b = comparable(single), comparable(sharded)
    ids_a = [h["id"] for h in a["results"]]
    ids_b = [h["id"] for h in b["results"]]
    assert len(ids_b) == len(ids_a), f"{what}: {ids_b} vs one index's {ids_a}"
    for x, y in zip(single.results, sharded.results, strict=True):
        assert abs(x.score - y.score) <= SCORE_TOLERANCE, f"{what}: {x.id} {x.score} {y.score}"
    assert ids_b == ids_a, f"{what}: ranked {ids_b}, one index ranks {ids_a}"
    assert single.facets == sharded.facets, what
    assert [h.matched for h in sharded.results] == [h.matched for h in single.results], what
    assert b == a, what
