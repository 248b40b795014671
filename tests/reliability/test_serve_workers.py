"""``search-cli serve --workers N``: N processes on one port, supervised: a worker that dies is
replaced, SIGTERM and Ctrl+C stop them all, and no worker outlives a killed supervisor."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess

import pytest

from index_processes import alive, cli_command, descendants, popen, wait_until


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search(port: int) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/api/search?q=tungsten")
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        conn.close()


@pytest.fixture
def serve(seeds_index_dir):
    """Starts ``search-cli serve --workers 2``; (process, port) once it answers."""
    started: list[subprocess.Popen] = []

    def start(**kwargs) -> tuple[subprocess.Popen, int]:
        port = free_port()
        cmd = cli_command("serve", "--port", port, "--index", seeds_index_dir, "--workers", 2)
        process = popen(cmd, **kwargs)
        started.append(process)
        assert wait_until(
            lambda: search(port) == 200, 60, 0.1, alive=lambda: process.poll() is None
        ), process.communicate(timeout=30)
        assert wait_until(lambda: len(descendants(process.pid)) == 2, 30, 0.05)
        return process, port

    yield start
    for process in started:
        for pid in descendants(process.pid):
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def test_a_worker_that_dies_is_replaced_and_sigterm_stops_all(serve):
    server, port = serve()
    workers = descendants(server.pid)
    dead = min(workers)
    os.kill(dead, signal.SIGKILL)
    assert wait_until(
        lambda: len(descendants(server.pid)) == 2 and dead not in descendants(server.pid), 30, 0.05
    )
    assert search(port) == 200
    workers = descendants(server.pid)
    server.terminate()
    _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert f"worker {dead} was killed by signal 9; starting another" in err
    assert wait_until(lambda: not any(alive(pid) for pid in workers), 30, 0.05)
    assert search(port) is None  # nothing listens any more


def test_ctrl_c_stops_every_worker(serve):
    # a terminal's Ctrl+C: SIGINT to the whole process group
    server, port = serve(start_new_session=True)
    workers = descendants(server.pid)
    os.killpg(server.pid, signal.SIGINT)
    _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert "Traceback" not in err
    assert wait_until(lambda: not any(alive(pid) for pid in workers), 30, 0.05)


def test_workers_stop_when_the_supervisor_is_killed(serve):
    server, port = serve()
    workers = descendants(server.pid)
    server.kill()
    server.wait(timeout=30)
    assert wait_until(lambda: not any(alive(pid) for pid in workers), 30, 0.05)


def test_port_in_use_is_one_clear_line(serve, seeds_index_dir):
    server, port = serve()
    done = subprocess.run(
        cli_command("serve", "--port", port, "--index", seeds_index_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"search-cli: cannot listen on 127.0.0.1:{port}: ")
    assert len(done.stderr.splitlines()) == 1
