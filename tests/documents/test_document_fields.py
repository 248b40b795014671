"""The fields every format fills: source, author, the publication time with its zone.

The articles are a few sentences in each language written for these tests.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

import news_articles
from checkout import run_cli
from search import open_index, update
from search.documents import Document, Problem, read_paths
from search.documents.model import from_stored, parse_published
from search.index import open_dir

TEHRAN, AMMAN, MUMBAI = (a.text for a in news_articles.ARTICLES)

LINES = [
    # after midnight in Tehran: the day before in UTC; its date is Tehran's day
    {
        "id": "metro",
        "text": TEHRAN,
        "published": "2025-11-07T01:30:00+03:30",
        "source": "همشهری آنلاین",
        "author": ["مریم احمدی", "علی رضایی"],
        "url": "https://www.hamshahrionline.ir/news/123",
    },
    # no id: the url is the id; no source: the url's host
    {
        "url": "https://www.example-news.jo/culture/2025/11/book-fair",
        "text": AMMAN,
        "published": "Thu, 06 Nov 2025 18:15:00 +0200",
        "author": "سارة الخطيب",
    },
    # a date with its time in `date`
    {"id": "rain", "text": MUMBAI, "date": "2025-11-06T23:50:00+05:30"},
    {"id": "bad-time", "text": MUMBAI, "published": "last Tuesday"},
]


def write_jsonl(path, lines=LINES):
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", "utf-8")
    return path


def test_parse_published_keeps_the_offset():
    moment = parse_published("2025-11-07T01:30:00+03:30")
    assert moment.utcoffset() == timedelta(hours=3, minutes=30)
    assert moment.astimezone(timezone.utc) == datetime(2025, 11, 6, 22, 0, tzinfo=timezone.utc)
    assert parse_published("2025-11-07T01:30:00Z").utcoffset() == timedelta(0)
    assert parse_published("2025-11-07 01:30").tzinfo == timezone.utc  # no zone: UTC
    assert parse_published("2025-11-07T01:30:00.123456789-05:00").microsecond == 123456
    assert parse_published("Fri, 07 Nov 2025 01:30:00 +0330") == moment
    assert parse_published("") is None


@pytest.mark.parametrize("bad", ["last Tuesday", "2025-13-01T00:00:00Z", "2025-11-07T10:00+25:00"])
def test_parse_published_refuses(bad):
    from search.errors import BadInput

    with pytest.raises(BadInput):
        parse_published(bad)


def test_jsonl_reads_source_author_and_published(tmp_path):
    items = list(read_paths([write_jsonl(tmp_path / "news.jsonl")]))
    docs = {d.id: d for d in items if isinstance(d, Document)}
    (problem,) = [p for p in items if isinstance(p, Problem)]
    assert problem.line == 4 and "last Tuesday" in problem.message

    metro = docs["metro"]
    assert metro.lang == "fa" and metro.date == "2025-11-07"
    assert metro.published_utc == "2025-11-06T22:00:00Z"
    assert metro.published_offset == "+03:30"
    assert metro.source == "همشهری آنلاین"
    assert metro.author == "مریم احمدی, علی رضایی"

    fair = docs["https://www.example-news.jo/culture/2025/11/book-fair"]
    assert fair.source == "example-news.jo" and fair.author == "سارة الخطيب"
    assert fair.published_utc == "2025-11-06T16:15:00Z" and fair.date == "2025-11-06"

    rain = docs["rain"]
    assert rain.date == "2025-11-06" and rain.published_utc == "2025-11-06T18:20:00Z"
    assert rain.source is None and rain.author is None


def test_documents_without_the_new_fields_keep_their_hash():
    import hashlib

    old = Document("a", "text", "title", "en", "2025-11-07", "https://x.org/a")
    parts = ("a", "title", "text", "en", "2025-11-07", "https://x.org/a")
    assert old.hash == hashlib.sha1("\x1f".join(parts).encode()).hexdigest()
    assert (
        Document("a", "text", "title", "en", source="x").hash
        != Document("a", "text", "title", "en").hash
    )


def test_update_stores_the_fields_in_utc_with_the_offset(tmp_path):
    report = update(tmp_path / "ix", [write_jsonl(tmp_path / "news.jsonl")])
    assert report.added == 3 and report.skipped == 1
    ix = open_dir(tmp_path / "ix")
    with ix.searcher() as searcher:
        stored = searcher.document(id="metro")
    ix.close()
    assert stored["published"] == "2025-11-06T22:00:00Z"
    assert stored["published_offset"] == "+03:30"
    assert stored["date"] == "2025-11-07"
    assert stored["source"] == "همشهری آنلاین"
    assert stored["author"] == "مریم احمدی, علی رضایی"
    back = from_stored(stored["published"], stored["published_offset"])
    assert back.isoformat() == "2025-11-07T01:30:00+03:30"
    # unchanged on a second run: the hash covers the new fields the same way
    again = update(tmp_path / "ix", [tmp_path / "news.jsonl"])
    assert again.added == 0 and again.unchanged == 3
    with open_index(tmp_path / "ix") as index:
        doc = index.document("https://www.example-news.jo/culture/2025/11/book-fair")
        assert doc is not None and doc.lang == "ar"


def test_cli_indexes_and_the_date_filter_takes_the_local_day(tmp_path):
    news = write_jsonl(tmp_path / "news.jsonl")
    done = run_cli("index", "--index", str(tmp_path / "ix"), "--json", str(news))
    assert done.returncode == 1, done.stderr  # one line skipped
    assert json.loads(done.stdout)["added"] == 3
    assert "news.jsonl:4" in done.stderr and "last Tuesday" in done.stderr
    found = run_cli("--index", str(tmp_path / "ix"), "--json", "مترو date:2025-11-07")
    assert found.returncode == 0, found.stderr
    assert [r["id"] for r in json.loads(found.stdout)["results"]] == ["metro"]
    utc_day = run_cli("--index", str(tmp_path / "ix"), "--json", "مترو date:2025-11-06")
    assert utc_day.returncode == 1


def test_a_compacted_shard_keeps_the_fields(tmp_path):
    pytest.importorskip("dask")
    from search.cluster.shard import compact_shard

    update(tmp_path / "ix", [write_jsonl(tmp_path / "news.jsonl")])
    assert compact_shard(tmp_path / "ix") == 3
    ix = open_dir(tmp_path / "ix")
    with ix.searcher() as searcher:
        stored = searcher.document(id="metro")
    ix.close()
    assert (stored["published"], stored["published_offset"]) == ("2025-11-06T22:00:00Z", "+03:30")
    assert stored["author"] == "مریم احمدی, علی رضایی" and stored["source"] == "همشهری آنلاین"
