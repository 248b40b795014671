"""The app on waitress: one listening socket, request bodies refused by their declared size.

**Bodies.** Only GET is served, so a request body is refused by the length it
declares, as soon as its headers are read: waitress's ``max_request_body_size``
is the app's ``MAX_CONTENT_LENGTH``. Waitress then answers 413 and closes the
connection with the body unread, and a kernel that closes a socket with
unread data resets the connection: a client still sending its body (any HTTP
client posting 20 MB) gets the reset, not the 413. :class:`LingeringChannel`
closes as web servers do after an error (Apache's and nginx's "lingering
close"): the answer, then its half of the connection, then it reads and drops
what the client still sends until the client closes or :data:`LINGER_SECONDS`
pass. A body declared and never sent gets its 413 at once and holds nothing:
the server's threads are free, and the socket goes when the client closes it.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server

# How long a connection refused for its body may go on sending before it is closed.
LINGER_SECONDS = 5.0
IDENT = "news-search"  # the Server header: no version


class LingeringChannel(HTTPChannel):
    """An HTTP connection that, after an error answer, lingers before closing (see above)."""

    answered_error = False
    lingering_until: float | None = None

    def service(self) -> None:
        if self.requests and self.requests[0].error:
            self.answered_error = True  # waitress closes after every error answer
        super().service()

    def handle_close(self) -> None:
        if self.answered_error and self.lingering_until is None and self.connected:
            self._linger()
        else:
            self._close()

    def _linger(self) -> None:
        try:
            self.socket.shutdown(socket.SHUT_WR)  # the answer is sent; FIN follows it
        except OSError:
            self._close()
            return
        self.lingering_until = time.monotonic() + LINGER_SECONDS
        self.will_close = self.close_when_flushed = False

    def _close(self) -> None:
        self.lingering_until = None
        self.answered_error = False
        super().handle_close()

    def readable(self) -> bool:
        return self.lingering_until is not None or super().readable()

    def writable(self) -> bool:
        if self.lingering_until is not None:
            # asked at every turn of the loop (at least once a second): time to go?
            return time.monotonic() > self.lingering_until
        return super().writable()

    def handle_write(self) -> None:
        if self.lingering_until is not None:
            self._close()
        else:
            super().handle_write()

    def handle_read(self) -> None:
        if self.lingering_until is None:
            super().handle_read()
            return
        try:
            data = self.socket.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data or time.monotonic() > self.lingering_until:
            self._close()


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening (raises OSError)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def serve_app(app: Flask, sock: socket.socket, threads: int) -> None:
    """Waitress serving ``app`` on ``sock`` in this process until SIGINT or SIGTERM."""
    server = create_server(
        app,
        sockets=[sock],
        threads=threads,
        ident=IDENT,
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
    )
    server.channel_class = LingeringChannel
    if threading.current_thread() is threading.main_thread():
        # SIGTERM as Ctrl+C: waitress stops accepting, lets its threads finish, returns
        signal.signal(signal.SIGTERM, _exit_on_signal)
    server.run()


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(0)


# -- several processes

# Threads of all the workers together when --threads is not given: each thread opens its
# own Whoosh searcher (a few MB: the index files are mapped and shared), and beyond two a
# process the GIL gives no more throughput.
TOTAL_THREADS = 8
# A worker that exits sooner than this after it started is failing at start; after
# MAX_QUICK_EXITS of those in a row the supervisor gives up instead of looping.
QUICK_EXIT_SECONDS = 2.0
MAX_QUICK_EXITS = 5
# After SIGTERM, how long workers have to finish their requests before SIGKILL.
STOP_SECONDS = 15


def default_workers() -> int:
    """One worker a CPU this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_threads(workers: int) -> int:
    return max(2, TOTAL_THREADS // max(1, workers))


class Supervisor:
    """``workers`` forked processes, each serving ``make_app()`` on the one listening
    socket (the kernel hands each connection to one of them).

    A worker that dies is replaced. SIGTERM or SIGINT (Ctrl+C) stops them all:
    each is sent SIGTERM, finishes its requests, and exits; one still there after
    :data:`STOP_SECONDS`, or at a second signal, is killed. A worker whose
    supervisor is gone (killed with SIGKILL) stops by itself.
    """

    def __init__(self, make_app: Callable[[], Flask], sock: socket.socket, workers, threads):
        self.make_app = make_app
        self.sock = sock
        self.workers = workers
        self.threads = threads
        self.children: dict[int, float] = {}  # pid -> when it started
        self.stopping = False
        self.quick_exits = 0

    def run(self) -> int:
        """Until stopped; 0, or 2 when the workers keep failing at start."""
        handled = (signal.SIGTERM, signal.SIGINT, signal.SIGALRM)
        previous = {sig: signal.getsignal(sig) for sig in handled}
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGALRM, self._kill_all)
        try:
            for _ in range(self.workers):
                self._start()
            return self._watch()
        finally:
            signal.alarm(0)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch(self) -> int:
        while self.children:
            try:
                pid, status = os.wait()  # retried after each signal handler (PEP 475)
            except ChildProcessError:
                break
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
            self.quick_exits = self.quick_exits + 1 if _age(started) < QUICK_EXIT_SECONDS else 0
            if self.quick_exits >= MAX_QUICK_EXITS:
                _say(f"worker {pid} {how}; workers keep failing at start, stopping")
                self._stop(signal.SIGTERM, None)
                continue
            _say(f"worker {pid} {how}; starting another")
            self._start()
        return 2 if self.quick_exits >= MAX_QUICK_EXITS else 0

    def _start(self) -> None:
        # signals wait until the new worker has its own handlers and is in the table
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        try:
            pid = os.fork()
            if pid == 0:
                self._work()  # never returns
            self.children[pid] = time.monotonic()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    def _work(self) -> None:
        code = 3
        try:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, _exit_on_signal)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
            _stop_when_orphaned(os.getppid())
            app = self.make_app()  # the worker's own app and SearchIndex
            serve_app(app, self.sock, self.threads)
            code = 0
        except (KeyboardInterrupt, SystemExit):
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def _stop(self, signum, frame) -> None:
        """SIGTERM to every worker; at a second signal, SIGKILL."""
        if self.stopping:
            self._kill_all(signum, frame)
            return
        self.stopping = True
        self._signal_all(signal.SIGTERM)
        signal.alarm(STOP_SECONDS)

    def _kill_all(self, signum, frame) -> None:
        self._signal_all(signal.SIGKILL)

    def _signal_all(self, sig: int) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


def _stop_when_orphaned(parent: int) -> None:
    """A thread that stops this worker (as SIGTERM does) once its supervisor is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def _age(started: float) -> float:
    return time.monotonic() - started


def _say(message: str) -> None:
    print(f"search-cli serve: {message}", file=sys.stderr, flush=True)
