"""Web archives: every HTML response an article; a truncated record ends the file, reported.

The records are written here with warcio itself, around the pages of test_html_pages.py.
"""

from __future__ import annotations

import gzip
import json
from io import BytesIO

import pytest

from checkout import run_cli
from news_articles import AMMAN, MUMBAI, TEHRAN, json_ld, open_graph, page, persian_1256
from search import read_paths, update
from search.documents import Document, Problem

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402


def response(writer, url, body: bytes, content_type: str, status: str = "200 OK"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
    writer.write_record(record)


def write_warc(path, gz: bool):
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        # the server says windows-1256; the page itself declares nothing
        fa = persian_1256(page(TEHRAN, json_ld(TEHRAN))).encode("cp1256")
        response(
            writer, "http://www.hamshahrionline.ir/x?utm=1", fa, "text/html; charset=windows-1256"
        )
        response(writer, AMMAN.url, page(AMMAN, open_graph(AMMAN)).encode(), "text/html")
        response(writer, "https://navbharat.example/logo.png", b"\x89PNG....", "image/png")
        response(writer, "https://navbharat.example/old", b"", "text/html", "301 Moved")
        response(writer, MUMBAI.url, b"<html><body><nav>x</nav></body></html>", "text/html")
        request = writer.create_warc_record(
            AMMAN.url, "request", payload=BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        )
        writer.write_record(request)
    return path


def read(paths):
    items = list(read_paths(paths))
    return {i.id: i for i in items if isinstance(i, Document)}, [
        i for i in items if isinstance(i, Problem)
    ]


@pytest.mark.parametrize("name, gz", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_every_html_response_is_an_article(tmp_path, name, gz):
    docs, problems = read([write_warc(tmp_path / name, gz)])
    assert set(docs) == {TEHRAN.url, AMMAN.url}
    fa = docs[TEHRAN.url]  # the canonical URL, not the address it was fetched from
    assert fa.text.split("\n") == [persian_1256(s) for s in TEHRAN.sentences]
    assert fa.published_offset == "+03:30" and fa.lang == "fa"
    assert docs[AMMAN.url].author == AMMAN.author
    (problem,) = problems  # the page without text, named by its record
    assert f"({MUMBAI.url}): no article text" in str(problem) and "record at byte" in str(problem)


def test_a_truncated_archive_keeps_what_came_before(tmp_path):
    whole = write_warc(tmp_path / "whole.warc.gz", True).read_bytes()
    # cut inside the second response's gzip member
    members, at = [], 0
    while at < len(whole):
        d = __import__("zlib").decompressobj(31)
        d.decompress(whole[at:])
        size = len(whole) - at - len(d.unused_data)
        members.append((at, size))
        at += size
    start, size = members[2]
    (tmp_path / "cut.warc.gz").write_bytes(whole[: start + size // 2])
    docs, problems = read([tmp_path / "cut.warc.gz"])
    assert set(docs) == {TEHRAN.url}
    (problem,) = problems
    assert problem.path.endswith("cut.warc.gz")
    assert (
        f"({AMMAN.url}): truncated: " in problem.message
        and "bytes of its content" in problem.message
    )


def test_python_api_and_cli(tmp_path):
    archive = write_warc(tmp_path / "crawl.warc.gz", True)
    report = update(tmp_path / "ix", [archive])
    assert (report.added, report.skipped) == (2, 1)
    done = run_cli("index", "--index", str(tmp_path / "cli"), "--json", str(tmp_path))
    assert done.returncode == 1 and json.loads(done.stdout)["added"] == 2
    found = run_cli("--index", str(tmp_path / "cli"), "--json", AMMAN.word)
    assert [r["id"] for r in json.loads(found.stdout)["results"]] == [AMMAN.url]
    assert gzip.decompress(archive.read_bytes()).startswith(b"WARC/1")


def test_a_file_that_is_no_archive(tmp_path):
    (tmp_path / "junk.warc").write_bytes(b"this is not a web archive\r\n\r\n")
    docs, problems = read([tmp_path])
    (problem,) = problems
    assert not docs and str(problem).endswith("junk.warc: the first record: not a WARC record")
