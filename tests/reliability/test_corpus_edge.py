"""Awkward corpus files, handled as README.md ("Indexing your own articles") says: a file or
line that cannot be read is reported with its name (and line) and skipped, everything else
is indexed (and found by a search), and ``search-cli index`` exits 1 when it skipped anything.
"""

from __future__ import annotations

import codecs
import json
import os
import pty
import subprocess
import time
from pathlib import Path

import pytest

from checkout import ROOT
from index_processes import cli_command, cli_env, run, write_jsonl
from search import open_index, update
from web import create_app

# Words that occur nowhere else, so a search for one finds exactly its document.
FA = "خبر تازه درباره تنگستن در قزاقستان"
HI = "कजाकिस्तान में टंगस्टन की खदान"
AR = "التقى الرئيس قادة كازاخستان"


def line(**fields) -> str:
    return json.dumps(fields, ensure_ascii=False) + "\n"


def found_ids(index_dir: Path, query: str) -> set[str]:
    with open_index(index_dir) as ix:
        return {hit.id for hit in ix.search(query, limit=100, snippets=False).results}


def problems_of(report) -> list[str]:
    return [str(p) for p in report.problems]


# -- encodings


def test_invalid_utf8_is_skipped_with_its_place_and_the_rest_indexed(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"zebraword \xff\xfe broken")
    (tmp_path / "good.txt").write_text("okapiword in a good file.", encoding="utf-8")
    (tmp_path / "mixed.jsonl").write_bytes(
        line(id="m1", text="lemurword first").encode()
        + b'{"id": "m2", "text": "bad \xc3\x28 byte"}\n'
        + line(id="m3", text="tapirword third").encode()
    )
    report = update(tmp_path / "index", [tmp_path])
    assert report.added == 3
    assert problems_of(report) == [
        f"{tmp_path / 'bad.txt'}: not valid UTF-8 (byte 10)",
        f"{tmp_path / 'mixed.jsonl'}:2: not valid UTF-8 (byte 26)",
    ]
    assert found_ids(tmp_path / "index", "okapiword lemurword tapirword") == {"good", "m1", "m3"}
    assert found_ids(tmp_path / "index", "zebraword") == set()


@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        # its mark starts with the UTF-16 LE one: read as UTF-16, it was garbage
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_text_file_with_bom_is_read(tmp_path, bom, codec):
    (tmp_path / "u16.txt").write_bytes(bom + f" date 2025-11-06\r\n{FA}.\r\n".encode(codec))
    report = update(tmp_path / "index", [tmp_path / "u16.txt"])
    assert (report.added, report.problems) == (1, [])
    with open_index(tmp_path / "index") as ix:
        doc = ix.document("u16")
        assert doc.text == f"{FA}." and doc.date == "2025-11-06" and doc.lang == "fa"
        assert ix.search("tungsten").results[0].id == "u16"


def test_utf8_bom_text_and_jsonl_are_read(tmp_path):
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + f"{HI}.".encode())
    (tmp_path / "bom.jsonl").write_bytes(codecs.BOM_UTF8 + line(id="j1", text=AR).encode())
    report = update(tmp_path / "index", [tmp_path])
    assert (report.added, report.problems) == (2, [])
    assert found_ids(tmp_path / "index", "Kazakhstan") == {"bom", "j1"}


@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le"],
)
def test_utf16_and_utf32_jsonl_with_bom_are_read(tmp_path, bom, codec):
    """Read line by line like UTF-8 (it used to be one misleading problem a line): a bad
    line is reported with its number, and a character whose bytes look like a newline
    (U+0A41 U+0900 is 41 0A 00 09 in UTF-16-LE) does not cut a line."""
    text = (
        line(id="w1", text=FA)
        + "{not json\r\n"
        + line(id="w2", text=HI + " \u0a41\u0900 \U0001d11e")
        + line(id="w1", text=AR)
    )
    (tmp_path / "wide.jsonl").write_bytes(bom + text.encode(codec))
    report = update(tmp_path / "index", [tmp_path / "wide.jsonl"])
    source = tmp_path / "wide.jsonl"
    assert report.added == 2
    assert problems_of(report) == [
        f"{source}:2: invalid JSON: Expecting property name enclosed in double quotes",
        f"{source}:4: duplicate id 'w1' (first in {source})",
    ]
    assert found_ids(tmp_path / "index", "tungsten") == {"w1", "w2"}
    with open_index(tmp_path / "index") as ix:
        assert ix.document("w2").text == HI + " \u0a41\u0900 \U0001d11e"


