"""CSV files with a header: every row an article, columns by their common names or mapped.

The tables are written here around the three articles of news_articles.py.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from checkout import run_cli
from news_articles import AMMAN, MUMBAI, TEHRAN
from search import open_index, read_paths, update
from search.documents import Document, Problem, parse_column_map
from search.errors import BadInput


def table(header, rows, delimiter=",") -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def news_rows():
    # the body of each article a sentence a line: quoted fields across lines
    return [
        [a.url, a.title, "\n".join(a.sentences), a.published, a.lang.upper(), a.source, a.author]
        for a in (TEHRAN, AMMAN, MUMBAI)
    ]


COMMON = ["Link", "Headline", "Body", "Published", "Language", "Outlet", "Byline"]


def read(paths, **options):
    items = list(read_paths(paths, **options))
    return {i.id: i for i in items if isinstance(i, Document)}, [
        i for i in items if isinstance(i, Problem)
    ]


def test_rows_by_common_column_names(tmp_path):
    path = tmp_path / "news.csv"
    path.write_bytes(b"\xef\xbb\xbf" + table(COMMON, news_rows()).encode("utf-8"))
    docs, problems = read([path])
    assert problems == []
    assert list(docs) == [TEHRAN.url, AMMAN.url, MUMBAI.url]
    fa = docs[TEHRAN.url]
    assert fa.text.split("\n") == list(TEHRAN.sentences) and fa.title == TEHRAN.title
    assert (fa.lang, fa.source, fa.author) == ("fa", TEHRAN.source, TEHRAN.author)
    assert (fa.published_utc, fa.published_offset, fa.date) == (
        "2025-11-06T22:00:00Z",
        "+03:30",
        "2025-11-07",
    )
    assert fa.line == 2 and docs[AMMAN.url].line == 5  # a row's first line
    assert docs[MUMBAI.url].lang == "hi" and docs[MUMBAI.url].author == MUMBAI.author


def test_a_sniffed_delimiter_utf16_and_a_map(tmp_path):
    header = ["story_id", "headline", "story", "date", "site"]
    rows = [["fa-1", TEHRAN.title, TEHRAN.text, "2025-11-07", TEHRAN.source]]
    path = tmp_path / "semicolons.csv"
    path.write_text(table(header, rows, delimiter=";"), "utf-16")  # with its byte-order mark
    _, problems = read([path])
    assert [p.message for p in problems] == [
        "no text column (text, body, content or article; or map one: --csv-map text=COLUMN); "
        "the header has: 'story_id', 'headline', 'story', 'date', 'site'"
    ]
    docs, problems = read([path], csv_map="id=Story_ID,text=story")
    assert problems == [] and list(docs) == ["fa-1"]
    fa = docs["fa-1"]
    assert fa.text == TEHRAN.text and fa.title == TEHRAN.title and fa.date == "2025-11-07"
    assert fa.source == TEHRAN.source and fa.lang == "fa" and fa.published is None

    _, problems = read([path], csv_map={"text": "story", "author": "writer"})
    assert len(problems) == 1 and "no column 'writer' (mapped to author)" in problems[0].message
    with pytest.raises(BadInput, match="no field 'body'"):
        parse_column_map("body=story")


def test_bad_rows_are_skipped_at_their_line(tmp_path):
    rows = [
        ["1", AMMAN.title, AMMAN.text, "06/11/2025"],
        ["2", "no text", "  ", ""],
        ["3", "too many", MUMBAI.text, "", "extra"],
        ["", "", "", ""],  # a blank row is passed over
        ["", MUMBAI.title, MUMBAI.text, "2025-11-06"],
    ]
    path = tmp_path / "bad.csv"
    data = table(["id", "title", "text", "date"], rows).encode("utf-8")
    data += b'4,"broken",\xff\xfe text,\r\n5,"last",' + TEHRAN.text.encode("utf-8") + b",\r\n"
    path.write_bytes(data)
    docs, problems = read([path])
    assert sorted(docs) == ["1", "5"] and docs["1"].date is None and docs["1"].lang == "ar"
    assert [(str(p), p.skipped) for p in problems] == [
        (f"{path}:2: date '06/11/2025' is not YYYY-MM-DD: left out", False),
        (f"{path}:3: empty text", True),
        (f"{path}:4: 5 fields where the header has 4", True),
        (f"{path}:6: no id and no url", True),
        (f"{path}:7: not valid UTF-8", True),
    ]


def test_without_id_and_url_columns_rows_are_named_by_file_and_line(tmp_path):
    path = tmp_path / "hindi.csv"
    path.write_text(table(["content"], [[MUMBAI.text], [AMMAN.text]]), "utf-8")
    docs, _ = read([path])
    assert sorted(docs) == ["hindi-2", "hindi-3"]
    assert docs["hindi-2"].title == MUMBAI.sentences[0]


def test_python_api_and_cli(tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "news.csv").write_text(table(COMMON, news_rows()), "utf-8")
    report = update(tmp_path / "ix", [folder])
    assert (report.added, report.skipped) == (3, 0)
    with open_index(tmp_path / "ix") as ix:
        hits = ix.search(TEHRAN.word).results
        assert [h.id for h in hits] == [TEHRAN.url]
    found = run_cli("--index", str(tmp_path / "ix"), "--json", TEHRAN.word)
    [hit] = json.loads(found.stdout)["results"]
    assert (hit["source"], hit["author"]) == (TEHRAN.source, TEHRAN.author)
    assert hit["published"] == TEHRAN.published
    human = run_cli("--index", str(tmp_path / "ix"), TEHRAN.word)
    assert f"{TEHRAN.url} · fa · 2025-11-07 · {TEHRAN.source} · score" in human.stdout

    mapped = tmp_path / "mapped.csv"
    mapped.write_text(table(["key", "story"], [["hi-1", MUMBAI.text], ["hi-2", ""]]), "utf-8")
    done = run_cli(
        "index",
        "--index",
        str(tmp_path / "cli"),
        "--json",
        "--csv-map",
        "id=key",
        "--csv-map",
        "text=story",
        str(mapped),
    )
    assert done.returncode == 1, done.stderr  # the row without text was skipped
    assert json.loads(done.stdout)["added"] == 1
    assert f"skipped {mapped}:3: empty text" in done.stderr
    found = run_cli("--index", str(tmp_path / "cli"), "--json", MUMBAI.word)
    assert found.returncode == 0, found.stderr
    assert [r["id"] for r in json.loads(found.stdout)["results"]] == ["hi-1"]

    wrong = run_cli("index", "--index", str(tmp_path / "cli"), "--csv-map", "words=story")
    assert wrong.returncode == 2 and "no field 'words'" in wrong.stderr
