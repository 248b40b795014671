"""Indexing from the web: feeds and pages by URL, fetched by the rules of fetch.py.

Every test serves its fixtures from an HTTP server on 127.0.0.1 that it starts
itself (a thread, a few seconds at most); nothing reaches any other address.
Loopback is refused unless allowed, so the tests allow it (``allow_private``).
"""

from __future__ import annotations

import json
import threading
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from checkout import run_cli
from news_articles import AMMAN, MUMBAI, TEHRAN, json_ld, page, persian_1256
from search import read_paths, update
from search.documents import Document, Fetcher, Problem
from search.documents.fetch import FetchFailed, FetchRefused, user_agent
from search.index import open_dir


class Site:
    """Routes (path → (status, headers, body) or a callable of the handler) and
    a log of what was asked: (path, monotonic time, User-Agent)."""

    def __init__(self):
        self.routes: dict = {}
        self.log: list[tuple[str, float, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.log.append((self.path, time.monotonic(), self.headers.get("User-Agent")))
                route = site.routes.get(self.path)
                if route is None:
                    route = (404, {"Content-Type": "text/plain"}, b"not here")
                if callable(route):
                    route(self)
                    return
                status, headers, body = route
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, path: str) -> int:
        return sum(1 for p, _, _ in self.log if p == path)


@pytest.fixture
def site():
    s = Site()
    thread = threading.Thread(target=s.server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield s
    finally:
        s.server.shutdown()
        s.server.server_close()
        thread.join(timeout=5)


def html_route(text: str, charset: str = "utf-8"):
    return (200, {"Content-Type": f"text/html; charset={charset}"}, text.encode(charset))


def words(text: str) -> str:
    return " ".join(text.split())


def fetcher(**kwargs) -> Fetcher:
    options = {"allow_private": True, "delay": 0.0, "read_timeout": 5.0, "connect_timeout": 5.0}
    return Fetcher(**{**options, **kwargs})


def read(paths, **kwargs) -> tuple[list[Document], list[Problem]]:
    kwargs.setdefault("fetcher", fetcher())
    items = list(read_paths(paths, **kwargs))
    return (
        [i for i in items if isinstance(i, Document)],
        [i for i in items if isinstance(i, Problem)],
    )


def feed(site: Site) -> str:
    """Two items: Tehran's with its full text, Amman's with a summary and a link to its page."""
    paras = "".join(f"<p>{s}</p>" for s in TEHRAN.sentences)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>اخبار</title><link>{site.base}/</link>
<item><title>{TEHRAN.title}</title><link>{site.url("/news/tehran")}</link>
<pubDate>Fri, 07 Nov 2025 01:30:00 +0330</pubDate>
<description>{escape(TEHRAN.sentences[0])}</description>
<content:encoded><![CDATA[{paras}]]></content:encoded></item>
<item><title>{AMMAN.title}</title><link>{site.url("/news/amman")}</link>
<pubDate>Thu, 06 Nov 2025 18:15:00 +0200</pubDate>
<description>{escape(AMMAN.sentences[0])}</description></item>
</channel></rss>"""


def serve_feed(site: Site) -> str:
    site.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml; charset=utf-8"},
        feed(site).encode("utf-8"),
    )
    site.routes["/news/amman"] = html_route(page(AMMAN, json_ld(AMMAN)))
    site.routes["/news/tehran"] = html_route(page(TEHRAN, json_ld(TEHRAN)))
    return site.url("/feed.xml")


def test_a_feeds_items_with_the_pages_of_those_that_give_only_a_summary(site):
    docs, problems = read([serve_feed(site)])
    assert problems == []
    by_id = {d.id: d for d in docs}
    assert set(by_id) == {site.url("/news/tehran"), site.url("/news/amman")}
    tehran, amman = by_id[site.url("/news/tehran")], by_id[site.url("/news/amman")]
    assert words(tehran.text) == TEHRAN.text  # the feed's own full text: its page not fetched
    assert site.asked("/news/tehran") == 0
    # the summary was one sentence; the page gave the whole article, not its furniture
    assert AMMAN.sentences[2] in amman.text and "جميع الحقوق" not in amman.text
    assert (amman.title, amman.lang, amman.author) == (AMMAN.title, "ar", AMMAN.author)
    assert amman.published.isoformat() == AMMAN.published
    assert amman.path == site.url("/feed.xml")
    # no link of a page is followed; robots.txt asked once; the agent names the project
    assert not any(p.startswith("/r/") or p in ("/", "/sport") for p, _, _ in site.log)
    assert site.asked("/robots.txt") == 1
    assert {agent for _, _, agent in site.log} == {user_agent()}
    assert user_agent().startswith("multilingual-news-search/0.")


def test_pages_are_not_fetched_when_told_not_to(site):
    docs, problems = read([serve_feed(site)], fetch_pages=False)
    assert problems == [] and len(docs) == 2
    amman = next(d for d in docs if d.id.endswith("/news/amman"))
    assert amman.text == AMMAN.sentences[0]
    assert site.asked("/news/amman") == 0


def test_an_items_page_that_fails_leaves_its_summary_with_a_warning(site):
    url = serve_feed(site)
    del site.routes["/news/amman"]
    docs, problems = read([url])
    assert len(docs) == 2
    assert [(p.skipped, p.path) for p in problems] == [(False, url)]
    assert "item 2: page" in problems[0].message and "HTTP 404" in problems[0].message


def test_a_page_by_url_is_named_by_its_canonical_url(site):
    head = f'<link rel="canonical" href="{MUMBAI.url}">'
    site.routes["/story?utm_source=x"] = html_route(page(MUMBAI, head))
    docs, problems = read([site.url("/story?utm_source=x")])
    assert problems == []
    assert [d.id for d in docs] == [MUMBAI.url]
    assert words(docs[0].text) == MUMBAI.text and docs[0].lang == "hi"


def test_a_page_without_canonical_is_named_by_where_its_redirects_led(site):
    site.routes["/old"] = (301, {"Location": "/new"}, b"")
    site.routes["/new"] = html_route(page(MUMBAI, ""))
    docs, problems = read([site.url("/old")])
    assert problems == [] and [d.id for d in docs] == [site.url("/new")]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml"])
def test_other_schemes_are_refused(url):
    docs, problems = read([url])
    assert docs == []
    assert [p.path for p in problems] == [url]
    assert "refused: http and https only" in problems[0].message


def test_loopback_is_refused_unless_allowed_and_nothing_is_asked(site):
    url = serve_feed(site)
    docs, problems = read([url], fetcher=None)  # the default fetcher: private refused
    assert docs == []
    assert [p.path for p in problems] == [url]
    assert "127.0.0.1" in problems[0].message and "loopback" in problems[0].message
    assert "--allow-private" in problems[0].message
    assert site.log == []
    docs, problems = read([url], fetcher=None, allow_private=True)
    assert len(docs) == 2


def test_addresses_are_checked_by_kind():
    strict = Fetcher()
    for host in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "0.0.0.0"):
        with pytest.raises(FetchRefused):
            strict.addresses(host, 80)
    with pytest.raises(FetchRefused, match="unspecified"):
        Fetcher(allow_private=True).addresses("0.0.0.0", 80)
    assert Fetcher(allow_private=True).addresses("10.1.2.3", 80)


def test_every_redirect_is_checked_and_they_are_capped(site):
    for n in range(10):
        site.routes[f"/loop/{n}"] = (302, {"Location": f"/loop/{n + 1}"}, b"")
    site.routes["/to-file"] = (302, {"Location": "file:///etc/passwd"}, b"")
    port = site.server.server_address[1]
    site.routes["/to-nowhere"] = (302, {"Location": f"http://0.0.0.0:{port}/x"}, b"")
    capped = fetcher(max_redirects=3)
    with pytest.raises(FetchFailed, match="more than 3 redirects"):
        capped.fetch(site.url("/loop/0"))
    assert [site.asked(f"/loop/{n}") for n in range(5)] == [1, 1, 1, 1, 0]
    with pytest.raises(FetchRefused, match="scheme file: refused"):
        capped.fetch(site.url("/to-file"))
    with pytest.raises(FetchRefused, match="0.0.0.0 .*unspecified"):
        capped.fetch(site.url("/to-nowhere"))


def test_a_body_over_the_cap_is_refused_with_or_without_its_length(site):
    big = b"<html><body>" + b"x" * 200_000 + b"</body></html>"
    site.routes["/big"] = html_route("")[:2] + (big,)

    def streamed(handler):  # no Content-Length: the stream is read to the cap and stopped
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(200):
                handler.wfile.write(b"x" * 1000)
        except OSError:
            pass

    site.routes["/stream"] = streamed
    small = fetcher(max_bytes=50_000)
    with pytest.raises(FetchFailed, match=f"too large: {len(big)} bytes"):
        small.fetch(site.url("/big"))
    with pytest.raises(FetchFailed, match="too large: over 50000 bytes"):
        small.fetch(site.url("/stream"))
    docs, problems = read([site.url("/big")], fetcher=small)
    assert docs == [] and "too large" in problems[0].message


def test_a_slow_server_times_out(site):
    def slow(handler):
        time.sleep(1.5)

    site.routes["/slow"] = slow
    with pytest.raises(FetchFailed, match="timed out"):
        fetcher(read_timeout=0.3).fetch(site.url("/slow"))


def test_a_server_that_drips_its_answer_meets_the_deadline(site):
    def drip(handler):
        handler.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        try:
            for _ in range(100):  # 10 s
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    site.routes["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="timed out: not read within 0.5 s"):
        fetcher(read_timeout=1.0, total_timeout=0.5).fetch(site.url("/drip"))
    assert time.monotonic() - started < 8  # loosely: not the 10 s the answer takes


def test_robots_txt_is_obeyed_and_read_once_per_host(site):
    site.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n",
    )
    site.routes["/private/page"] = html_route(page(MUMBAI, ""))
    site.routes["/public/page"] = html_route(page(MUMBAI, ""))
    docs, problems = read([site.url("/private/page"), site.url("/public/page")])
    assert [d.id for d in docs] == [site.url("/public/page")]
    assert [(p.path, p.message) for p in problems] == [
        (site.url("/private/page"), "disallowed by robots.txt")
    ]
    assert site.asked("/private/page") == 0
    assert site.asked("/robots.txt") == 1


def test_a_robots_txt_that_cannot_be_read_keeps_the_host_unfetched(site):
    site.routes["/robots.txt"] = (503, {"Content-Type": "text/plain"}, b"down")
    site.routes["/page"] = html_route(page(MUMBAI, ""))
    docs, problems = read([site.url("/page")])
    assert docs == [] and site.asked("/page") == 0
    assert problems[0].message.startswith("disallowed by robots.txt (robots.txt could not be read")


def test_a_path_in_persian_letters_and_the_servers_charset(site):
    site.routes[quote("/news/مترو-تهران")] = html_route(
        persian_1256(page(TEHRAN, "")), charset="windows-1256"
    )
    docs, problems = read([site.url("/news/مترو-تهران")])
    assert problems == []
    assert "مترو" in docs[0].text and docs[0].id == site.url("/news/مترو-تهران")


def test_requests_to_one_host_wait_the_delay(site):
    site.routes["/a"] = html_route(page(MUMBAI, ""))
    site.routes["/b"] = html_route(page(AMMAN, ""))
    read([site.url("/a"), site.url("/b")], fetcher=fetcher(delay=0.3))
    times = [t for _, t, _ in site.log]  # robots.txt, /a, /b
    assert len(times) == 3
    assert times[1] - times[0] >= 0.25 and times[2] - times[1] >= 0.25


def test_robots_txt_crawl_delay_lengthens_the_delay(site):
    site.routes["/robots.txt"] = (200, {}, b"User-agent: *\nCrawl-delay: 1\n")
    site.routes["/a"] = html_route(page(MUMBAI, ""))
    read([site.url("/a"), site.url("/a")], fetcher=fetcher(delay=0.0))
    times = [t for p, t, _ in site.log if p == "/a"]
    assert len(times) == 2 and times[1] - times[0] >= 0.9


def test_a_failed_url_does_not_stop_the_other_sources(site, tmp_path):
    (tmp_path / "a.txt").write_text("Plain text article about metro lines.", encoding="utf-8")
    docs, problems = read([site.url("/missing"), tmp_path / "a.txt"])
    assert [d.id for d in docs] == ["a"]
    assert [(p.path, p.message) for p in problems] == [(site.url("/missing"), "HTTP 404")]


def test_a_feed_served_as_html_is_still_a_feed(site):
    url = serve_feed(site)
    site.routes["/feed.xml"] = (200, {"Content-Type": "text/html"}) + site.routes["/feed.xml"][2:]
    docs, problems = read([url], fetch_pages=False)
    assert problems == [] and len(docs) == 2


def test_prune_keeps_a_urls_documents_and_drops_the_items_gone_from_its_feed(site, tmp_path):
    url = serve_feed(site)
    (tmp_path / "a.txt").write_text("Plain text article about metro lines.", encoding="utf-8")
    index = tmp_path / "index"
    assert update(index, [url], allow_private=True, fetcher=fetcher()).added == 2
    report = update(index, [tmp_path / "a.txt"], prune=True)
    assert (report.added, report.removed) == (1, 0)  # a URL is no file that is gone
    one_item = feed(site).replace(feed(site)[feed(site).index("<item><title>" + AMMAN.title) :], "")
    site.routes["/feed.xml"] = site.routes["/feed.xml"][:2] + (
        (one_item + "</channel></rss>").encode("utf-8"),
    )
    report = update(index, [url], prune=True, allow_private=True, fetcher=fetcher())
    assert (report.unchanged, report.removed) == (1, 1)
    with open_dir(index).searcher() as searcher:
        assert sorted(f["id"] for f in searcher.all_stored_fields()) == [
            "a",
            site.url("/news/tehran"),
        ]


def test_python_api_and_cli(site, tmp_path):
    url = serve_feed(site)
    report = update(tmp_path / "api", [url], allow_private=True, fetcher=fetcher())
    assert (report.added, report.skipped) == (2, 0)
    with open_dir(tmp_path / "api").searcher() as searcher:
        assert searcher.doc_count() == 2

    refused = run_cli("index", "--index", str(tmp_path / "cli"), url)
    assert refused.returncode == 1
    assert f"skipped {url}: address 127.0.0.1" in refused.stderr
    done = run_cli(
        "index", "--index", str(tmp_path / "cli"), "--allow-private", "--delay", "0", "--json", url
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 2
    found = run_cli("--index", str(tmp_path / "cli"), "--json", AMMAN.word)
    assert [r["id"] for r in json.loads(found.stdout)["results"]] == [site.url("/news/amman")]