def test_bad_utf16_line_is_skipped_with_its_place(tmp_path):
    good = line(id="g1", text=FA).encode("utf-16-le")
    lone_surrogate = b"\x00\xdc"  # half of a pair: not UTF-16
    (tmp_path / "u16.jsonl").write_bytes(
        codecs.BOM_UTF16_LE
        + good
        + '{"id": "g2", "text": "'.encode("utf-16-le")
        + lone_surrogate
        + '"}\n'.encode("utf-16-le")
        + line(id="g3", text=HI).encode("utf-16-le")
    )
    report = update(tmp_path / "index", [tmp_path / "u16.jsonl"])
    assert report.added == 2
    assert problems_of(report) == [f"{tmp_path / 'u16.jsonl'}:2: not valid UTF-16 (byte 44)"]


def test_utf16_jsonl_without_bom_is_reported_once(tmp_path):
    """Without its byte-order mark UTF-16 cannot be told from binary: one problem, as for a
    text file, not one a line."""
    text = line(id="n1", text=FA) + line(id="n2", text=HI)
    (tmp_path / "u16.jsonl").write_bytes(text.encode("utf-16-le"))
    report = update(tmp_path / "index", [tmp_path / "u16.jsonl"])
    assert report.added == 0
    assert problems_of(report) == [
        f"{tmp_path / 'u16.jsonl'}: binary file (NUL bytes, no UTF-16 byte-order mark)"
    ]


def test_binary_empty_and_blank_files(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" date 2025-11-06\n \n\t\n")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blanklines.jsonl").write_text("\n\n" + line(id="b1", text=HI) + "\n   \n")
    report = update(tmp_path / "index", [tmp_path])
    assert report.added == 1
    assert problems_of(report) == [
        f"{tmp_path / 'binary.txt'}: binary file (NUL bytes, no UTF-16 byte-order mark)",
        f"{tmp_path / 'blank.txt'}: empty document",
        f"{tmp_path / 'empty.txt'}: empty document",
    ]


# -- line ends


def test_crlf_and_cr_line_ends(tmp_path):
    (tmp_path / "crlf.txt").write_bytes(f" date 2025-11-06\r\n{FA}.\r\nسطر دوم.\r\n".encode())
    (tmp_path / "cr.txt").write_bytes(f" date 2025-11-07\r{HI}.\rदूसरी पंक्ति.\r".encode())
    (tmp_path / "crlf.jsonl").write_bytes(
        (line(id="c1", text=f"{AR}\r\nسطر", date="2025-11-08") + line(id="c2", text="x y"))
        .replace("\n", "\r\n")
        .encode()
    )
    report = update(tmp_path / "index", [tmp_path])
    assert (report.added, report.problems) == (4, [])
    with open_index(tmp_path / "index") as ix:
        for doc_id, day in (("crlf", "2025-11-06"), ("cr", "2025-11-07"), ("c1", "2025-11-08")):
            doc = ix.document(doc_id)
            assert doc.date == day, doc_id
            assert "\r" not in doc.text and "\r" not in doc.title, doc_id
        assert ix.document("crlf").title == f"{FA}."
        assert found_ids(tmp_path / "index", "Kazakhstan") == {"crlf", "cr", "c1"}


# -- JSON Lines that are not documents


def test_jsonl_lines_that_are_not_documents(tmp_path):
    source = tmp_path / "news.jsonl"
    source.write_text(
        line(id="ok1", text=FA)
        + "[1, 2]\n"
        + '"a string"\n'
        + "42\n"
        + "null\n"
        + line(id="no-text")
        + line(text="no id")
        + line(id="", text="empty id")
        + line(id="   ", text="blank id")
        + line(id=True, text="boolean id")
        + line(id="t", text=["not", "a", "string"])
        + line(id="u", text="x", title=7)
        + line(id="d", text="x", date="2025-02-30")
        + "{not json\n"
        + '{"id": "trailing", "text": "x"} extra\n'
        + line(id=7, text=HI)
        + line(id="ok2", text=AR, lang="zz", url="https://example.org/a")
    )
    report = update(tmp_path / "index", [source])
    assert report.added == 3
    where = f"{source}:"
    assert problems_of(report) == [
        f"{where}2: not a JSON object",
        f"{where}3: not a JSON object",
        f"{where}4: not a JSON object",
        f"{where}5: not a JSON object",
        f"{where}6: missing or empty 'text'",
        f"{where}7: missing or empty 'id' (and no 'url')",
        f"{where}8: missing or empty 'id' (and no 'url')",
        f"{where}9: missing or empty 'id' (and no 'url')",
        f"{where}10: missing or empty 'id' (and no 'url')",
        f"{where}11: missing or empty 'text'",
        f"{where}12: 'title' is not a string",
        f"{where}13: date '2025-02-30' is not a calendar date",
        f"{where}14: invalid JSON: Expecting property name enclosed in double quotes",
        f"{where}15: invalid JSON: Extra data",
    ]
    assert found_ids(tmp_path / "index", "Kazakhstan") == {"ok1", "7", "ok2"}
    with open_index(tmp_path / "index") as ix:
        assert ix.document("ok2").lang == "ar"  # an unknown lang is detected from the letters


