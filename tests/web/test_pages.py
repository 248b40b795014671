"""The HTML pages through Flask's test client: what they show, and how they refuse bad input."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, quote, urlsplit

import pytest

import web
from html_probe import parse
from web.views import page_numbers
from web_app import PERSIAN_ID, make_app

TUNGSTEN_FA = "تنگستن"
TRUMP_HI = "ट्रंप"


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "text/html"
    assert b"Traceback" not in response.data
    return parse(response.data)


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# -- the app factory


def test_config_defaults_env_and_test_config(monkeypatch, tmp_path):
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path))
    monkeypatch.setenv("SEARCH_RESULTS_PER_PAGE", "3")
    app = web.create_app()
    assert app.config["INDEX_DIR"] == str(tmp_path)
    assert app.config["RESULTS_PER_PAGE"] == 3
    assert app.config["MAX_QUERY_LENGTH"] == 1000
    assert app.config["MAX_CONTENT_LENGTH"] > 0
    assert not app.debug and not app.testing
    app = web.create_app({"INDEX_DIR": tmp_path / "other", "TESTING": True})
    assert app.config["INDEX_DIR"] == str(tmp_path / "other")
    assert app.testing


def test_missing_index_is_an_explained_503(tmp_path):
    for app in make_app(tmp_path / "nowhere"):
        client = app.test_client()
        doc = page(client, "/search?q=tungsten", 503)
        assert "could not be opened" in doc.find("main").text
        response = client.get("/api/search?q=tungsten")
        assert response.status_code == 503
        assert response.get_json()["error"]["status"] == 503


def test_serve_runs_waitress_on_the_app(monkeypatch, index_dir):
    calls = []

    def serve_app(app, sock, threads):
        calls.append((app, sock.getsockname(), threads))

    monkeypatch.setattr("web.server.serve_app", serve_app)
    port = free_port()
    web.serve(host="127.0.0.1", port=port, index_dir=index_dir, threads=2)
    ((app, address, threads),) = calls
    assert address == ("127.0.0.1", port) and threads == 2
    assert app.config["INDEX_DIR"] == str(index_dir)
    assert "search_index" in app.extensions  # opened before listening


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- home


def test_home(client):
    doc = page(client, "/")
    box = doc.find("input", id="q")
    assert "autofocus" in box.attrs and box.get("name") == "q" and box.get("type") == "search"
    assert doc.find("label", **{"for": "q"}).text.strip()
    form = doc.find("form", role="search")
    assert form.get("action") == "/search" and form.get("method") == "get"
    corpus = " ".join(doc.find("p", cls="corpus").text.split())
    assert "5 articles" in corpus
    assert "2 in Arabic, 1 in Persian and 2 in Hindi" in corpus
    assert "6 Nov 2025 to 7 Nov 2025" in corpus
    examples = [query_of(a.get("href"))["q"][0] for a in doc.find_all("a", cls="chip")]
    assert "tungsten" in examples
    assert any(a.get("href") == "/help" for a in doc.find_all("a"))


@pytest.mark.parametrize("url", ["/search", "/search?q=", "/search?q=%20%20", "/search?lang=fa"])
def test_search_without_a_query_is_the_home_page(client, url):
    doc = page(client, url)
    assert doc.find("p", cls="corpus")


# -- results


def test_tungsten_finds_the_persian_article_first(client):
    doc = page(client, "/search?q=tungsten")
    assert doc.find("input", id="q").get("value") == "tungsten"
    assert doc.find("title").text.startswith("tungsten")
    summary = " ".join(doc.find(id="results-title").text.split())
    assert summary == "1 result for tungsten"
    assert doc.find("p", cls="results__time").text.strip().endswith("ms")
    first = doc.find("li", cls="result")
    link = first.find("h2", cls="result__title").find("a")
    assert link.get("href") == f"/doc/{PERSIAN_ID}?q=tungsten"
    assert first.find("span", cls="badge").text == "Persian"
    assert first.find("time").get("datetime") == "2025-11-07"
    assert first.find("time").text == "7 Nov 2025"
    snippet = first.find("p", cls="snippet")
    assert [m.text for m in snippet.find_all("mark")] == [TUNGSTEN_FA]
    assert any(a.get("href") == "/help" for a in doc.find_all("a"))


def test_results_say_what_matched_across_scripts(client):
    first = page(client, "/search?q=tungsten").find("li", cls="result")
    matched = first.find("p", cls="result__matched")
    assert " ".join(matched.text.split()).startswith(
        "Matched in another script: tungsten ≈ تنگستن 0.9"
    )
    assert matched.get("dir") == "ltr"
    word = matched.find("bdi", cls="match__word")
    assert (word.text, word.get("lang"), word.get("dir")) == (TUNGSTEN_FA, "fa", "rtl")
    assert matched.find("bdi", cls="match__query").text == "tungsten"
    names = page(client, "/search?q=Kazakhstan&lang=fa").find("p", cls="result__matched")
    assert " ".join(names.text.split()).endswith("kazakhstan = قزاقستان name")
    # the reader's own word in its own script: nothing to tell
    assert not page(client, "/search?q=" + quote(TUNGSTEN_FA)).find_all(cls="result__matched")


def test_latin_letters_toggle(index_dir):
    for app in make_app(index_dir, RESULTS_PER_PAGE=2):
        client = app.test_client()
        plain = page(client, "/search?q=tungsten")
        toggle = plain.find("a", cls="latin-toggle")
        assert toggle.text == "Show in Latin letters"
        assert query_of(toggle.get("href")) == {"q": ["tungsten"], "latin": ["1"]}

        latin = page(client, toggle.get("href"))
        result = latin.find("li", cls="result")
        title, snippet = result.find(cls="result__title"), result.find(cls="snippet")
        for el in (result, title, snippet):
            assert el.get("dir") == "ltr"
        assert title.get("lang") == snippet.get("lang") == "fa-Latn"
        assert [m.text for m in snippet.find_all("mark")] == ["tngstn"]
        assert not any("\u0600" <= ch <= "\u06ff" for ch in title.text + snippet.text)
        back = latin.find("a", cls="latin-toggle")
        assert back.text == "Show in their own scripts"
        assert query_of(back.get("href")) == {"q": ["tungsten"]}
        # kept by the search box, the date filter, the languages and the pages
        hidden = latin.find("form", cls="search-form").find_all("input", type="hidden")
        assert {i.get("name"): i.get("value") for i in hidden} == {"latin": "1"}
        dates = latin.find("form", cls="date-filter").find_all("input", type="hidden")
        assert {i.get("name"): i.get("value") for i in dates} == {"q": "tungsten", "latin": "1"}
        many = page(client, "/search?q=Kazakhstan&latin=1")
        nxt = many.find("nav", cls="pagination").find("a", rel="next").get("href")
        assert query_of(nxt) == {"q": ["Kazakhstan"], "page": ["2"], "latin": ["1"]}
        assert all(
            query_of(a.get("href"))["latin"] == ["1"] for a in many.find_all("a", cls="facet")
        )
        hindi = page(client, "/search?q=Kazakhstan&lang=hi&latin=1").find(cls="snippet")
        assert hindi.get("lang") == "hi-Latn"
        assert not any("\u0900" <= ch <= "\u097f" for ch in hindi.text)
        assert client.get("/search?q=tungsten&latin=2").status_code == 400


def test_result_link_keeps_the_query_encoded(client):
    doc = page(client, "/search?q=" + quote(f'"{TRUMP_HI}" & more'))
    hrefs = [a.get("href") for a in doc.find_all("a") if a.get("href", "").startswith("/doc/")]
    assert hrefs
    for href in hrefs:
        assert query_of(href)["q"] == [f'"{TRUMP_HI}" & more']


@pytest.mark.parametrize(
    "query, langs",
    [
        ("Kazakhstan", {"ar", "fa", "hi"}),
        (TRUMP_HI, {"ar", "fa", "hi"}),
        ("tungsten", {"fa"}),
    ],
)
def test_titles_and_snippets_carry_lang_and_dir(client, query, langs):
    doc = page(client, "/search?q=" + quote(query))
    seen = set()
    for result in doc.find_all("li", cls="result"):
        for el in (result.find(cls="result__title"), result.find(cls="snippet")):
            lang = el.get("lang")
            assert el.get("dir") == {"ar": "rtl", "fa": "rtl", "hi": "ltr", "en": "ltr"}[lang]
            seen.add(lang)
    assert seen == langs


def test_unknown_language_reads_auto():
    # every document has a language; an unknown one would read dir="auto"
    from web.display import lang_attr, text_dir

    assert text_dir("xx") == "auto" and text_dir(None) == "auto" and lang_attr("xx") == ""
    assert text_dir("fa") == "rtl" and text_dir("ar") == "rtl"
    assert text_dir("hi") == "ltr" and text_dir("en") == "ltr"


def test_language_facets_count_and_narrow(client):
    doc = page(client, "/search?q=Kazakhstan")
    facets = {a.get("data-lang"): a for a in doc.find_all("a", cls="facet")}
    counts = {k: int(a.find(cls="facet__count").text.split()[0]) for k, a in facets.items()}
    assert counts == {None: 5, "ar": 2, "fa": 1, "hi": 2}
    assert facets[None].get("aria-current") == "true"
    href = facets["hi"].get("href")
    assert query_of(href) == {"q": ["Kazakhstan"], "lang": ["hi"]}

    narrowed = page(client, href)
    results = narrowed.find_all("li", cls="result")
    assert len(results) == 2
    assert {r.find(cls="badge").text for r in results} == {"Hindi"}
    assert " ".join(narrowed.find(id="results-title").text.split()).endswith("in Hindi")
    facets = {a.get("data-lang"): a for a in narrowed.find_all("a", cls="facet")}
    assert facets["hi"].get("aria-current") == "true"
    # the counts are over the query without the language filter
    assert int(facets[None].find(cls="facet__count").text.split()[0]) == 5
    # a new search from the header keeps the filter
    assert narrowed.find("form", role="search").find("input", type="hidden").get("value") == "hi"


def test_lang_in_the_query_text_narrows_too(client):
    doc = page(client, "/search?q=" + quote("Kazakhstan lang:fa"))
    assert len(doc.find_all("li", cls="result")) == 1
    assert doc.find("a", cls="facet", data_lang="fa").get("aria-current") == "true"


def test_date_filter(client):
    doc = page(client, "/search?q=Kazakhstan&date_from=2025-11-07")
    dates = [t.get("datetime") for t in doc.find_all("time")]
    assert dates and all(d >= "2025-11-07" for d in dates)
    assert len(doc.find_all("li", cls="result")) == 3
    details = doc.find("details", cls="filter--dates")
    assert "open" in details.attrs
    assert details.find("input", id="date_from").get("value") == "2025-11-07"
    clear = details.find("a", cls="date-filter__clear").get("href")
    assert query_of(clear) == {"q": ["Kazakhstan"]}
    doc = page(client, "/search?q=Kazakhstan&date_to=2025-11-06")
    assert len(doc.find_all("li", cls="result")) == 1


def test_date_filter_form_keeps_query_and_language(client):
    doc = page(client, "/search?q=Kazakhstan&lang=ar")
    form = doc.find("form", cls="date-filter")
    hidden = {i.get("name"): i.get("value") for i in form.find_all("input", type="hidden")}
    assert hidden == {"q": "Kazakhstan", "lang": "ar"}
    assert form.find("input", id="date_from").get("min") == "2025-11-06"
    assert form.find("input", id="date_to").get("max") == "2025-11-07"


def test_pagination(index_dir):
    for app in make_app(index_dir, RESULTS_PER_PAGE=2):
        client = app.test_client()
        first = page(client, "/search?q=Kazakhstan")
        assert len(first.find_all("li", cls="result")) == 2
        nav = first.find("nav", cls="pagination")
        assert not nav.find_all("a", rel="prev")
        nxt = nav.find("a", rel="next").get("href")
        assert query_of(nxt) == {"q": ["Kazakhstan"], "page": ["2"]}
        current = nav.find("a", cls="is-current")
        assert current.get("aria-current") == "page" and current.text.endswith("1")
        assert "page 1 of 3" in first.find("p", cls="results__time").text

        second = page(client, nxt)
        assert second.find("ol", cls="result-list").get("start") == "3"
        assert second.find("a", rel="prev")
        ids_1 = [a.get("href") for a in first.find_all("a") if "/doc/" in a.get("href", "")]
        ids_2 = [a.get("href") for a in second.find_all("a") if "/doc/" in a.get("href", "")]
        assert not set(ids_1) & set(ids_2)

        last = page(client, "/search?q=Kazakhstan&page=3")
        assert len(last.find_all("li", cls="result")) == 1
        assert not last.find_all("a", rel="next")

        past = page(client, "/search?q=Kazakhstan&page=9")
        assert not past.find_all("li", cls="result")
        assert "past the last page" in past.find("div", cls="empty").text


def test_page_numbers():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(1, 20) == [1, 2, 3, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]


def test_did_you_mean(client):
    doc = page(client, "/search?q=" + quote("قزاقسان"))
    box = doc.find("p", cls="did-you-mean")
    link = box.find("a")
    assert link.text == "قزاقستان"
    assert query_of(link.get("href")) == {"q": ["قزاقستان"]}
    assert doc.find("bdi", cls="results__query").text == "قزاقسان"
    assert page(client, link.get("href")).find_all("li", cls="result")


def test_did_you_mean_keeps_the_filters(client):
    doc = page(client, "/search?q=" + quote("वाशिगटन") + "&lang=hi")
    href = doc.find("p", cls="did-you-mean").find("a").get("href")
    assert query_of(href) == {"q": ["वाशिंगटन"], "lang": ["hi"]}


def test_empty_state(client):
    doc = page(client, "/search?q=xyzzyplugh")
    assert " ".join(doc.find(id="results-title").text.split()) == "No results for xyzzyplugh"
    empty = doc.find("div", cls="empty")
    assert "Check the spelling" in empty.text
    assert any(a.get("href") == "/help" for a in empty.find_all("a"))
    assert not doc.find_all("nav", cls="pagination")


def test_empty_state_offers_the_other_languages(client):
    doc = page(client, "/search?q=tungsten&lang=hi")
    empty = doc.find("div", cls="empty")
    hrefs = [a.get("href") for a in empty.find_all("a")]
    assert any(query_of(h) == {"q": ["tungsten"], "lang": ["fa"]} for h in hrefs)
    assert any(query_of(h) == {"q": ["tungsten"]} for h in hrefs)


def test_search_page_names_its_json(client):
    response = client.get("/search?q=tungsten&lang=fa")
    assert response.headers["Link"] == (
        '</api/search?q=tungsten&lang=fa>; rel="alternate"; type="application/json"'
    )
    assert parse(response.data).find("link", rel="alternate").get("href") == (
        "/api/search?q=tungsten&lang=fa"
    )


# -- a document


def test_document_page(client, ix):
    doc = page(client, f"/doc/{PERSIAN_ID}?q=tungsten")
    title = doc.find("h1", cls="document__title")
    assert (title.get("lang"), title.get("dir")) == ("fa", "rtl")
    body = doc.find("div", cls="document__body")
    assert (body.get("lang"), body.get("dir")) == ("fa", "rtl")
    marks = [m.text for m in body.find_all("mark")]
    assert marks and set(marks) == {TUNGSTEN_FA}
    # the whole article, paragraph by paragraph
    stored = ix.document(PERSIAN_ID)
    assert " ".join(body.text.split()) == " ".join(stored.text.split())
    assert len(body.find_all("p")) == len([p for p in stored.text.split("\n") if p.strip()])
    meta = doc.find("dl", cls="document__meta")
    assert "7 Nov 2025" in meta.text and "Persian" in meta.text and PERSIAN_ID in meta.text
    back = doc.find("p", cls="back").find("a")
    assert back.get("href") == "/search?q=tungsten"
    assert (
        client.get(f"/doc/{PERSIAN_ID}")
        .headers["Link"]
        .startswith(f"</api/doc/{PERSIAN_ID}>; rel=")
    )


def test_document_page_without_a_query(client):
    doc = page(client, f"/doc/{PERSIAN_ID}")
    assert not doc.find_all("mark")
    assert doc.find("p", cls="back").find("a").get("href") == "/"


def test_hindi_document_reads_left_to_right(client):
    doc = page(client, "/doc/000_6c52c591178293ae?q=" + quote(TRUMP_HI))
    body = doc.find("div", cls="document__body")
    assert (body.get("lang"), body.get("dir")) == ("hi", "ltr")
    assert TRUMP_HI in [m.text for m in body.find_all("mark")]


# -- help


def test_help_page(client):
    doc = page(client, "/help")
    text = doc.find("main").text
    for syntax in (
        "AND",
        "NOT",
        '"Kov Kaz"',
        "kaz*",
        "tungstan~",
        "lang:fa",
        "date:",
        "/api/search",
    ):
        assert syntax in text, syntax
    for a in doc.find("table").find_all("a"):
        assert client.get(a.get("href")).status_code == 200


# -- static files and odds


def test_static_files(client):
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    js = client.get("/static/app.js")
    assert js.status_code == 200 and js.mimetype in ("text/javascript", "application/javascript")
    assert client.get("/favicon.ico").status_code in (301, 308)


def test_head_requests(client):
    assert client.head("/search?q=tungsten").status_code == 200


# -- bad input: a page that explains, with a 4xx, never a 500


@pytest.mark.parametrize(
    "url, message",
    [
        ("/search?q=x&page=abc", "page must be a whole number"),
        ("/search?q=x&page=1.5", "page must be a whole number"),
        ("/search?q=x&page=-1", "page must be a whole number"),
        ("/search?q=x&page=0", "page must be between 1 and 1000"),
        ("/search?q=x&page=1001", "page must be between 1 and 1000"),
        ("/search?q=x&page=99999999999999999999999", "page must be a whole number"),
        ("/search?q=x&lang=zz", "unknown language 'zz'"),
        ("/search?q=x&date_from=yesterday", "date_from must be a date written yyyy-mm-dd"),
        ("/search?q=x&date_to=2025-02-30", "date_to must be a date written yyyy-mm-dd"),
        ("/search?q=x&date_from=2025-11-07&date_to=2025-11-01", "date_from is after date_to"),
        ("/search?q=" + "x" * 1001, "longer than 1,000 characters"),
        ("/search?q=x+lang:zz", "unknown language 'zz'"),
    ],
)
def test_bad_search_input_explained(client, url, message):
    doc = page(client, url, 400)
    notice = doc.find("section", cls="notice")
    assert notice.get("role") == "alert"
    assert message in " ".join(notice.text.split()).lower()
    assert doc.find("input", id="q")  # a box to try again


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=%00",
        "/search?q=a%00b",
        "/search?q=%FF",
        "/search?q=%E0%A4",  # cut in the middle of a character
        "/search?q=ok&lang=%C0%AF",
        "/doc/004_a9852c1cd0dd4442?q=%FF",
        "/help?x=%00",
    ],
)
def test_nul_and_undecodable_bytes(client, url):
    doc = page(client, url, 400)
    assert "Bad request" in doc.find("h1").text


def test_raw_undecodable_bytes(client):
    response = client.get("/search", environ_overrides={"QUERY_STRING": "q=\xff\xfe"})
    assert response.status_code == 400


def test_query_at_the_cap_is_searched(client):
    assert client.get("/search?q=" + "x" * 1000).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/doc/nope",
        "/doc/004_a9852c1cd0dd4442x",
        "/doc/../etc/passwd",
        "/doc/..%2Fetc%2Fpasswd",
        "/doc/..%2F..%2Fetc%2Fpasswd",
        "/doc/%2e%2e",
        "/doc/..",
        "/doc/.",
        "/doc/%00",
        "/doc/a%5Cb",
        "/doc/" + "a" * 300,
        "/doc/",
        "/nope",
        "/static/../web/views.py",
        "/static/..%2F__init__.py",
    ],
)
def test_unknown_and_path_like_ids_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"Traceback" not in response.data
    if response.mimetype == "text/html" and not path.startswith("/static"):
        assert "Not found" in parse(response.data).find("h1").text


def test_post_is_405(client):
    response = client.post("/search?q=x", data={"q": "x"})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Method not allowed" in parse(response.data).find("h1").text


def test_large_body_is_refused(client):
    response = client.post("/search", data="x" * 100_000)
    assert response.status_code in (405, 413)


def test_a_bad_filter_offers_the_query_alone(client):
    notice = page(client, "/search?q=tungsten&page=abc", 400).find("section", cls="notice")
    assert [a.get("href") for a in notice.find_all("a")][-1] == "/search?q=tungsten"
    notice = page(client, "/search?q=" + "x" * 1001, 400).find("section", cls="notice")
    assert all(a.get("href") == "/help" for a in notice.find_all("a"))
