"""Escaping and headers: markup from queries and documents is shown, never run."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from html_probe import parse
from web import CSP
from web.display import marked, safe_url
from web_app import PERSIAN_ID, RAW_MARKUP, SCRIPT, make_app

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
ROUTES = [
    "/",
    "/search?q=tungsten",
    "/search?q=xyzzyplugh",
    "/search?q=x&page=abc",
    f"/doc/{PERSIAN_ID}?q=tungsten",
    "/doc/nope",
    "/help",
    "/nope",
    "/static/style.css",
    "/static/app.js",
    "/api/search?q=tungsten",
    "/api/search?q=x&lang=zz",
    f"/api/doc/{PERSIAN_ID}",
    "/api/doc/nope",
    "/api/suggest?q=tun",
    "/api/nope",
]
HTML_ROUTES = [r for r in ROUTES if not r.startswith(("/api/", "/static/"))]


@pytest.mark.parametrize("url", ROUTES)
def test_security_headers_everywhere(client, url):
    response = client.get(url)
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.status_code < 500


def test_csp_constant_matches():
    assert CSP == HEADERS["Content-Security-Policy"]


def test_security_headers_on_405(client):
    response = client.post("/api/search")
    assert response.headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]


@pytest.mark.parametrize("url", HTML_ROUTES)
def test_no_inline_script_style_or_foreign_resource(client, url):
    doc = parse(client.get(url).data)
    for el in doc.iter():
        assert el.tag != "style", url
        assert "style" not in el.attrs, (url, el.tag)
        assert not any(name.startswith("on") for name in el.attrs), (url, el.tag, el.attrs)
        if el.tag == "script":
            assert el.get("src", "").startswith("/static/") and not el.text.strip()
        for attr in ("src", "href", "action"):
            value = el.get(attr, "")
            assert not value.startswith(("http:", "https:", "//", "javascript:")), (url, value)
    for link in doc.find_all("link"):
        assert link.get("href", "").startswith("/"), link.attrs


def test_no_fonts_fetched(client):
    css = client.get("/static/style.css").get_data(as_text=True)
    assert "@font-face" not in css and "@import" not in css
    assert "url(http" not in css and "url(//" not in css


def test_not_in_debug_mode(app):
    assert not app.debug
    assert app.config["PROPAGATE_EXCEPTIONS"] is None or app.testing


@pytest.mark.parametrize("prefix", ["", "/api"])
def test_an_unexpected_error_shows_no_traceback(index_dir, prefix):
    for app in make_app(index_dir, TESTING=False):

        def boom():
            raise RuntimeError("secret detail /etc/passwd")

        app.add_url_rule(f"{prefix}/boom", "boom", boom)
        response = app.test_client().get(f"{prefix}/boom")
        assert response.status_code == 500
        assert b"Traceback" not in response.data and b"secret detail" not in response.data
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        if prefix:
            assert response.get_json()["error"]["status"] == 500


# -- markup in the query


@pytest.mark.parametrize(
    "query",
    [
        SCRIPT,
        '"><img src=x onerror=alert(1)>',
        "'><svg onload=alert(1)>",
        "tungsten </title><script>alert(1)</script>",
        "<mark>tungsten</mark>",
        "javascript:alert(1)",
        "{{ 7*7 }} {% raw %}",
    ],
)
@pytest.mark.parametrize("path", ["/search", "/api/search", "/api/suggest"])
def test_markup_in_the_query_is_escaped(client, query, path):
    response = client.get(path, query_string={"q": query})
    assert response.status_code in (200, 400)
    body = response.get_data(as_text=True)
    for raw in ("<script>alert(1)", "<img src=x", "<svg onload", "</title><script"):
        assert raw not in body or path.startswith("/api/") and response.is_json, raw
    if path == "/search":
        doc = parse(body)
        assert doc.find("input", id="q").get("value") == query
        assert "49" not in doc.find("title").text  # no template evaluation
        # the only marks are the search's own, inside snippets and result titles
        ours = doc.find_all(cls="snippet") + doc.find_all(cls="result__title")
        assert len(doc.find_all("mark")) == sum(len(el.find_all("mark")) for el in ours)


def test_markup_in_the_query_on_the_document_page(client):
    response = client.get(f"/doc/{PERSIAN_ID}", query_string={"q": f"tungsten {SCRIPT}"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert SCRIPT not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_markup_in_the_language_is_escaped(client):
    response = client.get("/search", query_string={"q": "x", "lang": SCRIPT})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert SCRIPT not in body and "&lt;script&gt;" in body


# -- markup in documents


def only_mark_inside(el) -> None:
    assert el.descendant_tags() <= {"mark"}, el.descendant_tags()
    for m in el.find_all("mark"):
        assert m.attrs == {}


@pytest.mark.parametrize("latin", ["0", "1"])
@pytest.mark.parametrize(
    "query", ["تنگستن", "Kazakhstan", "कजाकिस्तान", "alert", "script img", "tungsten"]
)
def test_markup_in_documents_is_escaped_in_results(injection_client, query, latin):
    response = injection_client.get("/search", query_string={"q": query, "latin": latin})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for raw in RAW_MARKUP:
        assert raw not in body, raw
    doc = parse(body)
    results = doc.find_all("li", cls="result")
    assert results
    for result in results:
        only_mark_inside(result.find(cls="snippet"))
        only_mark_inside(result.find(cls="result__title").find("a"))
        for matched in result.find_all(cls="result__matched"):
            assert matched.descendant_tags() <= {"span", "bdi"}
    # the text is shown as text
    assert any("<script>alert(1)</script>" in r.text for r in results) or query in (
        "Kazakhstan",
        "कजाकिस्तान",
        "tungsten",
    )


@pytest.mark.parametrize("doc_id", ["inject-fa", "inject-en", "inject-hi"])
def test_markup_in_documents_is_escaped_on_its_page(injection_client, doc_id):
    response = injection_client.get(f"/doc/{doc_id}", query_string={"q": "تنگستن Kazakhstan"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for raw in RAW_MARKUP:
        assert raw not in body, raw
    assert 'href="javascript:' not in body
    doc = parse(body)
    only_mark_inside(doc.find("h1", cls="document__title"))
    article = doc.find("div", cls="document__body")
    for p in article.find_all("p"):
        only_mark_inside(p)
    assert SCRIPT in doc.find("h1", cls="document__title").text or doc_id == "inject-en"


def test_the_fake_mark_in_a_document_stays_text(injection_client):
    doc = parse(injection_client.get("/doc/inject-fa").data)
    body = doc.find("div", cls="document__body")
    assert "<mark>جعلی</mark>" in body.text
    assert body.find_all("mark") == []


def test_a_javascript_source_url_is_not_linked(injection_client):
    doc = parse(injection_client.get("/doc/inject-fa").data)
    meta = doc.find("dl", cls="document__meta")
    assert "javascript:alert(1)" in meta.text
    assert all(not a.get("href", "").startswith("javascript") for a in meta.find_all("a"))


def test_an_http_source_url_is_linked_escaped(injection_client):
    response = injection_client.get("/doc/inject-en")
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    link = [a for a in parse(body).find_all("a") if a.get("href", "").startswith("https://")]
    assert link and link[0].get("rel") == "noopener noreferrer nofollow"


def test_api_snippets_hold_only_marks(injection_client):
    result = injection_client.get("/api/search?q=" + quote("تنگستن Kazakhstan")).get_json()
    assert result["results"]
    for hit in result["results"]:
        snippet = parse(hit["snippet"])
        assert snippet.descendant_tags() <= {"mark"}


# -- the guard on HTML from the search package


def test_marked_trusts_only_marks():
    assert str(marked("a <mark>b</mark> &lt;c&gt;")) == "a <mark>b</mark> &lt;c&gt;"
    assert str(marked('<img src=x onerror="alert(1)"><mark>b</mark>')) == (
        "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;mark&gt;b&lt;/mark&gt;"
    )
    assert str(marked('<mark onclick="x">b</mark>')).startswith("&lt;mark")
    assert str(marked(None)) == ""


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected
