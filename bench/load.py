"""Load test of the real web server: ``search-cli serve`` on loopback under many clients.

    python bench/load.py --index DIR [--clients 50] [--seconds 30] [--workers N]
                         [--write docs/RELIABILITY.md]

Starts ``search-cli serve --host 127.0.0.1 --port P --index DIR`` (with ``--workers N`` when
given; else its default, one process a CPU) as a subprocess on a free port, then:

1. warm-up: a few clients run the query mix for ``--warmup`` seconds (every server thread
   opens its searcher); the server's RSS is read;
2. baseline: one client sends requests back to back for ``--baseline`` seconds;
3. the run: ``--clients`` clients (threads, each with its own keep-alive connection) for
   ``--seconds`` seconds or ``--max-requests`` requests, whichever comes first, each request
   with a ``--timeout``; the server's RSS is read again;
4. limit probes: a query longer than the cap, a huge URL and a large POST body must be
   refused (4xx or 503) at once; a body that is declared but never sent, an expensive
   query within the length cap and a slow one within every bound must get an answer (4xx,
   503, or a 200 if the work is done) within ``--probe-timeout`` seconds: never a hang.

The mix: single words in each script, quoted phrases, cross-script Latin (tungsten, Trump,
Kazakhstan), fuzzy ``word~``, a language facet (``lang=fa``) and pages 2-3, half to
``/search`` (HTML) and half to ``/api/search`` (JSON). Reported: requests/s, p50/p95/p99
latency, errors and time-outs, the server's CPU time (its processes together) as a share of
the phase and per request, server RSS (with its workers) after warm-up and after the run and
their ratio, throughput against the one-client baseline, and each probe's answer and time.
With ``--write`` the report replaces the part of RELIABILITY.md between the load-test markers.

Only loopback addresses are used: the server is never reachable from another machine.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- load-test:begin -->", "<!-- load-test:end -->"
HOST = "127.0.0.1"
MAX_QUERY_LENGTH = 1000  # search.MAX_QUERY_LENGTH, the web's default cap

# The query mix: (kind, weight, [(query, extra parameters)]).
MIX: list[tuple[str, int, list[tuple[str, dict]]]] = [
    ("word-hi", 3, [(w, {}) for w in ("टंगस्टन", "ट्रंप", "कजाकिस्तान", "अमेरिका", "खनिज")]),
    ("word-ar", 3, [(w, {}) for w in ("ترامب", "كازاخستان", "واشنطن", "المعادن", "التنغستن")]),
    ("word-fa", 3, [(w, {}) for w in ("تنگستن", "ترامپ", "قزاقستان", "آمریکا", "معادن")]),
    ("phrase", 2, [(w, {}) for w in ('"البيت الأبيض"', '"डोनाल्ड ट्रंप"', '"کاخ سفید"')]),
    ("latin", 3, [(w, {}) for w in ("tungsten", "Trump", "Kazakhstan", "uranium")]),
    ("fuzzy", 2, [(w, {}) for w in ("تنگستان~", "tungstn~", "ترمپ~1", "कजाकिस्तन~")]),
    ("facet", 2, [("Trump", {"lang": "fa"}), ("tungsten", {"lang": "ar"}), ("قزاقستان", {})]),
    ("page", 2, [("Trump", {"page": 2}), ("Kazakhstan", {"page": 3}), ("tungsten", {"page": 2})]),
]


def request_paths(rng: random.Random):
    """An endless stream of (kind, path) drawn from the mix."""
    kinds = [k for k, _, _ in MIX]
    weights = [w for _, w, _ in MIX]
    choices = {k: c for k, _, c in MIX}
    while True:
        kind = rng.choices(kinds, weights)[0]
        query, extra = rng.choice(choices[kind])
        route = rng.choice(("/search", "/api/search"))
        yield kind, f"{route}?{urlencode({'q': query, **extra})}"


# -- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, log, workers: int | None = None) -> subprocess.Popen:
    """``search-cli serve``; ``workers`` None: its default (one process a CPU)."""
    env = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX"}
    return subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--host", HOST, "--port", str(port)]
        + ["--index", str(index_dir)]
        + (["--workers", str(workers)] if workers else []),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )


def wait_ready(
    port: int, process: subprocess.Popen, timeout: float = 120, status: int = 200
) -> None:
    """Until a search answers ``status``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            if get(port, "/api/search?q=tungsten", timeout=10)[0] == status:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def server_processes(pid: int) -> list[int]:
    """The server and its workers (``search-cli serve --workers N`` forks N)."""
    found, frontier = [pid], [pid]
    while frontier:
        children = []
        for parent in frontier:
            try:
                for task in os.listdir(f"/proc/{parent}/task"):
                    with open(f"/proc/{parent}/task/{task}/children") as f:
                        children += [int(c) for c in f.read().split()]
            except OSError:
                pass
        found += children
        frontier = children
    return found


def rss_bytes(pid: int) -> int:
    """RSS of the server and its workers together."""
    return sum(_rss(p) for p in server_processes(pid))


def _rss(pid: int) -> int:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss
    except ImportError:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    raise RuntimeError("cannot read the server's memory (no psutil, no /proc)")


def memory_detail(pid: int) -> dict[str, float]:
    """RSS split into anonymous and file-backed pages (each thread's searcher maps the index
    files again, and RSS counts every mapping), and USS when psutil is there: the memory
    the processes alone hold; summed over the server and its workers."""
    out: dict[str, float] = {}
    for process in server_processes(pid):
        try:
            with open(f"/proc/{process}/status") as status:
                for line in status:
                    name, _, value = line.partition(":")
                    if name in ("RssAnon", "RssFile"):
                        out[name] = out.get(name, 0) + int(value.split()[0]) / 1024
        except OSError:
            pass
        try:
            import psutil

            uss = psutil.Process(process).memory_full_info().uss / 2**20
            out["USS"] = out.get("USS", 0) + uss
        except (ImportError, OSError):
            pass
    return {name: round(mb, 1) for name, mb in out.items()}


def get(port: int, path: str, timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# -- clients


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.timeouts += other.timeouts
        for mine, theirs in ((self.statuses, other.statuses), (self.kinds, other.kinds)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        self.error_samples += other.error_samples[: 5 - len(self.error_samples)]


class Budget:
    """At most ``max_requests`` requests, none started after ``seconds``."""

    def __init__(self, seconds: float, max_requests: int):
        self.deadline = time.monotonic() + seconds
        self.left = max_requests
        self.lock = threading.Lock()

    def take(self) -> bool:
        if time.monotonic() >= self.deadline:
            return False
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def client(port: int, budget: Budget, timeout: float, seed: int, tally: Tally) -> None:
    rng = random.Random(seed)
    paths = request_paths(rng)
    conn = None
    while budget.take():
        kind, path = next(paths)
        tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except TimeoutError:
            tally.timeouts += 1
            conn = _reset(conn)
            continue
        except (OSError, http.client.HTTPException) as e:
            tally.errors += 1
            if len(tally.error_samples) < 5:
                tally.error_samples.append(f"{path}: {e!r}")
            conn = _reset(conn)
            continue
        tally.latencies.append(time.perf_counter() - started)
        tally.statuses[str(status)] = tally.statuses.get(str(status), 0) + 1
        if status != 200:
            tally.errors += 1
            if len(tally.error_samples) < 5:
                tally.error_samples.append(f"{path}: HTTP {status}")
    _reset(conn)


def _reset(conn):
    if conn is not None:
        conn.close()
    return None


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server and its workers have used so far."""
    return sum(cpu_by_process(pid).values())


def cpu_by_process(pid: int) -> dict[int, float]:
    """CPU time (user + system) of the server and of each worker so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for process in server_processes(pid):
        try:
            with open(f"/proc/{process}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            out[process] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return out


def drive(
    port: int,
    clients: int,
    seconds: float,
    max_requests: int,
    timeout: float,
    server_pid: int | None = None,
) -> dict:
    """``clients`` threads against the server; the phase's figures, with the server's CPU
    time when ``server_pid`` is given (on a shared machine, wall-clock throughput depends
    on what else runs; CPU time a request does not, and CPU % shows how many cores the
    server could use)."""
    cpu_before = cpu_by_process(server_pid) if server_pid else {}
    budget = Budget(seconds, max_requests)
    tallies = [Tally() for _ in range(clients)]
    threads = [
        threading.Thread(target=client, args=(port, budget, timeout, i, t), daemon=True)
        for i, t in enumerate(tallies)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 60)
    elapsed = time.perf_counter() - started
    cpu_after = cpu_by_process(server_pid) if server_pid else {}
    by_process = [round(t - cpu_before.get(p, 0.0), 2) for p, t in cpu_after.items()]
    cpu = sum(by_process) if server_pid else None
    total = Tally()
    for t in tallies:
        total.add(t)
    answered = len(total.latencies)
    ms = [x * 1000 for x in total.latencies]
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": answered + total.timeouts + (total.errors - _not_ok(total)),
        "answered": answered,
        "requests_per_s": round(answered / elapsed, 1) if elapsed else 0.0,
        "server_cpu_s": round(cpu, 2) if cpu is not None else None,
        "server_cpu_percent": round(100 * cpu / elapsed) if cpu is not None and elapsed else None,
        "cpu_ms_per_request": round(1000 * cpu / answered, 1) if cpu and answered else None,
        "server_cpu_s_by_process": by_process,  # the supervisor first, then each worker
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1) if ms else None,
        "errors": total.errors,
        "timeouts": total.timeouts,
        "statuses": total.statuses,
        "kinds": total.kinds,
        "error_samples": total.error_samples,
    }


def _not_ok(tally: Tally) -> int:
    """Answers other than 200 (counted in ``errors`` as well as answered)."""
    return sum(v for k, v in tally.statuses.items() if k != "200")


# -- limits


@dataclass
class Probe:
    name: str
    status: int | None
    seconds: float
    ok: bool
    note: str = ""


def _probe(name: str, fn, limit: float, answered_in_time_is_ok: bool = False) -> Probe:
    """Size probes must be refused (4xx, or 503); time probes may also be answered (200),
    as long as the answer comes within ``limit``: what is never acceptable is no answer."""
    started = time.perf_counter()
    try:
        status = fn()
        note = ""
    except TimeoutError:
        status, note = None, f"no answer within {limit:.0f} s"
    except (OSError, http.client.HTTPException) as e:
        status, note = None, f"{type(e).__name__}: {e}"
    took = time.perf_counter() - started
    refused = status is not None and (400 <= status < 500 or status == 503)
    ok = (refused or (answered_in_time_is_ok and status == 200)) and took < limit
    return Probe(name, status, round(took, 3), ok, note)


def _raw(port: int, data: bytes, limit: float) -> int:
    """Sends ``data`` as is; the status of whatever comes back."""
    with socket.create_connection((HOST, port), timeout=limit) as s:
        s.sendall(data)
        head = b""
        while b"\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                raise ConnectionError("closed without an answer")
            head += chunk
        return int(head.split(b" ", 2)[1])


def _post(port: int, body: bytes, limit: float) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=limit)
    try:
        conn.request("POST", "/api/search?q=x", body=body, headers={"Content-Type": "text/plain"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def expensive_query(cap: int = MAX_QUERY_LENGTH) -> str:
    """Distinct infix wildcards (``*ب*``, ``*क*``, ``*بت*`` ...) up to the length cap: each
    one a scan of the whole vocabulary (the parser drops repeats of one pattern)."""
    arabic = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    devanagari = "कखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह"
    patterns = [f"*{c}*" for c in arabic + devanagari]
    patterns += [f"*{a}{b}*" for a in arabic for b in arabic]
    query = ""
    for pattern in patterns:
        if len(query) + len(pattern) + 1 > cap:
            break
        query += pattern + " "
    return query.strip()


EXPENSIVE = expensive_query()
# Three of them: within the bound on expanded terms (3 x 2 fields x 500 < 4,000), but
# seconds of work on a 10,000-article index: the time budget's case.
SLOW = " ".join(EXPENSIVE.split()[:3])

PROBES = {
    "size": [
        ("query over the cap (1,001 chars), /api/search", "cap-api"),
        ("query over the cap (1,001 chars), /search", "cap-page"),
        ("huge URL (300 KB)", "url"),
        ("large POST body (20 MB)", "post"),
    ],
    "time": [
        ("declared 100 MB body, never sent", "declared"),
        ("expensive query within the cap (~200 infix wildcards)", "expensive"),
        ("slow query within every bound (3 infix wildcards)", "slow"),
    ],
}


def probe(port: int, which: str, limit: float) -> Probe:
    long_q = quote("a" * (MAX_QUERY_LENGTH + 1))
    name = {key: name for group in PROBES.values() for name, key in group}[which]
    timed = which in {key for _, key in PROBES["time"]}
    actions = {
        "cap-api": lambda: get(port, f"/api/search?q={long_q}", limit)[0],
        "cap-page": lambda: get(port, f"/search?q={long_q}", limit)[0],
        "url": lambda: get(port, "/search?q=x&pad=" + "a" * 300_000, limit)[0],
        "post": lambda: _post(port, b"x" * 20_000_000, limit),
        "declared": lambda: _raw(
            port,
            b"POST /api/search?q=x HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n",
            limit,
        ),
        "expensive": lambda: get(port, "/api/search?" + urlencode({"q": EXPENSIVE}), limit)[0],
        "slow": lambda: get(port, "/api/search?" + urlencode({"q": SLOW}), limit)[0],
    }
    return _probe(name, actions[which], limit, answered_in_time_is_ok=timed)


def _search(port: int) -> int:
    return get(port, "/api/search?q=tungsten", 30)[0]


# -- the whole run


def run_load(
    index_dir: Path,
    clients: int = 50,
    seconds: float = 30,
    warmup: float = 5,
    baseline: float = 10,
    max_requests: int = 200_000,
    timeout: float = 10,
    probes: tuple[str, ...] = ("size", "time"),
    probe_timeout: float = 10,
    log=subprocess.DEVNULL,
    workers: int | None = None,
) -> dict:
    """Starts the server, runs the phases, stops the server; the report as a dict."""
    port = free_port()
    server = start_server(index_dir, port, log, workers)
    try:
        started = time.monotonic()
        wait_ready(port, server)
        startup = time.monotonic() - started
        processes = len(server_processes(server.pid))
        load_before = os.getloadavg()
        warm = drive(port, min(clients, 16), warmup, max_requests, timeout, server.pid)
        rss_warm = rss_bytes(server.pid)
        detail_warm = memory_detail(server.pid)
        one = drive(port, 1, baseline, max_requests, timeout, server.pid)
        many = drive(port, clients, seconds, max_requests, timeout, server.pid)
        rss_after = rss_bytes(server.pid)
        detail_after = memory_detail(server.pid)
        load_after = os.getloadavg()
        results = [probe(port, key, probe_timeout) for g in probes for _, key in PROBES[g]]
        alive = _probe("a normal query after the probes", lambda: _search(port), 30)
        alive.ok = alive.status == 200
    finally:
        stop_server(server)
    report = {
        "index": str(index_dir),
        "documents": _documents(index_dir),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "load_average": [round(x, 2) for x in (*load_before[:1], *load_after[:1])],
        "server_start_s": round(startup, 2),
        "workers": max(1, processes - 1),
        "warmup": warm,
        "baseline": one,
        "run": many,
        "rss_warm_mb": round(rss_warm / 2**20, 1),
        "rss_after_mb": round(rss_after / 2**20, 1),
        "rss_ratio": round(rss_after / rss_warm, 3),
        # the goal is on the processes' own memory: file-backed pages are the index's
        # segment files, mapped and read in place (search/whoosh_ext/storage.py), which RSS counts
        # as the queries touch them; they are the page cache's, bounded by the index size
        "anon_ratio": round(detail_after["RssAnon"] / detail_warm["RssAnon"], 3)
        if detail_warm.get("RssAnon")
        else None,
        "memory_warm_mb": detail_warm,
        "memory_after_mb": detail_after,
        "throughput_ratio": round(many["requests_per_s"] / one["requests_per_s"], 2)
        if one["requests_per_s"]
        else None,
        "probes": [asdict(p) for p in results],
        "alive_after_probes": asdict(alive),
    }
    report["goals"] = goals(report)
    return report


def _documents(index_dir: Path) -> int | None:
    try:
        from whoosh import index as whoosh_index

        with whoosh_index.open_dir(str(index_dir)).searcher() as searcher:
            return searcher.doc_count()
    except Exception:  # only for the report
        return None


def goals(report: dict) -> dict[str, bool]:
    run = report["run"]
    return {
        "zero errors": run["errors"] == 0,
        "zero time-outs": run["timeouts"] == 0,
        "memory after the run ≤ 1.2 × after warm-up": (
            report["anon_ratio"] if report["anon_ratio"] is not None else report["rss_ratio"]
        )
        <= 1.2,
        "throughput with many clients ≥ one client": (report["throughput_ratio"] or 0) >= 1.0,
        "every limit probe: 4xx/503, no hang": all(p["ok"] for p in report["probes"]),
        "server answers after the probes": report["alive_after_probes"]["ok"],
    }


def markdown(report: dict) -> str:
    run, one = report["run"], report["baseline"]
    mark = {True: "met", False: "**not met**"}
    lines = [
        f"Index: {report['documents']:,} documents (`{report['index']}`); "
        f"{report['machine']}; load average {report['load_average'][0]} before, "
        f"{report['load_average'][1]} after. Server: `search-cli serve` "
        f"({_server_shape(report['workers'])}) on {HOST}, started in "
        f"{report['server_start_s']} s.",
        "",
        "| phase | clients | seconds | answered | req/s | p50 ms | p95 ms | p99 ms | max ms "
        "| errors | time-outs | server CPU % | CPU ms a request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, phase in (("warm-up", report["warmup"]), ("one client", one), ("load", run)):
        lines.append(
            f"| {name} | {phase['clients']} | {phase['seconds']} | {phase['answered']:,} "
            f"| {phase['requests_per_s']} | {phase['p50_ms']} | {phase['p95_ms']} "
            f"| {phase['p99_ms']} | {phase['max_ms']} | {phase['errors']} | {phase['timeouts']} "
            f"| {phase.get('server_cpu_percent')} | {phase.get('cpu_ms_per_request')} |"
        )
    lines += [
        "",
        f"Server RSS: {report['rss_warm_mb']} MB after warm-up, {report['rss_after_mb']} MB "
        f"after the run (×{report['rss_ratio']}; its own memory, RssAnon, "
        f"×{report['anon_ratio']}, the rest the mapped index files); after the run "
        + ", ".join(f"{k} {v} MB" for k, v in report["memory_after_mb"].items())
        + f". Throughput with {run['clients']} clients: "
        f"×{report['throughput_ratio']} that of one client back to back"
        + _cpu_split(run.get("server_cpu_s_by_process") or [])
        + ".",
        "",
        "| limit probe | answer | seconds | |",
        "|---|---|---:|---|",
    ]
    for p in report["probes"]:
        answer = str(p["status"]) if p["status"] is not None else p["note"]
        lines.append(f"| {p['name']} | {answer} | {p['seconds']} | {mark[p['ok']]} |")
    alive = report["alive_after_probes"]
    lines.append(
        f"| {alive['name']} | {alive['status']} | {alive['seconds']} | {mark[alive['ok']]} |"
    )
    lines += ["", "| goal | |", "|---|---|"]
    lines += [f"| {goal} | {mark[ok]} |" for goal, ok in report["goals"].items()]
    return "\n".join(lines)


def _cpu_split(seconds: list[float]) -> str:
    if len(seconds) < 2:
        return ""
    workers = ", ".join(str(t) for t in seconds[1:])
    return f"; CPU seconds in the run: supervisor {seconds[0]}, workers {workers}"


def _server_shape(workers: int) -> str:
    """How ``search-cli serve`` runs with ``workers`` (its default threads: 8 split)."""
    from web.server import default_threads

    threads = default_threads(workers)
    if workers == 1:
        return f"waitress, one process, {threads} threads"
    return f"waitress, {workers} worker processes × {threads} threads"


def write_section(path: Path, text: str) -> None:
    content = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in content and END in content:
        head, rest = content.split(BEGIN, 1)
        content = head + block + rest.split(END, 1)[1]
    else:
        content = content.rstrip("\n") + ("\n\n" if content else "") + block + "\n"
    path.write_text(content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="index folder to serve")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=30, help="length of the run (30)")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds (5)")
    parser.add_argument("--baseline", type=float, default=10, help="one-client seconds (10)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per phase")
    parser.add_argument("--timeout", type=float, default=10, help="per-request time-out (10 s)")
    parser.add_argument("--probe-timeout", type=float, default=10, help="limit probes (10 s)")
    parser.add_argument("--no-probes", action="store_true", help="skip the limit probes")
    parser.add_argument(
        "--workers", type=int, help="search-cli serve --workers (default: its own, one a CPU)"
    )
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--write", type=Path, help="RELIABILITY.md to update")
    parser.add_argument("--server-log", type=Path, help="where the server's output goes")
    args = parser.parse_args(argv)

    assert ipaddress.ip_address(HOST).is_loopback  # never another machine
    if not (args.index / "FORMAT").exists() and not any(args.index.glob("_MAIN_*.toc")):
        parser.error(f"no index in {args.index}: build one with search-cli index")
    log = open(args.server_log, "wb") if args.server_log else subprocess.DEVNULL
    try:
        report = run_load(
            args.index,
            clients=args.clients,
            seconds=args.seconds,
            warmup=args.warmup,
            baseline=args.baseline,
            max_requests=args.max_requests,
            timeout=args.timeout,
            probes=() if args.no_probes else ("size", "time"),
            probe_timeout=args.probe_timeout,
            log=log,
            workers=args.workers,
        )
    finally:
        if log is not subprocess.DEVNULL:
            log.close()
    text = markdown(report)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if args.write:
        write_section(args.write, text)
    return 0 if all(report["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
