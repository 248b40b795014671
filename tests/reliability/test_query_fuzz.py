"""Hostile queries: whatever a reader types, the answer is a result or a clear error.

``SearchIndex.search`` returns a ``SearchResult`` or raises ``QueryError`` with a message;
``search-cli`` exits 0, 1 or 2 (one line on stderr), never with a traceback; ``/search`` and
``/api/search`` answer 200 or 4xx, never 500.
"""

from __future__ import annotations

import contextlib
import json
import signal
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checkout import SEEDS
from index_processes import cli_command, run
from search import MAX_QUERY_LENGTH, QueryError, SearchResult, update
from web import create_app
from web.state import EXTENSION

SYNTAX = list("\"()[]{}:*~^+-\\?'") + ["«", "»", "“", "”", "„", "〝", "''", '""', "\\\\"]
FIELDS = [
    "foo:bar",
    "foo:",
    "title:",
    "title:tungsten",
    "body:x",
    "id:004",
    "url:",
    "path:/etc/passwd",
    "stem:",
    "key:",
    "lang:",
    "lang:fa",
    "lang:FA",
    "lang:xx",
    "lang:f",
    "lang:fa:ar",
    "date:",
    "date:2025-11-06",
    "date:2025-13-45",
    "date:..",
    "date:2025-11-07..2025-11-01",
    "date:[2025-11-01 TO 2025-11-07]",
    "date:[ TO ]",
    "date:[a TO b]",
    "date:{x TO}",
    "date:0000-00-00",
    "date:9999-99-99",
]
OPERATORS = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "and", "or", "not", "&&", "||", "!"]
CONTROL = [chr(c) for c in range(32)] + ["\x7f", "\x85", "\u2028", "\u2029"]
BIDI = [
    "\u200e",
    "\u200f",
    "\u061c",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e"]
COMBINING = ["\u0301", "\u0300", "\u064b", "\u0651", "\u0670", "\u093c", "\u094d", "\u20dd"]
WORDS = [
    "tungsten",
    "Trump",
    "Kazakhstan",
    "تنگستن",
    "تنگستان",
    "ترامب",
    "ترمپ",
    "قزاقستان",
    "البيت",
    "الأبيض",
    "رئیس‌جمهور",
    "ट्रंप",
    "टंगस्टन",
    "कजाकिस्तान",
    "x",
    "a",
    "1",
    "٣",
    "۳",
    "२०२५",
    "3.07",
    "𝔘𝔫𝔦",
    "😀",
    "ﷺ",
    "ﻻ",
    "Ⅻ",
    "ǅ",
    "İ",
    "ß",
]
SUFFIXES = ["", "", "", "*", "?", "~", "~1", "~2", "~9", "~-1", "~1.5", "^2", "^-1", ":", "\\"]
PIECES = SYNTAX + FIELDS + OPERATORS + CONTROL + BIDI + INVISIBLE + COMBINING
SEPARATORS = [" ", " ", "", "  ", "\t", "\n", "\u00a0", "\u3000", "\u200c", "-", ",", "،"]

# Python strings without lone surrogates: what a web request (UTF-8) can carry. Lone
# surrogates (from undecodable command-line bytes) are tested on their own below.
text_chars = st.characters(exclude_categories=("Cs",))
word = st.one_of(
    st.builds(lambda w, s: w + s, st.sampled_from(WORDS), st.sampled_from(SUFFIXES)),
    st.text(text_chars, min_size=1, max_size=6),
)
token = st.one_of(word, st.sampled_from(PIECES))
soup = st.lists(st.tuples(token, st.sampled_from(SEPARATORS)), max_size=14).map(
    lambda parts: "".join(t + s for t, s in parts)
)
queries = st.one_of(soup, st.text(text_chars, max_size=120))

FUZZ = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class TooSlow(BaseException):
    """Raised into a search that runs past its budget (BaseException: no ``except Exception``
    on the way swallows it)."""


@contextlib.contextmanager
def time_limit(seconds: float = 10.0):
    """A search on five articles answers at once; one that runs on is a hang, and a failure
    here (with Hypothesis's example) rather than a stuck test run."""

    def expire(signum, frame):
        raise TooSlow(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def search_or_error(ix, text: str, **kwargs) -> SearchResult | None:
    """The property: a SearchResult that serialises, or a QueryError with a message."""
    try:
        with time_limit():
            result = ix.search(text, **kwargs)
    except QueryError as e:
        assert str(e).strip(), "a QueryError without a message"
        return None
    assert isinstance(result, SearchResult)
    limit = kwargs.get("limit", 10)
    assert len(result.results) <= limit
    assert result.total >= len(result.results) or result.page > 1
    json.dumps(result.to_dict(), ensure_ascii=False)
    for hit in result.results:
        assert "<script" not in hit.snippet.lower()
    return result


# -- the Python API


@FUZZ
@given(text=queries)
@example("foo:bar")
@example("title:")
@example("lang:")
@example("date:")
@example('"(unbalanced')
@example("((a OR b) AND NOT (c")
@example("NOT")
@example("AND OR NOT")
@example("tungsten~9")
@example("*")
@example("\x00")
@example("\u202etungsten\u202c")
@example("\u0301\u064b")
def test_search_answers_or_explains(seeds_index, text):
    search_or_error(seeds_index, text)


@FUZZ
@given(
    text=queries,
    lang=st.sampled_from([None, "ar", "fa", "hi", "en", "xx", "", "FA", "fa "]),
    page=st.integers(-2, 1002),
    limit=st.integers(-1, 101),
    date_from=st.sampled_from([None, "2025-11-01", "2025-13-01", "x", ""]),
)
def test_search_parameters_answer_or_explain(seeds_index, text, lang, page, limit, date_from):
    search_or_error(
        seeds_index, text, lang=lang, page=page, limit=limit, date_from=date_from or None
    )


@FUZZ
@given(text=st.text(text_chars, min_size=MAX_QUERY_LENGTH + 1, max_size=MAX_QUERY_LENGTH + 400))
def test_overlong_query_is_a_query_error_with_a_message(seeds_index, text):
    with pytest.raises(QueryError) as caught:
        seeds_index.search(text)
    message = str(caught.value)
    assert message
    if text.strip():
        assert f"longer than {MAX_QUERY_LENGTH}" in message


def test_query_at_the_cap_is_searched(seeds_index):
    assert search_or_error(seeds_index, ("tungsten " * 200)[:MAX_QUERY_LENGTH]) is not None


@FUZZ
@given(text=queries)
def test_suggest_and_marked_never_raise(seeds_index, text):
    """The web's completions and article highlighting take the same raw text."""
    doc = seeds_index.document("004_a9852c1cd0dd4442")
    with time_limit():
        assert isinstance(seeds_index.suggest(text), list)
        marked = seeds_index.marked(doc, text)
    assert set(marked) == {"title", "text"}
    assert "<script" not in marked["text"].lower()


# Undecodable bytes on a command line reach Python as lone surrogates (surrogateescape).
SURROGATE_QUERIES = ["\udcff*", "\udcff~", "tung\udcffsten*", "\ud800"]


@pytest.mark.parametrize("text", SURROGATE_QUERIES)
def test_lone_surrogates_answer_or_explain(seeds_index, text):
    search_or_error(seeds_index, text)
    seeds_index.suggest(text)


# -- the CLI


NASTY = [
    '"',
    "((tungsten",
    "foo:bar",
    "title: lang: date:",
    "lang:xx",
    "date:[a TO b]",
    "AND OR NOT",
    "\u202etungsten\u202c \u200f",
    "\u0301\x01\x7f",
    "tungsten~9 *",
    "x" * (MAX_QUERY_LENGTH + 1),
]


def assert_cli_contract(result) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in (0, 1, 2), result.returncode
    if result.returncode == 2:
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("search-cli: ")
    else:
        assert json.loads(result.stdout)["total"] >= 0


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_cli_answers_or_explains(seeds_index_dir, text):
    assert_cli_contract(run(cli_command("--index", seeds_index_dir, "--json", text)))


def test_cli_overlong_query_says_why(seeds_index_dir):
    result = run(cli_command("--index", seeds_index_dir, "x" * (MAX_QUERY_LENGTH + 1)))
    assert result.returncode == 2
    assert result.stderr == f"search-cli: the query is longer than {MAX_QUERY_LENGTH} characters\n"


def test_cli_undecodable_argument_answers_or_explains(seeds_index_dir):
    raw = [arg.encode() for arg in cli_command("--index", seeds_index_dir, "--json")]
    assert_cli_contract(run([*raw, b"\xff*"]))


def test_cli_query_word_starting_with_minus(seeds_index_dir):
    result = run(cli_command("--index", seeds_index_dir, "--json", "Trump", "-China"))
    assert_cli_contract(result)
    assert result.returncode in (0, 1)


# -- the web app


@pytest.fixture(scope="module")
def web_client(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("fuzz-web") / "index"
    update(index_dir, [SEEDS])
    app = create_app({"TESTING": True, "INDEX_DIR": index_dir})
    yield app.test_client()
    if app.extensions.get(EXTENSION) is not None:
        app.extensions[EXTENSION].close()


def assert_web_answer(response, html: bool) -> None:
    assert response.status_code in (200, 400, 404), (response.status_code, response.data[:300])
    if html:
        assert response.mimetype == "text/html"
    else:
        assert response.mimetype == "application/json"
        body = response.get_json()
        assert ("error" in body) == (response.status_code != 200)


@FUZZ
@given(
    q=queries,
    lang=st.sampled_from([None, "ar", "fa", "xx", "", "<script>"]),
    page=st.sampled_from([None, "1", "2", "3", "0", "-1", "999999999", "1e3", "x", ""]),
    limit=st.sampled_from([None, "1", "100", "101", "0", "abc"]),
    date=st.sampled_from([None, "2025-11-06", "2025-02-30", "x", ""]),
)
def test_web_search_never_500(web_client, q, lang, page, limit, date):
    params = {"q": q, "lang": lang, "page": page, "limit": limit, "date_from": date}
    params = {k: v for k, v in params.items() if v is not None}
    with time_limit():
        api = web_client.get("/api/search", query_string=params)
        page = web_client.get("/search", query_string=params)
    assert_web_answer(api, html=False)
    assert_web_answer(page, html=True)


@FUZZ
@given(q=queries)
def test_web_suggest_and_doc_never_500(web_client, q):
    with time_limit():
        suggest = web_client.get("/api/suggest", query_string={"q": q})
        doc = web_client.get("/doc/004_a9852c1cd0dd4442", query_string={"q": q})
    assert_web_answer(suggest, html=False)
    assert_web_answer(doc, html=True)


@pytest.mark.parametrize(
    "raw",
    [
        "q=%FF",
        "q=%ED%A0%80",  # a surrogate, encoded
        "q=%00",
        "q=tung%00sten",
        "q=%C0%AF",
        "q=" + "%D8%A7" * (MAX_QUERY_LENGTH + 1),
        "q=" + quote("x" * (MAX_QUERY_LENGTH + 1)),
        "q=tungsten&q=Trump",
        "q=tungsten&page=%FF",
        "q=" + quote("\u202e<script>alert(1)</script>"),
    ],
)
@pytest.mark.parametrize("route", ["/api/search", "/search", "/api/suggest"])
def test_web_raw_query_strings(web_client, route, raw):
    response = web_client.get(f"{route}?{raw}")
    assert_web_answer(response, html=route == "/search")
    if response.status_code == 200 and route == "/search":
        assert b"<script>alert(1)" not in response.data
