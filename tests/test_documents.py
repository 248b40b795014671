"""Reading articles: text files, JSON Lines, folders, and every kind of bad input."""

from __future__ import annotations

import codecs
import json

import pytest

from checkout import SEEDS
from search.documents import Document, Problem, read_paths, title_from_body


def read(paths):
    items = list(read_paths(paths))
    return [i for i in items if isinstance(i, Document)], [
        i for i in items if isinstance(i, Problem)
    ]


def test_seed_file_date_line_and_title():
    docs, problems = read([SEEDS / "004_a9852c1cd0dd4442.txt"])
    assert not problems
    (doc,) = docs
    assert doc.id == "004_a9852c1cd0dd4442"
    assert doc.date == "2025-11-07"
    assert doc.lang == "fa"
    assert not doc.text.startswith(" date")
    assert doc.title.startswith("دونالد ترمپ")
    assert len(doc.title) <= 121


def test_seed_without_date_line():
    (doc,), _ = read([SEEDS / "003_4df96fbdbd0ef333.txt"])
    assert doc.date is None and doc.lang == "ar"


def test_folder_is_read_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("نص عربي عميق", encoding="utf-8")
    (tmp_path / "top.txt").write_text("ऊपर का लेख", encoding="utf-8")
    (tmp_path / "ignored.bin").write_bytes(b"\x00\x01")
    docs, problems = read([tmp_path])
    assert sorted(d.id for d in docs) == ["deep", "top"]
    assert not problems


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"ok \xfa bad utf8 \xc3\x28", "not valid UTF-8"),
        (b"\xff\xfe" + "سلام".encode("utf-16-le") + b"\x28", "not valid UTF-16"),
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b" date 2025-13-45 body", "not a calendar date"),
    ],
    ids=["invalid-utf8", "truncated-utf16", "empty", "blank", "binary", "bad-date"],
)
def test_bad_text_file_is_reported_and_skipped(tmp_path, raw, message):
    (tmp_path / "bad.txt").write_bytes(raw)
    (tmp_path / "good.txt").write_text("خبر جيد", encoding="utf-8")
    docs, problems = read([tmp_path])
    assert [d.id for d in docs] == ["good"]
    (problem,) = problems
    assert message in problem.message and problem.path.endswith("bad.txt")


def test_utf16_with_bom_and_crlf(tmp_path):
    (tmp_path / "u16.txt").write_bytes(
        codecs.BOM_UTF16_LE + " date 2025-01-02\r\nسلام دنیا\r\nخط دوم".encode("utf-16-le")
    )
    (doc,), problems = read([tmp_path / "u16.txt"])
    assert not problems
    assert doc.date == "2025-01-02" and doc.text == "سلام دنیا\nخط دوم"


def test_jsonl_good_lines_survive_bad_ones(tmp_path):
    lines = [
        json.dumps(
            {"id": "a", "text": "متن اول", "title": "عنوان", "date": "2025-11-01", "lang": "fa"}
        ),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "b"}),
        json.dumps({"text": "no id"}),
        json.dumps({"id": "c", "text": "हिंदी पाठ", "url": "https://example.org/c"}),
        json.dumps({"id": "d", "text": "x", "date": "yesterday"}),
        "",
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    docs, problems = read([path])
    assert [d.id for d in docs] == ["a", "c"]
    assert docs[0].title == "عنوان" and docs[0].lang == "fa" and docs[0].date == "2025-11-01"
    assert docs[1].lang == "hi" and docs[1].url == "https://example.org/c"
    assert [p.line for p in problems] == [2, 3, 4, 5, 7]
    assert "invalid JSON" in problems[0].message
    assert "not a JSON object" in problems[1].message
    assert "'text'" in problems[2].message and "'id'" in problems[3].message


def test_duplicate_ids_keep_the_first(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "same.txt").write_text("اول", encoding="utf-8")
    (tmp_path / "two" / "same.txt").write_text("دوم", encoding="utf-8")
    docs, problems = read([tmp_path])
    assert [d.text for d in docs] == ["اول"]
    assert "duplicate id" in problems[0].message


def test_missing_path_is_a_problem(tmp_path):
    docs, problems = read([tmp_path / "nope"])
    assert not docs and "no such file" in problems[0].message


@pytest.mark.parametrize(
    "body, title",
    [
        ("First sentence. Second one.", "First sentence."),
        ("قیمت ۳.۰۷ دلار شد. بعد", "قیمت ۳.۰۷ دلار شد."),
        ("पहला वाक्य। दूसरा", "पहला वाक्य।"),
        ("هل هذا سؤال؟ نعم", "هل هذا سؤال؟"),
        ("line one\nline two", "line one"),
    ],
)
def test_title_is_the_first_sentence_or_line(body, title):
    assert title_from_body(body) == title


def test_long_title_is_cut_at_a_word():
    title = title_from_body("word " * 100)
    assert len(title) <= 121 and title.endswith("…") and "wor…" not in title


def test_count_inputs_for_progress(tmp_path):
    from search.documents import count_inputs

    (tmp_path / "a.jsonl").write_text('{"id": 1}\n{"id": 2}\n{"id": 3}\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("x", encoding="utf-8")
    assert count_inputs([tmp_path]) == 4
    assert count_inputs([tmp_path / "missing"]) == 0
