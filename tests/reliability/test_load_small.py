"""bench/load.py in small: the real server (``search-cli serve`` on 127.0.0.1) under 10
clients for 5 seconds on the seeds index, with zero errors and zero time-outs, and requests
past the size limits refused at once."""

from __future__ import annotations

import http.client
import importlib.util
import json
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

import pytest

from checkout import ROOT


def _load_module():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


load = _load_module()


def test_small_load_has_no_errors_and_no_timeouts(seeds_index_dir):
    report = load.run_load(
        seeds_index_dir,
        clients=10,
        seconds=5,
        warmup=1,
        baseline=2,
        timeout=10,
        probes=("size",),
        probe_timeout=10,
    )
    print(load.markdown(report))
    run = report["run"]
    assert run["errors"] == 0, run["error_samples"]
    assert run["timeouts"] == 0
    assert run["answered"] > 50
    assert run["statuses"] == {"200": run["answered"]}
    assert set(run["kinds"]) == {kind for kind, _, _ in load.MIX}  # the whole mix ran
    assert report["baseline"]["errors"] == report["warmup"]["errors"] == 0
    for probe in report["probes"]:
        assert probe["ok"], probe
        assert probe["seconds"] < 5, probe
    assert report["alive_after_probes"]["ok"]
    # A gross leak would show even in five seconds; bench/load.py checks the 1.2x goal.
    assert report["rss_ratio"] < 1.5


def test_load_test_refuses_anything_but_loopback():
    assert load.HOST == "127.0.0.1"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--index", "/nonexistent"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "no index" in result.stderr


@pytest.fixture
def server(request):
    """``search-cli serve`` on a free loopback port over the index the test names."""
    started = []

    def start(index_dir, ready_status=200):
        port = load.free_port()
        process = load.start_server(index_dir, port, subprocess.DEVNULL)
        started.append(process)
        load.wait_ready(port, process, status=ready_status)
        return port

    yield start
    for process in started:
        load.stop_server(process)


def test_declared_body_never_sent_is_refused_at_once(server, seeds_index_dir):
    port = server(seeds_index_dir)
    probe = load.probe(port, "declared", limit=5)
    assert probe.ok and probe.status == 413, probe


def test_body_over_the_limit_gets_413_while_it_is_being_sent(server, seeds_index_dir):
    # waitress refuses it after the headers; the server reads and drops the rest of the
    # body instead of closing on it, which would reset the connection before the client,
    # still sending, reads the answer
    port = server(seeds_index_dir)
    for _ in range(3):
        assert load._post(port, b"x" * 20_000_000, limit=30) == 413
    conn = http.client.HTTPConnection(load.HOST, port, timeout=30)
    chunks = (b"y" * 10_000 for _ in range(2_000))
    conn.request("POST", "/api/search?q=x", body=chunks, encode_chunked=True)
    response = conn.getresponse()
    assert response.status == 413 and b"Request Entity Too Large" in response.read()
    conn.close()
    assert load._post(port, b"x" * 1000, limit=30) == 405  # within the limit: the app's answer
    assert load.get(port, "/api/search?q=tungsten", timeout=30)[0] == 200


def test_real_server_answers_503_past_the_time_budget(server, seeds_index_dir, monkeypatch):
    monkeypatch.setenv("SEARCH_QUERY_TIME_BUDGET", "1e-9")  # spent at the first check
    port = server(seeds_index_dir, ready_status=503)
    status, body = load.get(port, "/api/search?q=tungsten", timeout=10)
    assert status == 503, body
    assert "time budget" in json.loads(body)["error"]["message"]


@pytest.mark.slow
def test_expensive_queries_do_not_starve_the_server(server, corpus_index):
    port = server(corpus_index)
    path = "/api/search?" + urlencode({"q": load.EXPENSIVE})
    answers: list[tuple[int | None, float]] = []

    def hostile() -> None:
        started = time.monotonic()
        try:
            status = load.get(port, path, timeout=15)[0]
        except OSError:
            status = None
        answers.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=hostile, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    normal = load._probe(  # the same probe the benchmark uses
        "normal query beside 8 expensive ones",
        lambda: load.get(port, "/api/search?q=tungsten", timeout=10)[0],
        10,
        answered_in_time_is_ok=True,
    )
    for thread in threads:
        thread.join(20)
    assert normal.ok, normal
    assert len(answers) == 8
    for status, seconds in answers:
        assert status is not None and seconds < 10, (status, seconds)
        assert status == 200 or 400 <= status < 500 or status == 503
