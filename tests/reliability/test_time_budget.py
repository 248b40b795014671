"""A search keeps to its time budget (a 503 from the web, exit 2 from the CLI), and a query
whose wildcards stand for too many words is refused before it is searched."""

from __future__ import annotations

import itertools

import pytest

import web
from checkout import run_cli
from search import QueryError, SearchTimeout, open_index
from search import budget as budget_module
from search.budget import MAX_QUERY_EXPANSIONS

# Far less than any search takes: past it at the first check, on any machine.
SPENT = 1e-9
# Distinct infix wildcards: each stands for up to 500 words of each of two fields.
INFIX = "*ا* *ب* *ت* *د* *ر* *س* *ک* *ل* *م* *ن* *و* *ی*"


@pytest.fixture
def ticking_clock(monkeypatch):
    """A clock that moves one second each time the search reads it."""
    ticks = itertools.count()
    monkeypatch.setattr(budget_module.time, "monotonic", lambda: float(next(ticks)))


def test_search_past_its_budget_stops_with_search_timeout(seeds_index_dir):
    with open_index(seeds_index_dir) as ix:
        with pytest.raises(SearchTimeout, match="stopped after 1e-09 s, its time budget"):
            ix.search("tungsten", time_budget=SPENT)
        assert ix.search("tungsten", time_budget=0).total == 1  # 0: no limit
        assert ix.search("tungsten").total == 1  # the Python API has none by default
    with open_index(seeds_index_dir, time_budget=SPENT) as ix:
        with pytest.raises(SearchTimeout):
            ix.search("tungsten")
        assert ix.search("tungsten", time_budget=0).total == 1


def test_budget_is_checked_while_matches_are_collected(corpus_index, ticking_clock):
    # With a clock a second a reading and 100 s, a search stops only if it reads the clock
    # more than 100 times: once between steps is not enough, once a matched document is.
    with open_index(corpus_index) as ix:
        few = ix.search('"کاخ سفید"', time_budget=100)
        assert 0 < few.total < 50
        assert ix.search("*ا*", time_budget=0).total > 300
        with pytest.raises(SearchTimeout):
            ix.search("*ا*", time_budget=100)


def test_many_broad_wildcards_are_refused_before_they_are_searched(corpus_index):
    with open_index(corpus_index) as ix:
        assert ix.search("*ا* *ب*").total > 300  # within the bound: searched
        with pytest.raises(QueryError, match=f"more than {MAX_QUERY_EXPANSIONS:,} words"):
            ix.search(INFIX)


def test_web_answers_503_past_the_budget(seeds_index_dir):
    app = web.create_app({"INDEX_DIR": seeds_index_dir, "QUERY_TIME_BUDGET": SPENT})
    client = app.test_client()
    api = client.get("/api/search?q=tungsten")
    assert api.status_code == 503
    error = api.get_json()["error"]
    assert error["status"] == 503 and "time budget" in error["message"]
    page = client.get("/search?q=tungsten")
    assert page.status_code == 503 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "time budget" in text and 'id="q"' in text  # the reason, and a box to try again
    assert b"Traceback" not in page.data


def test_web_budget_comes_from_the_environment(monkeypatch, seeds_index_dir):
    monkeypatch.setenv("SEARCH_QUERY_TIME_BUDGET", "0.25")
    assert web.create_app().config["QUERY_TIME_BUDGET"] == 0.25
    monkeypatch.setenv("SEARCH_QUERY_TIME_BUDGET", "0")
    client = web.create_app({"INDEX_DIR": seeds_index_dir}).test_client()
    assert client.get("/api/search?q=tungsten").status_code == 200
    monkeypatch.setenv("SEARCH_QUERY_TIME_BUDGET", "soon")
    with pytest.raises(ValueError, match="QUERY_TIME_BUDGET must be a number of seconds"):
        web.create_app()


def test_web_answers_400_for_too_many_broad_wildcards(corpus_index):
    client = web.create_app({"INDEX_DIR": corpus_index}).test_client()
    response = client.get("/api/search", query_string={"q": INFIX})
    assert response.status_code == 400
    assert "wildcards" in response.get_json()["error"]["message"]


def test_cli_past_the_budget_is_one_line_and_exit_2(seeds_index_dir):
    for args, env in (
        (["--time-budget", str(SPENT)], None),
        ([], {"SEARCH_QUERY_TIME_BUDGET": str(SPENT)}),
    ):
        done = run_cli("--index", str(seeds_index_dir), *args, "tungsten", env=env)
        assert done.returncode == 2, done
        assert done.stdout == ""
        assert done.stderr.startswith("search-cli: the search was stopped after 1e-09 s")
        assert len(done.stderr.splitlines()) == 1
    done = run_cli("--index", str(seeds_index_dir), "--time-budget", "0", "tungsten")
    assert done.returncode == 0, done.stderr