# -- duplicate ids


def test_duplicate_ids_across_files_keep_the_first(tmp_path):
    (tmp_path / "a.jsonl").write_text(line(id="dup", text="firstcopyword " + FA))
    (tmp_path / "b.jsonl").write_text(
        line(id="dup", text="secondcopyword") + line(id="b2", text=HI)
    )
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "dup.txt").write_text("thirdcopyword in a text file")
    (tmp_path / "c" / "b2.txt").write_text("fourthcopyword")
    report = update(
        tmp_path / "index", [tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c"]
    )
    assert report.added == 2
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert problems_of(report) == [
        f"{b}:1: duplicate id 'dup' (first in {a})",
        f"{tmp_path / 'c' / 'b2.txt'}: duplicate id 'b2' (first in {b})",
        f"{tmp_path / 'c' / 'dup.txt'}: duplicate id 'dup' (first in {a})",
    ]
    assert found_ids(tmp_path / "index", "firstcopyword") == {"dup"}
    assert found_ids(tmp_path / "index", "secondcopyword thirdcopyword fourthcopyword") == set()


def test_duplicate_id_in_jsonl_is_reported_with_its_line(tmp_path):
    source = tmp_path / "news.jsonl"
    source.write_text(line(id="a", text=FA) + line(id="b", text=HI) + line(id="a", text=AR))
    report = update(tmp_path / "index", [source])
    assert report.added == 2
    assert problems_of(report) == [f"{source}:3: duplicate id 'a' (first in {source})"]


# -- markup in text


HOSTILE = (
    "<script>alert(1)</script> tungsten <b>bold</b> &amp; <img src=x onerror=alert(2)> "
    '"><svg onload=alert(3)> <a href="javascript:alert(4)">link</a> <!-- comment -->'
)


def test_html_inside_text_is_indexed_as_text_and_shown_escaped(tmp_path):
    source = write_jsonl(
        tmp_path / "hostile.jsonl",
        [{"id": "h1", "title": HOSTILE[:60], "text": HOSTILE, "lang": "en"}],
    )
    (tmp_path / "h2.txt").write_text(f"{HOSTILE}\n{FA}")
    report = update(tmp_path / "index", [source, tmp_path / "h2.txt"])
    assert (report.added, report.problems) == (2, [])
    with open_index(tmp_path / "index") as ix:
        stored = ix.document("h1")
        assert stored.text == HOSTILE  # kept as written, markup and all
        result = ix.search("alert onerror")
        assert {hit.id for hit in result.results} == {"h1", "h2"}
        for hit in result.results:
            assert "<script" not in hit.snippet and "<img" not in hit.snippet
            assert "&lt;" in hit.snippet and "<mark>" in hit.snippet

    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    for url in ("/search?q=alert", "/doc/h1?q=alert", "/doc/h2?q=tungsten", "/"):
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.get_data(as_text=True)
        for raw in ("<script>alert", "<img src=x", "<svg onload", '<a href="javascript', "<b>bold"):
            assert raw not in body, (url, raw)
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    api = client.get("/api/doc/h1").get_json()
    assert api["text"] == HOSTILE  # JSON carries the text itself; JSON is not rendered as HTML


# -- big inputs


def test_huge_single_line(tmp_path, corpus_docs):
    """A 5 MB document on one JSONL line (and one in a .txt file), beside small ones."""
    texts = [doc["text"].replace("\n", " ") for doc in corpus_docs]
    parts, size = [], 0
    while size <= 5_000_000:
        parts.append(texts[len(parts) % len(texts)])
        size += len(parts[-1].encode()) + 1
    body = " ".join(parts) + " hugeendmarker"
    source = tmp_path / "huge.jsonl"
    source.write_text(line(id="huge", text=body) + line(id="small", text=FA))
    text_file = tmp_path / "hugetext.txt"
    text_file.write_text(body.replace("hugeendmarker", "hugetxtmarker"))
    assert source.stat().st_size > 5_000_000 and "\n" not in text_file.read_text()
    report = update(tmp_path / "index", [source, text_file])
    assert (report.added, report.problems) == (3, [])
    assert found_ids(tmp_path / "index", "hugeendmarker") == {"huge"}
    assert found_ids(tmp_path / "index", "hugetxtmarker") == {"hugetext"}
    assert "small" in found_ids(tmp_path / "index", "tungsten")
    with open_index(tmp_path / "index") as ix:
        started = time.monotonic()
        result = ix.search("hugeendmarker")  # with its snippet, as the CLI and web show it
        took = time.monotonic() - started
        assert "<mark>hugeendmarker</mark>" in result.results[0].snippet
        print(f"search with a snippet from the 5 MB document: {took:.2f} s")


def marker(n: int) -> str:
    """A word of letters only, one per document: bigmarkerbc for 12."""
    return "bigmarker" + "".join(chr(ord("a") + int(d)) for d in str(n))


@pytest.mark.slow
def test_50mb_file_is_indexed_in_bounded_memory(tmp_path, corpus_docs):
    """A 50 MB JSONL file (about fifty 1 MB articles and a small one) through search-cli:
    all indexed and found, with the run's peak memory under 1 GB (the writer's pool is
    limited to 256 MB)."""
    texts = [doc["text"] for doc in corpus_docs]
    source = tmp_path / "big.jsonl"
    size, n, j = 0, 0, 0
    with open(source, "w", encoding="utf-8") as out:
        while size < 50 * 1024 * 1024:
            parts, length = [], 0
            while length < 1_000_000:
                parts.append(texts[j % len(texts)])
                length += len(parts[-1].encode())
                j += 1
            record = line(id=f"big-{n}", text=f"{marker(n)} " + "\n".join(parts))
            out.write(record)
            size += len(record.encode())
            n += 1
        out.write(line(id="tail", text=FA))
    assert source.stat().st_size >= 50 * 1024 * 1024

    started = time.monotonic()
    with open(tmp_path / "out", "w+") as out, open(tmp_path / "err", "w+") as err:
        process = subprocess.Popen(
            cli_command("index", "--json", "--index", tmp_path / "index", source),
            stdout=out,
            stderr=err,
            env=cli_env(),
            cwd=ROOT,
        )
        # wait4: the exit status and this child's own peak RSS (ru_maxrss, KiB on Linux)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    peak_kb = usage.ru_maxrss
    assert process.returncode == 0, stderr
    report = json.loads(stdout)
    assert (report["added"], report["skipped"]) == (n + 1, 0)
    print(f"50 MB file: {n + 1} documents in {seconds:.1f} s, peak RSS {peak_kb / 1024:.0f} MB")
    assert peak_kb < 1_000_000, f"peak RSS {peak_kb / 1024:.0f} MB"
    assert found_ids(tmp_path / "index", marker(n - 1)) == {f"big-{n - 1}"}
    assert "tail" in found_ids(tmp_path / "index", "tungsten")


def test_progress_is_reported_on_a_terminal(tmp_path, corpus_head_file):
    """On a terminal, ``search-cli index`` shows a progress bar (on stderr)."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            cli_command("index", "--index", tmp_path / "index", corpus_head_file),
            stdout=subprocess.PIPE,
            stderr=follower,
            env=cli_env(),
            cwd=ROOT,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # the terminal closed: the run is over
                break
            if not data:
                break
            chunks.append(data)
        process.wait(timeout=120)
    finally:
        os.close(leader)
    assert process.returncode == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "indexing" in shown and "200" in shown, shown[-500:]


def test_cli_reports_each_skipped_input_and_exits_1(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(f"{FA}.")
    (folder / "bad.txt").write_bytes(b"\xc3\x28 not text")
    (folder / "news.jsonl").write_text(
        line(id="n1", text=HI) + "[]\n" + line(id="good", text="dup")
    )
    (folder / "ignored.pdf").write_bytes(b"%PDF-1.4")
    result = run(cli_command("index", "--index", tmp_path / "index", folder))
    assert result.returncode == 1, result.stderr
    skipped = result.stderr.splitlines()
    assert skipped[:2] == [
        f"skipped {folder / 'bad.txt'}: not valid UTF-8 (byte 0)",
        f"skipped {folder / 'news.jsonl'}:2: not a JSON object",
    ]
    assert len(skipped) == 3
    assert skipped[2].startswith(f"skipped {folder / 'news.jsonl'}")
    assert skipped[2].endswith(f"duplicate id 'good' (first in {folder / 'good.txt'})")
    assert "2 added" in result.stdout and "3 skipped" in result.stdout
    assert found_ids(tmp_path / "index", "tungsten Kazakhstan") == {"good", "n1"}
