"""Searchers read the mapped segment files in place (search/whoosh_ext/storage.py)."""

from __future__ import annotations

import io
import json
import pickle
import tracemalloc

import pytest

from search import open_index, update
from search.whoosh_ext.storage import MappedReader

TEXT = b"line one\nline two\n\x80\x03binary"


@pytest.mark.parametrize(
    "steps, expected",
    [
        pytest.param([("read", 4)], [b"line"], id="read-n"),
        pytest.param([("read", -1)], [TEXT], id="read-all"),
        pytest.param([("readline",), ("readline",)], [b"line one\n", b"line two\n"], id="lines"),
        pytest.param([("seek", 18), ("readline",)], [18, b"\x80\x03binary"], id="last-line"),
        pytest.param([("seek", -6, io.SEEK_END), ("read", 99)], [20, b"binary"], id="from-end"),
        pytest.param(
            [("read", 5), ("seek", 3, io.SEEK_CUR), ("tell",)], [b"line ", 8, 8], id="cur"
        ),
        pytest.param([("seek", 99), ("read", 4)], [99, b""], id="past-the-end"),
    ],
)
def test_mapped_reader_reads_as_a_file_does(steps, expected):
    reader = MappedReader(memoryview(TEXT))
    assert [getattr(reader, name)(*args) for name, *args in steps] == expected


def test_mapped_reader_unpickles_and_reads_into():
    data = pickle.dumps({"terms": ["تنگستن", "टंगस्टन"]}, protocol=2) + b"tail"
    reader = MappedReader(memoryview(data))
    assert pickle.load(reader) == {"terms": ["تنگستن", "टंगस्टन"]}
    target = bytearray(8)
    assert reader.readinto(target) == 4 and bytes(target[:4]) == b"tail"


def test_a_searcher_does_not_copy_the_index_into_memory(tmp_path):
    rows = [
        {"id": f"d{i}", "text": f"خبر شماره {i} درباره تنگستن و معدن {i * 7919} در قزاقستان"}
        for i in range(3000)
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    update(tmp_path / "ix", [corpus])
    on_disk = sum(f.stat().st_size for f in (tmp_path / "ix").glob("*.seg"))
    assert on_disk > 500_000
    with open_index(tmp_path / "ix") as ix:
        tracemalloc.start()
        try:
            ix.search("تنگستن")  # opens this thread's searcher and reads postings
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # a copy of the segments (as BytesIO made) would be at least their size
    assert peak < on_disk / 2, (peak, on_disk)
