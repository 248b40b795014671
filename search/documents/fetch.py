"""Fetching from the web, politely and within bounds: the ``Fetcher``.

Only when asked (a URL given to ``search-cli index`` or ``read_paths``); nothing
else here touches the network. The standard library only (``http.client``), so
that the one connection made is to an address that was checked: the host is
resolved once, every address it resolves to is checked, and the connection goes
to those addresses (an HTTPS certificate is still checked against the host name).

The rules, each a :class:`FetchRefused` or :class:`FetchFailed` naming the URL:

- ``http`` and ``https`` only (``file:``, ``ftp:`` and the rest are refused);
- no loopback, private, link-local, multicast, reserved or unspecified address,
  unless ``allow_private`` (multicast and unspecified never);
- at most ``max_redirects`` redirects, each hop checked by the same rules;
- a connect and a read timeout, and a deadline for the whole response;
- at most ``max_bytes`` of body (``Content-Length`` checked first, the stream
  stopped past the cap; compressed bodies are refused rather than inflated);
- robots.txt of each host (fetched by the same rules, kept for the run): a
  disallowed URL is refused; its ``Crawl-delay`` lengthens the delay;
- ``delay`` seconds between two requests to one host.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.utils import collapse_rfc2231_value
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from ..errors import BadInput
from .feeds import entry_document, entry_link, has_full_text, parse_feed
from .html import decode_html, page_document
from .model import Document, Problem, make_document

# the name robots.txt rules are matched against, and the User-Agent it leads
AGENT = "multilingual-news-search"


@functools.cache
def user_agent() -> str:
    """``multilingual-news-search/VERSION (...)``: the project and its version."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        found = version(AGENT)
    except (ImportError, PackageNotFoundError):  # a checkout not installed
        found = "0.1.0"
    return f"{AGENT}/{found} (news indexer; +https://pypi.org/project/{AGENT}/)"


SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)
# a robots.txt Crawl-delay above this is taken as this
MAX_CRAWL_DELAY = 60.0
_ROBOTS_BYTES = 512 * 1024
_CHUNK = 64 * 1024
# what a path or query keeps as it is (RFC 3986's reserved and unreserved characters, and %)
_SAFE = "/?#[]@!$&'()*+,;=:%~-._"


class FetchRefused(BadInput):
    """A URL the rules do not let be fetched (scheme, address, robots.txt)."""


class FetchFailed(BadInput):
    """A fetch that went wrong (timeout, too large, HTTP error, too many redirects)."""


@dataclass
class Response:
    url: str  # after redirects
    status: int
    content_type: str  # without its parameters, lower case
    charset: str | None
    body: bytes


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _charset(param) -> str | None:
    return (collapse_rfc2231_value(param).strip() or None) if param else None


def _address_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not public (``"loopback"``, ``"private"``...), None when it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "not global"
    return None


