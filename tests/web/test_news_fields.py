"""The outlet, the author and the publication time of an article, on every page and API.

The articles are those of news_articles.py; one names its outlet and author with markup.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from html_probe import parse
from news_articles import AMMAN, MUMBAI, TEHRAN
from search import open_index, update
from web_app import make_app

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def news_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("news")
    rows = [
        {
            "id": f"{a.lang}-1",
            "url": a.url,
            "title": a.title,
            "text": "\n".join(a.sentences),
            "published": a.published,
            "source": a.source,
            "author": a.author,
        }
        for a in (TEHRAN, AMMAN)
    ]
    rows.append({"id": "hi-1", "text": MUMBAI.text, "source": HOSTILE, "author": f"{HOSTILE} x"})
    source = folder / "news.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    report = update(folder / "index", [source])
    assert report.added == 3 and not report.problems, report
    return folder / "index"


@pytest.fixture(scope="module")
def client(news_index):
    for app in make_app(news_index):
        yield app.test_client()


def test_api_doc_and_search_carry_source_author_published(client, news_index):
    doc = client.get("/api/doc/fa-1").get_json()
    assert (doc["source"], doc["author"]) == (TEHRAN.source, TEHRAN.author)
    assert doc["published"] == "2025-11-07T01:30:00+03:30"  # the offset it was given in
    hindi = client.get("/api/doc/hi-1").get_json()
    assert (hindi["source"], hindi["published"]) == (HOSTILE, None)

    found = client.get("/api/search", query_string={"q": AMMAN.word}).get_json()
    [hit] = found["results"]
    assert (hit["id"], hit["source"], hit["author"]) == ("ar-1", AMMAN.source, AMMAN.author)
    assert hit["published"] == "2025-11-06T18:15:00+02:00"
    with open_index(news_index) as ix:
        assert found["results"] == [h.to_dict() for h in ix.search(AMMAN.word).results]


def test_pages_show_source_and_author_escaped(client):
    body = client.get("/search", query_string={"q": TEHRAN.word}).get_data(as_text=True)
    [result] = parse(body).find_all("li", cls="result")
    assert result.find("bdi", cls="result__source").text == TEHRAN.source
    assert result.find("bdi", cls="result__author").text == TEHRAN.author

    page = client.get("/doc/fa-1").get_data(as_text=True)
    meta = parse(page).find("dl", cls="document__meta")
    assert TEHRAN.source in meta.text and TEHRAN.author in meta.text and TEHRAN.url in meta.text

    for path in ("/doc/hi-1", "/search?q=" + MUMBAI.word):
        body = client.get(path).get_data(as_text=True)
        assert HOSTILE not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


URL_ID = "https://example.com/a/b?x=1#y"


@pytest.fixture(scope="module")
def url_client(tmp_path_factory):
    # a page's canonical URL is its id: slashes, a query, a fragment, a double slash
    folder = tmp_path_factory.mktemp("url-ids")
    rows = [
        {"id": URL_ID, "title": TEHRAN.title, "text": TEHRAN.text, "source": TEHRAN.source},
        {"id": "a//b", "text": AMMAN.text},
    ]
    source = folder / "pages.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert update(folder / "index", [source]).added == 2
    for app in make_app(folder / "index"):
        yield app.test_client()


def test_an_id_with_slashes_in_every_route(url_client):
    quoted = quote(URL_ID, safe="/:")
    assert quoted == "https://example.com/a/b%3Fx%3D1%23y"
    for path in (quoted, quote(URL_ID, safe="")):  # slashes as they are, or as %2F
        doc = url_client.get(f"/api/doc/{path}")
        assert doc.status_code == 200 and doc.get_json()["id"] == URL_ID
        page = url_client.get(f"/doc/{path}", query_string={"q": TEHRAN.word})
        assert page.status_code == 200
        assert TEHRAN.title in parse(page.data).find("h1", cls="document__title").text
    assert url_client.get("/api/doc/a//b").get_json()["id"] == "a//b"
    assert url_client.get("/api/doc/a/b").status_code == 404

    # the links the pages make lead back to the document
    found = url_client.get("/search", query_string={"q": TEHRAN.word})
    [result] = parse(found.data).find_all("li", cls="result")
    href = result.find("h2", cls="result__title").find("a").get("href")
    assert href.startswith("/doc/https://example.com/a/b%3Fx=1%23y?")
    assert url_client.get(href).status_code == 200
    page = url_client.get(href)
    api = parse(page.data).find("dl", cls="document__meta").find_all("a")[-1].get("href")
    assert url_client.get(api).get_json()["id"] == URL_ID
    link = page.headers["Link"]
    assert url_client.get(link[1 : link.index(">")]).get_json()["id"] == URL_ID
    hit = url_client.get("/api/search", query_string={"q": TEHRAN.word}).get_json()["results"][0]
    assert hit["id"] == URL_ID and hit["source"] == TEHRAN.source


def test_an_id_with_a_leading_slash(tmp_path):
    source = tmp_path / "lead.jsonl"
    source.write_text(json.dumps({"id": "/news/1", "text": MUMBAI.text}) + "\n", "utf-8")
    update(tmp_path / "index", [source])
    for app in make_app(tmp_path / "index"):
        client = app.test_client()
        assert client.get("/api/doc//news/1").get_json()["id"] == "/news/1"
        assert client.get("/doc/%2Fnews%2F1").status_code == 200
        assert client.get("/api/doc/news/1").status_code == 404
