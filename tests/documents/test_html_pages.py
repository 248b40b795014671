"""Saved article pages: the article without the page around it, metadata, charsets.

The pages are written here, around the three articles of news_articles.py, with the
furniture news sites have: navigation, a cookie notice, related links, comments, footer.
"""

from __future__ import annotations

import codecs
import json

import pytest

from checkout import run_cli
from news_articles import (
    AMMAN,
    COMMENT,
    COOKIES,
    FURNITURE,
    MUMBAI,
    TEHRAN,
    json_ld,
    open_graph,
    page,
    persian_1256,
)
from search import read_paths, update
from search.documents import Document, Problem
from search.documents.html import decode_html
from search.index import open_dir


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    # Persian in windows-1256, declared by <meta charset>, JSON-LD metadata
    fa = page(TEHRAN, '<meta charset="windows-1256">' + json_ld(TEHRAN))
    (folder / "metro.html").write_bytes(persian_1256(fa).encode("cp1256"))
    # Arabic in windows-1256, declared the old way, Open Graph metadata
    ar = page(
        AMMAN,
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        + open_graph(AMMAN),
    )
    (folder / "book-fair.htm").write_bytes(ar.encode("cp1256"))
    # Hindi in UTF-8 with a byte-order mark and nothing declared, <link rel=canonical>
    hi = page(MUMBAI, f'<link rel="canonical" href="{MUMBAI.url}">')
    (folder / "rain.html").write_bytes(codecs.BOM_UTF8 + hi.encode("utf-8"))
    return folder


def read(paths):
    items = list(read_paths(paths))
    docs = {i.id: i for i in items if isinstance(i, Document)}
    return docs, [i for i in items if isinstance(i, Problem)]


def test_the_article_without_the_page_around_it(pages):
    docs, problems = read([pages])
    assert not problems
    assert set(docs) == {TEHRAN.url, AMMAN.url, MUMBAI.url}
    for a in (AMMAN, MUMBAI):
        doc = docs[a.url]
        assert doc.lang == a.lang and doc.title == a.title
        assert doc.text.split("\n") == list(a.sentences)
    fa = docs[TEHRAN.url]
    assert fa.text.split("\n") == [persian_1256(s) for s in TEHRAN.sentences]
    assert "\u200c" in fa.text  # می‌شود keeps its joiner through the extraction
    for doc in docs.values():
        for furniture in FURNITURE[doc.lang] + (COOKIES, COMMENT):
            assert furniture not in doc.text


def test_metadata_from_json_ld_open_graph_and_meta(pages):
    docs, _ = read([pages])
    fa, ar, hi = docs[TEHRAN.url], docs[AMMAN.url], docs[MUMBAI.url]
    assert (fa.source, fa.author) == (persian_1256(TEHRAN.source), persian_1256(TEHRAN.author))
    assert fa.published_utc == "2025-11-06T22:00:00Z" and fa.published_offset == "+03:30"
    assert fa.date == "2025-11-07"  # the day in Tehran
    assert (ar.source, ar.author, ar.published_offset) == (AMMAN.source, AMMAN.author, "+02:00")
    assert ar.published_utc == "2025-11-06T16:15:00Z"
    # nothing but the canonical link: the outlet is the host, the title the page's
    assert hi.source == "navbharat.example" and hi.title == MUMBAI.title
    assert hi.author in (None, MUMBAI.author)  # from the byline, never cut short


def test_decoding_follows_bom_server_and_meta():
    arabic = AMMAN.text
    assert decode_html(arabic.encode("cp1256"), charset="windows-1256") == arabic
    assert decode_html(codecs.BOM_UTF16_LE + arabic.encode("utf-16-le")) == arabic
    declared = f'<meta charset="cp1256"><p>{arabic}</p>'.encode("cp1256")
    assert arabic in decode_html(declared)
    # the server's charset wins over the page's own
    assert arabic in decode_html(declared, charset="windows-1256")


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text"),
        ('<meta charset="utf-8"><p>خبر</p>'.encode("cp1256"), "not valid utf-8"),
        (b'<meta charset="klingon"><p>x</p>', "unknown charset 'klingon'"),
        (AMMAN.text.encode("cp1256"), "no charset declared, so UTF-8"),
        (b"\x00\x01\x02\x03", "binary"),
    ],
    ids=["no-text", "bad-utf8", "unknown-charset", "undeclared-1256", "binary"],
)
def test_a_bad_page_is_reported_and_skipped(pages, raw, message):
    (pages / "bad.html").write_bytes(raw)
    docs, problems = read([pages])
    assert len(docs) == 3
    (problem,) = problems
    assert problem.path.endswith("bad.html") and message in problem.message


def test_a_page_without_a_url_is_named_by_its_file_and_a_bad_date_is_left_out(tmp_path):
    head = '<meta property="article:published_time" content="yesterday evening">'
    (tmp_path / "no-url.html").write_text(page(MUMBAI, head), "utf-8")
    docs, problems = read([tmp_path])
    assert list(docs) == ["no-url"] and docs["no-url"].published is None
    (warning,) = problems
    assert not warning.skipped and "yesterday evening" in warning.message


def test_python_api_and_cli(pages, tmp_path):
    report = update(tmp_path / "ix", [pages])
    assert (report.added, report.skipped) == (3, 0)
    ix = open_dir(tmp_path / "ix")
    with ix.searcher() as searcher:
        stored = searcher.document(id=AMMAN.url)
    ix.close()
    assert stored["author"] == AMMAN.author and stored["published"] == "2025-11-06T16:15:00Z"

    (pages / "empty.html").write_text("<html><body></body></html>", "utf-8")
    done = run_cli("index", "--index", str(tmp_path / "cli"), "--json", str(pages))
    assert done.returncode == 1 and json.loads(done.stdout)["added"] == 3
    assert "empty.html: no article text found" in done.stderr
    for a in (TEHRAN, AMMAN, MUMBAI):
        found = run_cli("--index", str(tmp_path / "cli"), "--json", f"{a.word} lang:{a.lang}")
        assert found.returncode == 0, found.stderr
        assert [r["id"] for r in json.loads(found.stdout)["results"]] == [a.url]
    day = run_cli("--index", str(tmp_path / "cli"), "--json", "مترو date:2025-11-07")
    assert [r["id"] for r in json.loads(day.stdout)["results"]] == [TEHRAN.url]


def test_without_trafilatura_one_line_says_how_to_install_it(pages, monkeypatch):
    import sys

    from search.errors import MissingLibrary

    monkeypatch.setitem(sys.modules, "trafilatura", None)
    with pytest.raises(MissingLibrary, match=r"pip install 'trafilatura >= 2.3, < 3'"):
        list(read_paths([pages]))
