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

import signal
import socket
import threading
import time

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
