"""The JSON API: the same answers as the search package (and so as ``search-cli --json``),
and one error shape for everything it refuses."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkout import HIT_KEYS
from web_app import PERSIAN_ID

TRUMP_HI = "ट्रंप"


def without_time(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "took_ms"}


@pytest.mark.parametrize(
    "params, kwargs",
    [
        ({"q": "tungsten"}, {}),
        ({"q": "Kazakhstan"}, {}),
        ({"q": "Kazakhstan", "lang": "hi"}, {"lang": "hi"}),
        ({"q": TRUMP_HI, "page": "2", "limit": "2"}, {"page": 2, "limit": 2}),
        ({"q": TRUMP_HI, "limit": "100"}, {"limit": 100}),
        ({"q": "Kazakhstan", "date_from": "2025-11-07"}, {"date_from": "2025-11-07"}),
        ({"q": "Kazakhstan date:2025-11-06"}, {}),
        ({"q": "قزاقسان"}, {}),
        ({"q": '"Kov Kaz" OR ترامب'}, {}),
        ({"q": "xyzzyplugh"}, {}),
        ({"q": "Kazakhstan", "page": "7"}, {"page": 7}),
    ],
)
def test_api_search_is_the_search_result(client, ix, params, kwargs):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    got = response.get_json()
    expected = ix.search(params["q"], **kwargs).to_dict()
    assert without_time(got) == without_time(expected)
    # exactly the shape `search-cli --json` prints, keys in the same order
    assert list(got) == ["query", "total", "took_ms", "suggestion", "results"]
    assert isinstance(got["took_ms"], (int, float)) and got["took_ms"] >= 0
    for hit in got["results"]:
        assert list(hit) == HIT_KEYS


def test_api_search_tungsten(client):
    response = client.get("/api/search?q=tungsten")
    result = response.get_json()
    assert result["total"] == 1
    first = result["results"][0]
    assert first["id"] == PERSIAN_ID and first["lang"] == "fa"
    assert "<mark>تنگستن</mark>" in first["snippet"]
    # readable UTF-8, not \u escapes
    assert "تنگستن".encode() in response.data


def test_api_search_says_what_matched_across_scripts(client):
    [hit] = client.get("/api/search?q=tungsten").get_json()["results"]
    [matched] = hit["matched"]
    assert {k: v for k, v in matched.items() if k != "similarity"} == {
        "query": "tungsten",
        "word": "تنگستن",
        "how": "cross-script",
    }
    assert (
        0.8 < matched["similarity"] <= 1
        and round(matched["similarity"], 2) == matched["similarity"]
    )
    names = client.get("/api/search?q=Kazakhstan&lang=fa").get_json()["results"][0]["matched"]
    assert names == [{"query": "kazakhstan", "word": "قزاقستان", "how": "name", "similarity": None}]


def test_api_search_in_latin_letters(client):
    plain = client.get("/api/search?q=tungsten").get_json()
    latin = client.get("/api/search?q=tungsten&latin=1").get_json()
    [hit] = latin["results"]
    assert list(hit)[-2:] == ["title_latin", "snippet_latin"]
    assert "<mark>tngstn</mark>" in hit["snippet_latin"]
    assert not any("\u0600" <= ch <= "\u06ff" for ch in hit["title_latin"] + hit["snippet_latin"])
    # the rest as without it
    del hit["title_latin"], hit["snippet_latin"]
    assert without_time(latin) == without_time(plain)
    assert client.get("/api/search?q=tungsten&latin=0").get_json()["results"] == plain["results"]
    bad = client.get("/api/search?q=tungsten&latin=yes")
    assert bad.status_code == 400 and "Latin must be 1 or 0" in bad.get_json()["error"]["message"]


def test_api_search_limit_and_pages(client):
    seen = []
    for page in (1, 2, 3):
        result = client.get(f"/api/search?q=Kazakhstan&limit=2&page={page}").get_json()
        assert result["total"] == 5
        seen += [hit["id"] for hit in result["results"]]
    assert len(seen) == len(set(seen)) == 5


def test_api_search_has_a_suggestion(client):
    result = client.get("/api/search?q=" + quote("वाशिगटन")).get_json()
    assert result["total"] == 0 and result["suggestion"] == "वाशिंगटन"


def test_api_doc(client, ix):
    response = client.get(f"/api/doc/{PERSIAN_ID}")
    assert response.status_code == 200
    assert response.get_json() == ix.document(PERSIAN_ID).to_dict()
    assert list(response.get_json()) == [
        "id",
        "title",
        "text",
        "lang",
        "date",
        "url",
        "source",
        "author",
        "published",
    ]


@pytest.mark.parametrize(
    "prefix, expected",
    [("ट्र", "ट्रंप"), ("کاز", "كازاخستان"), ("قزاق", "قزاقستان"), ("Trump ट्र", "Trump ट्रंप")],
)
def test_api_suggest(client, prefix, expected):
    response = client.get("/api/suggest?q=" + quote(prefix))
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["query", "suggestions", "across"]
    assert body["query"] == prefix
    assert expected in body["suggestions"]
    assert len(body["suggestions"]) <= 8
    # every suggestion is a string, as before; "across" only adds to some of them
    assert all(isinstance(s, str) for s in body["suggestions"])
    assert {a["text"] for a in body["across"]} <= set(body["suggestions"])


def test_api_suggest_across_scripts(client):
    body = client.get("/api/suggest?q=tung").get_json()
    assert "تنگستن" in body["suggestions"]
    assert {"text": "تنگستن", "matches": "tung", "script": "arabic", "lang": "fa"} in body["across"]
    body = client.get("/api/suggest?q=" + quote("Trump trum")).get_json()
    across = {a["text"]: a for a in body["across"]}
    assert across["Trump ट्रंप"]["matches"] == "trum"
    assert across["Trump ترامب"]["script"] == "arabic" and "lang" not in across["Trump ترامب"]
    # the same words, in the same order, as the strings
    texts = [a["text"] for a in body["across"]]
    assert texts == [s for s in body["suggestions"] if s in set(texts)]


@pytest.mark.parametrize("url", ["/api/suggest", "/api/suggest?q=", "/api/suggest?q=%20"])
def test_api_suggest_empty(client, url):
    body = client.get(url).get_json()
    assert body["suggestions"] == [] and body["across"] == []


# -- one error shape


def assert_error(response, status: int, message: str | None = None) -> str:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ["status", "message"]
    assert body["error"]["status"] == status
    text = body["error"]["message"]
    assert isinstance(text, str) and text.strip()
    assert "Traceback" not in text
    if message:
        assert message in text.lower(), text
    return text


@pytest.mark.parametrize(
    "url, message",
    [
        ("/api/search", "missing the query"),
        ("/api/search?q=", "the query is empty"),
        ("/api/search?q=%20%20", "the query is empty"),
        ("/api/search?q=x&page=abc", "page must be a whole number"),
        ("/api/search?q=x&page=0", "page must be between 1 and 1000"),
        ("/api/search?q=x&page=1001", "page must be between 1 and 1000"),
        ("/api/search?q=x&limit=0", "limit must be between 1 and 100"),
        ("/api/search?q=x&limit=101", "limit must be between 1 and 100"),
        ("/api/search?q=x&limit=ten", "limit must be a whole number"),
        ("/api/search?q=x&lang=zz", "unknown language 'zz'"),
        ("/api/search?q=x&lang=%3Cscript%3E", "unknown language"),
        ("/api/search?q=x&date_from=11/07/2025", "date_from must be a date"),
        ("/api/search?q=" + "x" * 1001, "longer than 1,000 characters"),
        ("/api/search?q=%00", "nul"),
        ("/api/search?q=%FF", "not utf-8"),
        ("/api/suggest?q=%00", "nul"),
        ("/api/suggest?q=" + "x" * 1001, "longer than 1,000 characters"),
    ],
)
def test_api_bad_input_is_a_400(client, url, message):
    assert_error(client.get(url), 400, message)


@pytest.mark.parametrize(
    "path",
    [
        "/api/doc/nope",
        "/api/doc/..%2F..%2Fetc%2Fpasswd",
        "/api/doc/../etc/passwd",
        "/api/doc/%2e%2e",
        "/api/doc/%00",
        "/api/nope",
        "/api/",
    ],
)
def test_api_not_found(client, path):
    assert_error(client.get(path), 404)


def test_api_method_not_allowed(client):
    response = client.post("/api/search?q=x")
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]
    assert_error(client.delete(f"/api/doc/{PERSIAN_ID}"), 405)


def test_api_errors_are_json_even_when_the_client_wants_html(client):
    response = client.get("/api/search?q=x&page=abc", headers={"Accept": "text/html"})
    assert_error(response, 400)


# -- anything typed: a 200 or a 400, never a 500


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(blacklist_categories=("Cs",)),
            st.sampled_from(list('"()*~:-+\\^[]{} ANDORNOTlang:date:..تنگستنट्रंप')),
        ),
        max_size=40,
    )
)
def test_any_query_is_answered(module_client, query):
    for path in ("/api/search", "/search", "/api/suggest"):
        response = module_client.get(path, query_string={"q": query})
        assert response.status_code in (200, 400), (path, query)
        if path.startswith("/api/"):
            json.loads(response.data)
