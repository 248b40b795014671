"""Two indexing runs at once, and searches (Python API, CLI, web) while a writer commits.

A second run waits for the first (Whoosh's write lock, ``WRITE_LOCK_TIMEOUT``) or stops with
one clear line; neither corrupts the index. Searches running meanwhile always answer, with the
old state or the new one, and never go back to the old one once they have seen the new.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from whoosh import index as whoosh_index

import search.index.updating as index_module
from index_processes import (
    cli_command,
    cli_command_with_lock_timeout,
    copy_index,
    doc_count,
    lock_is_free,
    phase_reached,
    popen,
    run,
    snapshot,
    stored_ids,
    wait_until,
    write_jsonl,
)
from search import IndexError_, open_index, update
from web import create_app

QUERIES = ["tungsten", "Trump", "قزاقستان"]


def renamed(docs: list[dict], prefix: str) -> list[dict]:
    return [{**doc, "id": prefix + doc["id"]} for doc in docs]


def wait_for_lock_holder(process, index_dir: Path, before: set[str]) -> None:
    """Until ``process`` holds the write lock and is adding documents."""
    assert wait_until(
        lambda: phase_reached("adding", before, snapshot(index_dir)),
        timeout=120,
        alive=lambda: process.poll() is None,
    ), "the first run finished before the second could start"


# -- two writers


@pytest.mark.slow
def test_second_run_waits_for_the_first_then_completes(
    tmp_path, seeds_only_index, corpus_file, corpus_docs
):
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    second_docs = renamed(corpus_docs[:50], "second-")
    second_file = write_jsonl(tmp_path / "second.jsonl", second_docs)

    before = set(snapshot(index_dir))
    first = popen(cli_command("index", "--json", "--index", index_dir, corpus_file))
    wait_for_lock_holder(first, index_dir, before)
    second = popen(cli_command("index", "--json", "--index", index_dir, second_file))

    ended: dict[str, float] = {}
    while len(ended) < 2:
        for name, process in (("first", first), ("second", second)):
            if name not in ended and process.poll() is not None:
                ended[name] = time.monotonic()
        time.sleep(0.01)
        assert not ended or time.monotonic() - min(ended.values()) < 120
    out1, err1 = first.communicate()
    out2, err2 = second.communicate()
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert err2 == ""  # it waited quietly, then did its work
    assert ended["second"] >= ended["first"]  # it could not commit before the first
    assert json.loads(out1)["added"] == len(corpus_docs)
    assert json.loads(out2)["added"] == len(second_docs)

    # Neither corrupted the index: every document once, all searchable.
    ids = stored_ids(index_dir)
    assert len(ids) == len(set(ids)) == 5 + len(corpus_docs) + len(second_docs)
    with open_index(index_dir) as ix:
        assert ix.search("tungsten").total > 0
        assert ix.document(second_docs[0]["id"]) is not None
    assert lock_is_free(index_dir)


def test_second_run_stops_with_one_clear_line_when_the_lock_stays_held(
    tmp_path, seeds_only_index, corpus_head_file
):
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    holder = whoosh_index.open_dir(str(index_dir)).writer()  # another run, mid-write
    try:
        started = time.monotonic()
        result = run(
            cli_command_with_lock_timeout(1.0, "index", "--index", index_dir, corpus_head_file),
            timeout=60,
        )
        took = time.monotonic() - started
    finally:
        holder.cancel()
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("search-cli: another indexing run is writing to")
    assert str(index_dir) in lines[0]
    assert result.stdout == ""
    assert took < 30
    # The index is as it was, and the next run (lock now free) works.
    assert doc_count(index_dir) == 5
    again = run(cli_command("index", "--index", index_dir, corpus_head_file))
    assert again.returncode == 0, again.stderr
    assert doc_count(index_dir) == 205


def test_python_api_raises_index_error_when_the_lock_stays_held(
    tmp_path, seeds_only_index, corpus_head_file, monkeypatch
):
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    monkeypatch.setattr(index_module, "WRITE_LOCK_TIMEOUT", 0.3)
    holder = whoosh_index.open_dir(str(index_dir)).writer()
    try:
        with pytest.raises(IndexError_, match="another indexing run"):
            update(index_dir, [corpus_head_file])
    finally:
        holder.cancel()
    assert doc_count(index_dir) == 5


@pytest.mark.slow
def test_overlapping_runs_leave_each_document_once(
    tmp_path, seeds_only_index, corpus_file, corpus_head_file, corpus_docs
):
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    before = set(snapshot(index_dir))
    first = popen(cli_command("index", "--json", "--index", index_dir, corpus_file))
    wait_for_lock_holder(first, index_dir, before)
    # The same first 200 documents again, while the first run holds the lock.
    second = popen(cli_command("index", "--json", "--index", index_dir, corpus_head_file))
    first.communicate(timeout=180)
    out2, err2 = second.communicate(timeout=180)
    assert first.returncode == 0 and second.returncode == 0, err2
    ids = stored_ids(index_dir)
    assert len(ids) == len(set(ids)) == 5 + len(corpus_docs), "documents indexed twice"
    report = json.loads(out2)
    assert (report["added"], report["unchanged"]) == (0, 200), report


# -- searches while a writer commits


@dataclass
class Channel:
    """What one searching thread saw: (started, query, total) and any failure."""

    name: str
    seen: list[tuple[float, str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.slow
def test_searches_answer_while_a_writer_commits(
    tmp_path, seeds_only_index, corpus_file, corpus_docs
):
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    with open_index(index_dir) as ix:
        old = {q: ix.search(q).total for q in QUERIES}

    # The real server, started before the writer: its threads keep searchers open.
    port = free_port()
    server = popen(cli_command("serve", "--port", port, "--index", index_dir))
    try:
        assert wait_until(
            lambda: _answers(port), timeout=60, interval=0.1, alive=lambda: server.poll() is None
        ), "the server did not start"
        channels, commit_window = _search_during_a_commit(index_dir, corpus_file, port)
    finally:
        server.terminate()
        server.communicate(timeout=30)

    with open_index(index_dir) as ix:
        new = {q: ix.search(q).total for q in QUERIES}
        assert ix.searcher().doc_count() == 5 + len(corpus_docs)
    assert all(new[q] > old[q] for q in QUERIES)

    commit_started, writer_ended = commit_window
    for channel in channels:
        assert channel.errors == [], (channel.name, channel.errors[:3])
        assert channel.seen, channel.name
        went_new: set[str] = set()
        for _, q, total in channel.seen:
            assert total in (old[q], new[q]), (channel.name, q, total, old[q], new[q])
            if total == new[q]:
                went_new.add(q)
            elif q in went_new:
                raise AssertionError(f"{channel.name} went back to the old state for {q!r}")
        during = [t for t, _, _ in channel.seen if commit_started <= t <= writer_ended]
        if channel.name.startswith("cli"):
            assert any(t <= writer_ended for t, _, _ in channel.seen), channel.name
        else:
            assert during, f"{channel.name} ran no search while the writer committed"
            # and once the commit was done, each saw the new state
            assert channel.seen[-1][2] == new[channel.seen[-1][1]], channel.name


def _answers(port: int) -> bool:
    try:
        return http_get(port, "/api/search?q=x", timeout=2)[0] == 200
    except OSError:
        return False


def _search_during_a_commit(index_dir: Path, corpus_file: Path, port: int):
    stop = threading.Event()
    shared = open_index(index_dir)  # one SearchIndex shared by threads, as the web app does
    app = create_app({"TESTING": True, "INDEX_DIR": index_dir})

    def api(channel: Channel) -> None:
        while not stop.is_set():
            for q in QUERIES:
                started = time.monotonic()
                try:
                    channel.seen.append((started, q, shared.search(q, limit=5).total))
                except Exception as e:  # any exception is the failure
                    channel.errors.append(repr(e))

    def flask(channel: Channel) -> None:
        client = app.test_client()
        while not stop.is_set():
            for q in QUERIES:
                started = time.monotonic()
                response = client.get("/api/search", query_string={"q": q, "limit": 5})
                page = client.get("/search", query_string={"q": q})
                if response.status_code != 200 or page.status_code != 200:
                    channel.errors.append(f"{q}: {response.status_code}/{page.status_code}")
                else:
                    channel.seen.append((started, q, response.get_json()["total"]))

    def server(channel: Channel) -> None:
        while not stop.is_set():
            for q in QUERIES:
                started = time.monotonic()
                try:
                    status, body = http_get(port, "/api/search?" + urlencode({"q": q}))
                    page, _ = http_get(port, "/search?" + urlencode({"q": q}))
                except OSError as e:
                    channel.errors.append(f"{q}: {e!r}")
                    continue
                if status != 200 or page != 200:
                    channel.errors.append(f"{q}: {status}/{page}")
                else:
                    channel.seen.append((started, q, json.loads(body)["total"]))

    def cli(channel: Channel) -> None:
        i = 0
        while not stop.is_set():
            q = QUERIES[i % len(QUERIES)]
            i += 1
            started = time.monotonic()
            result = run(cli_command("--index", index_dir, "--json", q), timeout=120)
            if result.returncode not in (0, 1) or result.stderr:
                channel.errors.append(f"{q}: exit {result.returncode}: {result.stderr[-300:]}")
            else:
                channel.seen.append((started, q, json.loads(result.stdout)["total"]))

    channels = [Channel(f"api-{i}") for i in range(3)]
    channels += [Channel(f"flask-{i}") for i in range(2)]
    channels += [Channel(f"server-{i}") for i in range(2)]
    channels += [Channel("cli")]
    workers = {"api": api, "flask": flask, "server": server, "cli": cli}
    threads = [
        threading.Thread(target=workers[c.name.split("-")[0]], args=(c,), daemon=True)
        for c in channels
    ]
    for thread in threads:
        thread.start()
    try:
        before = set(snapshot(index_dir))
        writer = popen(cli_command("index", "--index", index_dir, corpus_file))
        wait_until(
            lambda: phase_reached("columns", before, snapshot(index_dir)),
            timeout=180,
            alive=lambda: writer.poll() is None,
        )
        commit_started = time.monotonic()
        _, err = writer.communicate(timeout=180)
        writer_ended = time.monotonic()
        assert writer.returncode == 0, err
        time.sleep(1.5)  # every channel searches the new state a few times
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        shared.close()
    return channels, (commit_started, writer_ended)


def test_searches_answer_through_many_small_commits(tmp_path, seeds_only_index, corpus_docs):
    """In one process: a writer commits 8 small batches while threads share a SearchIndex."""
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    batches = [
        write_jsonl(tmp_path / f"batch-{i}.jsonl", corpus_docs[i * 10 : (i + 1) * 10])
        for i in range(8)
    ]
    shared = open_index(index_dir)
    stop = threading.Event()
    counts: dict[int, list[int]] = {}
    errors: list[str] = []

    def reader(n: int) -> None:
        seen = counts.setdefault(n, [])
        while not stop.is_set():
            try:
                assert shared.search(QUERIES[n % len(QUERIES)], limit=3).total >= 0
                seen.append(shared.searcher().doc_count())
                shared.suggest("tung")
                shared.stats()
            except Exception as e:  # any exception is the failure
                errors.append(repr(e))
            time.sleep(0.02)

    threads = [threading.Thread(target=reader, args=(n,), daemon=True) for n in range(2)]
    for thread in threads:
        thread.start()
    try:
        for batch in batches:
            assert update(index_dir, [batch]).added == 10
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        shared.close()
    assert errors == []
    for n, seen in counts.items():
        assert seen, n
        assert seen == sorted(seen), f"thread {n} saw the index go back: {seen}"
    assert doc_count(index_dir) == 5 + 80


# A SearchIndex lives as long as the web server; Whoosh 3.54's Searcher.refresh() builds the
# new reader from the new TOC's segments *plus every segment of the old reader* that is not
# equal to one of them (whoosh/index.py, FileIndex._reader: ``segments.extend(...)``). A
# segment whose deletions changed, or that a merge replaced, is not equal, so the refreshed
# searcher reads old and new copies side by side.


def test_long_lived_index_sees_an_updated_document_once(tmp_path):
    source = tmp_path / "news.jsonl"
    write_jsonl(source, [{"id": "a", "text": "tungsten, first version"}, {"id": "b", "text": "x"}])
    update(tmp_path / "index", [source])
    with open_index(tmp_path / "index") as shared:
        assert shared.search("tungsten").total == 1
        write_jsonl(
            source, [{"id": "a", "text": "tungsten, second version"}, {"id": "b", "text": "x"}]
        )
        assert update(tmp_path / "index", [source]).updated == 1
        result = shared.search("tungsten")
        assert [hit.id for hit in result.results] == ["a"], [h.snippet for h in result.results]
        assert "second" in result.results[0].snippet
        assert shared.searcher().doc_count() == 2


def test_long_lived_index_matches_a_fresh_one_after_merging_commits(
    tmp_path, seeds_only_index, corpus_docs
):
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    with open_index(index_dir) as shared:
        for i in range(12):  # enough commits for Whoosh to merge small segments
            batch = write_jsonl(tmp_path / f"b{i}.jsonl", corpus_docs[i * 10 : (i + 1) * 10])
            update(index_dir, [batch])
            shared.search("tungsten")
        with open_index(index_dir) as fresh:
            assert shared.searcher().doc_count() == fresh.searcher().doc_count() == 125
            ours, theirs = shared.search("tungsten", limit=100), fresh.search("tungsten", limit=100)
            assert ours.total == theirs.total
            ids = [hit.id for hit in ours.results]
            assert len(ids) == len(set(ids)), "the same document twice in one page"


def test_web_app_shows_an_updated_document_once(tmp_path):
    source = tmp_path / "news.jsonl"
    write_jsonl(source, [{"id": "a", "text": "tungsten, first version"}])
    update(tmp_path / "index", [source])
    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    assert client.get("/api/search?q=tungsten").get_json()["total"] == 1
    write_jsonl(source, [{"id": "a", "text": "tungsten, second version"}])
    update(tmp_path / "index", [source])
    answer = client.get("/api/search?q=tungsten").get_json()
    assert [hit["id"] for hit in answer["results"]] == ["a"], answer
