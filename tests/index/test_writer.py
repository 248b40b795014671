"""The fast segment writer writes what Whoosh's own SegmentWriter writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.writing import SegmentWriter

from checkout import generate_corpus
from search import index as index_module
from search.documents import read_paths
from search.index.writer import FastSegmentWriter


@pytest.fixture(scope="module")
def generated_docs(tmp_path_factory):
    """150 generated articles in the three languages (bench/corpus.py)."""
    path = generate_corpus(150, tmp_path_factory.mktemp("corpus") / "corpus.jsonl", seed=3)
    return list(read_paths([path]))


def build(folder: Path, docs, writer_class, **kwargs):
    ix = index_module.create(folder)
    writer = writer_class(ix, **kwargs)
    for doc in docs:
        writer.add_document(**index_module.document_fields(doc))
    writer.commit()
    return index_module.open_dir(folder)


def contents(ix) -> dict:
    """Every term's statistics and postings, every document's stored fields and lengths."""
    out = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for field in reader.indexed_field_names():
            for term in reader.lexicon(field):
                info = reader.term_info(field, term)
                stats = (
                    info.weight(),
                    info.doc_frequency(),
                    info.min_length(),
                    info.max_length(),
                    info.max_weight(),
                    info.min_id(),
                    info.max_id(),
                )
                out[field, term] = stats, tuple(reader.postings(field, term).all_items())
            for docnum in range(reader.doc_count_all()):
                out["length", field, docnum] = reader.doc_field_length(docnum, field)
        out["stored"] = list(reader.all_stored_fields())
        out["lang column"] = list(reader.column_reader("lang"))
    return out


@pytest.mark.parametrize("limitmb", [128, 0.05], ids=["in memory", "spilled runs"])
def test_fast_writer_writes_what_whoosh_writes(tmp_path, generated_docs, limitmb):
    whoosh = build(tmp_path / "whoosh", generated_docs, SegmentWriter)
    fast = build(tmp_path / "fast", generated_docs, FastSegmentWriter, limitmb=limitmb)
    expected, got = contents(whoosh), contents(fast)
    assert len(expected) > 10_000
    assert got == expected


def test_spilled_runs_are_used_and_removed(tmp_path, generated_docs):
    ix = index_module.create(tmp_path / "ix")
    writer = FastSegmentWriter(ix, limitmb=0.05)
    for doc in generated_docs[:40]:
        writer.add_document(**index_module.document_fields(doc))
    runs = list(writer.buffer.runs)
    assert len(runs) > 3
    writer.commit()
    assert all(run.closed for run in runs)


class Plain(str):
    """Text with a language but no precomputed analysis: the analyzer path."""

    def __new__(cls, text, lang):
        self = super().__new__(cls, text)
        self.lang = lang
        return self


@pytest.mark.parametrize("limitmb", [128, 0.05], ids=["in memory", "spilled runs"])
def test_plain_text_in_analysed_fields_is_written_as_whoosh_writes_it(
    tmp_path, generated_docs, limitmb
):
    """A field that keeps positions, given analysed text for some documents and plain
    text (the analyzer's postings, values as bytes) for others."""

    def fields(docs):
        for i, doc in enumerate(docs):
            out = index_module.document_fields(doc)
            if i % 2:
                for name in ("title", "body", "stem", "key"):
                    out[name] = Plain(str(out[name]), doc.lang)
            yield out

    docs = generated_docs[:60]
    folders = {"whoosh": tmp_path / "whoosh", "fast": tmp_path / "fast"}
    for name, writer_class, kwargs in (
        ("whoosh", SegmentWriter, {}),
        ("fast", FastSegmentWriter, {"limitmb": limitmb}),
    ):
        writer = writer_class(index_module.create(folders[name]), **kwargs)
        for doc_fields in fields(docs):
            writer.add_document(**doc_fields)
        writer.commit()
    expected = contents(index_module.open_dir(folders["whoosh"]))
    got = contents(index_module.open_dir(folders["fast"]))
    assert len(expected) > 5_000
    assert got == expected