@dataclass
class Fetcher:
    """Fetches URLs by the rules above; one instance for a run (robots.txt and the
    per-host clock are kept in it)."""

    allow_private: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # the whole response, from connecting to its last byte
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    delay: float = 1.0
    user_agent: str = field(default_factory=user_agent)
    robots: bool = True
    _robots: dict = field(default_factory=dict, repr=False)
    _last: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- the rules ----------------------------------------------------------

    def check_url(self, url: str) -> tuple[str, str, int]:
        """(scheme, host, port) of a URL that may be fetched; FetchRefused otherwise."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as e:
            raise FetchRefused(f"not a valid URL ({e})") from None
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise FetchRefused(
                f"scheme {scheme + ':' if scheme else '(none)'} refused: http and https only"
            )
        if not parts.hostname:
            raise FetchRefused("no host in the URL")
        try:  # an international name as DNS and the Host header write it
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise FetchRefused(f"not a valid host name: {parts.hostname!r}") from None
        return scheme, host, port or (443 if scheme == "https" else 80)

    def addresses(self, host: str, port: int) -> list[tuple]:
        """The host's addresses, every one checked; FetchRefused when one is refused."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as e:
            raise FetchFailed(f"cannot resolve {host}: {e}") from None
        if not infos:
            raise FetchFailed(f"cannot resolve {host}")
        for _family, _type, _proto, _name, sockaddr in infos:
            ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
            kind = _address_kind(ip)
            if kind is None:
                continue
            if kind in ("multicast", "unspecified") or not self.allow_private:
                hint = (
                    "" if kind in ("multicast", "unspecified") else " (--allow-private allows it)"
                )
                raise FetchRefused(f"address {ip} of {host} is {kind}: refused{hint}")
        return infos

    # -- politeness ---------------------------------------------------------

    def _wait_turn(self, key: str, delay: float) -> None:
        with self._lock:
            last = self._last.get(key)
            now = time.monotonic()
            if last is not None and now < last + delay:
                time.sleep(last + delay - now)
            self._last[key] = time.monotonic()

    def _robots_for(self, scheme: str, host: str, port: int):
        key = f"{scheme}://{host}:{port}"
        if key in self._robots:
            return self._robots[key]
        default = 443 if scheme == "https" else 80
        netloc = host if port == default else f"{host}:{port}"
        if ":" in host and port == default:
            netloc = f"[{host}]"
        elif ":" in host:
            netloc = f"[{host}]:{port}"
        robots_url = urlunsplit((scheme, netloc, "/robots.txt", "", ""))
        parser = urllib.robotparser.RobotFileParser(robots_url)
        why = None
        try:
            response = self._get(robots_url, max_bytes=_ROBOTS_BYTES, check_robots=False)
        except BadInput as e:
            status = getattr(e, "status", None)
            if status in (401, 403):
                parser.disallow_all = True
                why = f"robots.txt answered {status}"
            elif status is not None and 400 <= status < 500:
                parser.allow_all = True
            else:  # unreachable: not fetched rather than fetched against its wishes
                parser.disallow_all = True
                why = f"robots.txt could not be read ({e})"
        else:
            text = response.body.decode(response.charset or "utf-8", "replace")
            parser.parse(text.splitlines())
        self._robots[key] = (parser, why)
        return self._robots[key]

    def _host_delay(self, scheme: str, host: str, port: int) -> float:
        if not self.robots:
            return self.delay
        parser, _ = self._robots.get(f"{scheme}://{host}:{port}", (None, None))
        crawl = parser.crawl_delay(AGENT) if parser is not None else None
        try:
            crawl = float(crawl) if crawl is not None else 0.0
        except ValueError:
            crawl = 0.0
        return max(self.delay, min(crawl, MAX_CRAWL_DELAY))

    # -- fetching -------------------------------------------------------------

    def fetch(self, url: str) -> Response:
        """The response to a GET of ``url``, redirects followed by the rules;
        FetchRefused or FetchFailed (a BadInput) naming why it was not fetched."""
        return self._get(url, max_bytes=self.max_bytes, check_robots=self.robots)

    def _get(self, url: str, *, max_bytes: int, check_robots: bool) -> Response:
        current = url
        for _hop in range(self.max_redirects + 1):
            scheme, host, port = self.check_url(current)
            infos = self.addresses(host, port)
            if check_robots:
                parser, why = self._robots_for(scheme, host, port)
                if not parser.can_fetch(AGENT, current):
                    where = f"{current} is " if current != url else ""
                    because = f" ({why})" if why else ""
                    raise FetchRefused(f"{where}disallowed by robots.txt{because}")
            self._wait_turn(f"{host}:{port}", self._host_delay(scheme, host, port))
            status, headers, body = self._request(scheme, host, port, current, infos, max_bytes)
            if status in REDIRECTS and headers.get("Location"):
                current = urljoin(current, headers["Location"].strip())
                continue
            if status != 200:
                error = FetchFailed(
                    f"HTTP {status}" + (f" (at {current})" if current != url else "")
                )
                error.status = status
                raise error
            message = Message()
            message["Content-Type"] = headers.get("Content-Type") or ""
            return Response(
                current,
                status,
                message.get_content_type().lower() if headers.get("Content-Type") else "",
                _charset(message.get_param("charset")),
                body,
            )
        raise FetchFailed(f"more than {self.max_redirects} redirects")

    def _request(self, scheme, host, port, url, infos, max_bytes):
        parts = urlsplit(url)
        # the request line is ASCII: a path in Persian letters is sent percent-encoded
        target = quote(parts.path or "/", safe=_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=_SAFE)
        connection_type = (
            http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        )
        kwargs = {"context": ssl.create_default_context()} if scheme == "https" else {}
        connection = connection_type(host, port, timeout=self.connect_timeout, **kwargs)
        # connect to the addresses that were checked, not to a second resolution's
        connection._create_connection = lambda *_a, **_k: self._connect(infos)
        deadline = time.monotonic() + self.total_timeout
        # past the deadline the socket is shut, whatever is being read (a server that
        # sends its headers a byte at a time stays within every read's timeout)
        watchdog = threading.Timer(self.total_timeout, _shut, (connection,))
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.request(
                "GET",
                target,
                headers={
                    "User-Agent": self.user_agent,
                    "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                    "text/html;q=0.9, */*;q=0.5",
                    "Accept-Encoding": "identity",
                    "Connection": "close",
                },
            )
            connection.sock.settimeout(self.read_timeout)
            response = connection.getresponse()
            headers = {k.title(): v for k, v in response.getheaders()}
            if response.status in REDIRECTS or response.status != 200:
                return response.status, headers, b""
            encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
            if encoding not in ("identity", ""):
                raise FetchFailed(f"compressed body ({encoding}) though none was asked for")
            length = headers.get("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes:
                raise FetchFailed(f"too large: {int(length)} bytes (the cap is {max_bytes})")
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchFailed(f"timed out: not read within {self.total_timeout:g} s")
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed(f"too large: over {max_bytes} bytes (the cap), stopped")
                chunks.append(chunk)
            return response.status, headers, b"".join(chunks)
        except (http.client.HTTPException, OSError) as e:
            if time.monotonic() >= deadline:
                why = f"timed out: not read within {self.total_timeout:g} s"
            elif isinstance(e, TimeoutError):
                why = "timed out"
            elif isinstance(e, ssl.SSLError):
                why = f"TLS failed: {e.reason or e}"
            elif isinstance(e, http.client.IncompleteRead):
                why = f"the body ended early ({len(e.partial)} bytes read)"
            else:
                why = f"cannot fetch: {type(e).__name__}: {e}"
            raise FetchFailed(why) from None
        finally:
            watchdog.cancel()
            connection.close()

    def _connect(self, infos) -> socket.socket:
        error: OSError | None = None
        for family, type_, proto, _name, sockaddr in infos:
            sock = socket.socket(family, type_, proto)
            sock.settimeout(self.connect_timeout)
            try:
                sock.connect(sockaddr)
                return sock
            except OSError as e:
                sock.close()
                error = e
        raise error or OSError("no address to connect to")


# -- a URL's documents ---------------------------------------------------------

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+xml",
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S
)


def _looks_like_feed(response: Response) -> bool:
    # by its type, or by its first element whatever its type (feeds served as text/html)
    return response.content_type in FEED_TYPES or bool(_FEED_START.match(response.body[:4096]))


def _page(fetcher: Fetcher, url: str, *, path: str, warnings: list[str]) -> Document:
    """The article of the page at ``url`` (BadInput when it cannot be had)."""
    response = fetcher.fetch(url)
    if response.content_type and response.content_type not in HTML_TYPES:
        raise BadInput(f"not an HTML page ({response.content_type})")
    html_text = decode_html(response.body, response.charset)
    return page_document(html_text, path=path, url=response.url, warnings=warnings)


def _with_page(item: Document | None, page: Document, entry_url: str) -> Document:
    """The item with the page's text; what the feed said first, the page's after."""
    if item is None:
        return page
    return make_document(
        item.id,
        page.text,
        title=item.title if item.title else page.title,
        lang=page.lang,
        date=item.date or page.date,
        url=item.url or entry_url,
        path=item.path,
        source=item.source or page.source,
        author=item.author or page.author,
        published=item.published or page.published,
    )


def _feed_items(
    fetcher: Fetcher, path: str, entries: list, feed: dict, *, fetch_pages: bool
) -> Iterator[Document | Problem]:
    """The items of a feed read from ``path`` (its URL as given: what --prune goes by)."""
    for position, entry in enumerate(entries, 1):
        warnings: list[str] = []
        doc: Document | None = None
        error: BadInput | None = None
        try:
            doc = entry_document(entry, feed, path=path, position=position, warnings=warnings)
        except BadInput as e:
            error = e
        link = entry_link(entry)
        if fetch_pages and link and not has_full_text(entry):
            page_warnings: list[str] = []
            try:
                page = _page(fetcher, link, path=path, warnings=page_warnings)
            except BadInput as e:
                if doc is not None:
                    warnings.append(
                        f"item {position}: page {link} not read ({e}): its summary is indexed"
                    )
                else:
                    error = BadInput(f"{error}; page {link} not read either ({e})")
            else:
                warnings += [f"item {position}: page {link}: {w}" for w in page_warnings]
                doc, error = _with_page(doc, page, link), None
        if doc is None:
            yield Problem(path, str(error))
            continue
        for warning in warnings:
            yield Problem(path, warning, skipped=False)
        yield doc


def read_url(
    url: str, fetcher: Fetcher | None = None, *, fetch_pages: bool = True
) -> Iterator[Document | Problem]:
    """The documents at a URL: a feed's items (each item's page fetched when the
    feed gives only its summary, unless ``fetch_pages`` is off), or a page's
    article. No other link is followed. Every failure is a Problem naming the URL."""
    fetcher = fetcher or Fetcher()
    try:
        response = fetcher.fetch(url)
    except BadInput as e:
        yield Problem(url, str(e))
        return
    if _looks_like_feed(response):
        headers = {"content-location": response.url}
        if response.charset:
            headers["content-type"] = f"{response.content_type}; charset={response.charset}"
        try:
            entries, feed = parse_feed(response.body, path=url, headers=headers)
        except BadInput as e:
            yield Problem(url, str(e))
            return
        if not entries:
            yield Problem(url, "a feed without items")
            return
        yield from _feed_items(fetcher, url, entries, feed, fetch_pages=fetch_pages)
        return
    if response.content_type and response.content_type not in HTML_TYPES:
        yield Problem(url, f"neither a feed nor an HTML page ({response.content_type})")
        return
    warnings: list[str] = []
    try:
        html_text = decode_html(response.body, response.charset)
        doc = page_document(html_text, path=url, url=response.url, warnings=warnings)
    except BadInput as e:
        yield Problem(url, str(e))
        return
    for warning in warnings:
        yield Problem(url, warning, skipped=False)
    yield doc
