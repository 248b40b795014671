"""Building and updating a real index on disk."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from checkout import SEEDS
from search import IndexError_, open_index, update
from search import index as index_module
from search.index import seeds as seeds_module
from search.index import updating as updating_module


def search_ids(index_dir, query):
    with open_index(index_dir) as ix:
        return [h.id for h in ix.search(query).results]


def test_incremental_add_change_delete(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    corpus.mkdir()
    (corpus / "a.txt").write_text("مقاله درباره تنگستن", encoding="utf-8")
    (corpus / "b.txt").write_text("लेख टंगस्टन के बारे में", encoding="utf-8")
    first = update(index_dir, [corpus])
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)

    again = update(index_dir, [corpus])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)

    (corpus / "a.txt").write_text("مقاله درباره اورانیوم", encoding="utf-8")
    (corpus / "c.txt").write_text("خبر جديد عن الغاز", encoding="utf-8")
    changed = update(index_dir, [corpus])
    assert (changed.added, changed.updated, changed.unchanged) == (1, 1, 1)
    assert search_ids(index_dir, "tungsten") == ["b"]
    assert search_ids(index_dir, "اورانیوم") == ["a"]

    (corpus / "b.txt").unlink()
    kept = update(index_dir, [corpus])
    assert kept.removed == 0 and "b" in search_ids(index_dir, "tungsten")
    pruned = update(index_dir, [corpus], prune=True)
    assert pruned.removed == 1
    assert search_ids(index_dir, "tungsten") == []
    with open_index(index_dir) as ix:
        assert ix.stats()["documents"] == 2


def test_prune_removes_lines_gone_from_a_jsonl_file(tmp_path):
    path = tmp_path / "docs.jsonl"
    rows = [{"id": str(i), "text": f"خبر شماره {i} درباره بوئینگ"} for i in range(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    update(tmp_path / "ix", [path])
    path.write_text("\n".join(json.dumps(r) for r in rows[:2]), encoding="utf-8")
    report = update(tmp_path / "ix", [path], prune=True)
    assert report.removed == 1
    assert sorted(search_ids(tmp_path / "ix", "Boeing")) == ["0", "1"]


def test_bad_input_is_skipped_and_good_input_indexed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("تنگستن", encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\xc3\x28 broken")
    report = update(tmp_path / "ix", [corpus])
    assert report.added == 1 and report.skipped == 1
    assert search_ids(tmp_path / "ix", "tungsten") == ["good"]


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexError_, match="search-cli index --index"):
        open_index(tmp_path / "nothing-here")


def test_stored_fields_and_stats(seeds_index):
    stats = seeds_index.stats()
    assert stats["documents"] == 5
    assert stats["languages"] == {"ar": 2, "fa": 1, "hi": 2}
    assert (stats["date_from"], stats["date_to"]) == ("2025-11-06", "2025-11-07")
    doc = seeds_index.document("004_a9852c1cd0dd4442")
    assert doc.lang == "fa" and "تنگستن" in doc.text and doc.date == "2025-11-07"
    assert seeds_index.document("no-such-id") is None


def test_default_index_is_built_from_seeds_and_refreshed(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    index_dir = tmp_path / "default-index"
    built = index_module.ensure_seeded(index_dir, seeds)
    assert built.added == 5
    assert index_module.ensure_seeded(index_dir, seeds) is None  # up to date
    (seeds / "005_new.txt").write_text(" date 2025-11-08 خبر تازه درباره تنگستن", encoding="utf-8")
    (seeds / "000_6c52c591178293ae.txt").unlink()
    refreshed = index_module.ensure_seeded(index_dir, seeds)
    assert (refreshed.added, refreshed.removed) == (1, 1)
    assert sorted(search_ids(index_dir, "tungsten")) == ["004_a9852c1cd0dd4442", "005_new"]


def test_unchanged_seeds_are_not_read_again(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    index_dir = tmp_path / "default-index"
    index_module.ensure_seeded(index_dir, seeds)

    def no_hashing(folder):
        raise AssertionError("the seeds were read although their sizes and times had not moved")

    with monkeypatch.context() as m:
        m.setattr(seeds_module, "seeds_fingerprint", no_hashing)
        assert index_module.ensure_seeded(index_dir, seeds) is None


def test_seeds_with_new_times_are_hashed_and_a_same_size_change_is_found(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    index_dir = tmp_path / "default-index"
    index_module.ensure_seeded(index_dir, seeds)
    persian = seeds / "004_a9852c1cd0dd4442.txt"
    # touched, same content (a fresh checkout): hashed, found unchanged, not rebuilt
    os.utime(persian, ns=(persian.stat().st_atime_ns, persian.stat().st_mtime_ns + 10**9))
    assert index_module.ensure_seeded(index_dir, seeds) is None
    # a word replaced by another of the same length in bytes: the size stays, the time moves
    text = persian.read_text(encoding="utf-8")
    changed = text.replace("تنگستن", "تنگسپن")
    assert len(changed.encode()) == len(text.encode()) and changed != text
    persian.write_text(changed, encoding="utf-8")
    refreshed = index_module.ensure_seeded(index_dir, seeds)
    assert refreshed is not None and refreshed.updated == 1
    assert search_ids(index_dir, "تنگسپن") == ["004_a9852c1cd0dd4442"]


def test_default_index_of_an_older_format_is_rebuilt_keeping_its_dotfiles(tmp_path):
    index_dir = tmp_path / "default-index"
    index_module.ensure_seeded(index_dir, SEEDS)
    (index_dir / ".gitkeep").write_text("")
    (index_dir / index_module.FORMAT_FILE).write_text("1\n")
    (index_dir / index_module.FINGERPRINT_FILE).write_text("old\n")
    rebuilt = index_module.ensure_seeded(index_dir, SEEDS)
    assert rebuilt.added == 5
    assert (index_dir / ".gitkeep").exists()
    assert index_module.index_format(index_dir) == index_module.INDEX_FORMAT


def test_default_index_dir_falls_back_to_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("SEARCH_INDEX", raising=False)
    monkeypatch.setattr(seeds_module, "CHECKOUT_DIR", tmp_path / "not-a-checkout")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert (
        index_module.default_index_dir()
        == tmp_path / "cache" / "multilingual-news-search" / "index"
    )
    monkeypatch.setenv("SEARCH_INDEX", str(tmp_path / "chosen"))
    assert index_module.default_index_dir() == tmp_path / "chosen"


class Plain(str):
    """Text with a language but no precomputed analysis: the analyzer path."""

    def __new__(cls, text, lang):
        self = super().__new__(cls, text)
        self.lang = lang
        return self


def test_one_pass_analysis_gives_the_analyzers_postings(tmp_path):
    """Fields fed a LangText (one analysis per document) index exactly what their
    analyzers would index from plain text."""
    from search.documents import read_paths

    docs = [d for d in read_paths([SEEDS])]
    fast, slow = index_module.create(tmp_path / "fast"), index_module.create(tmp_path / "slow")
    with fast.writer() as w_fast, slow.writer() as w_slow:
        for doc in docs:
            fields = index_module.document_fields(doc)
            w_fast.add_document(**fields)
            plain = {
                k: (Plain(v, doc.lang) if isinstance(v, str) else v) for k, v in fields.items()
            }
            w_slow.add_document(**plain)

    def postings(ix, field):
        with ix.searcher() as s:
            reader = s.reader()
            return {
                (term, tuple(reader.postings(field, term).all_items()))
                for term in reader.field_terms(field)
            }

    for field in ("title", "body", "stem", "key"):
        assert postings(fast, field) == postings(slow, field), field


def test_parallel_writers_give_the_same_results(tmp_path, monkeypatch, seeds_index):
    """Several processes writing a segment each: the same answers as one writer."""
    monkeypatch.setattr(updating_module, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setenv("SEARCH_INDEX_PROCS", "2")
    report = update(tmp_path / "ix", [SEEDS])
    assert report.added == 5
    with open_index(tmp_path / "ix") as parallel:
        for query in ("tungsten", "Trump", "اليورانيوم", '"البيت الأبيض"', "रेयर अर्थ"):
            one = [(h.id, round(h.score, 6)) for h in seeds_index.search(query).results]
            two = [(h.id, round(h.score, 6)) for h in parallel.search(query).results]
            assert one == two, query
    # an update through the parallel path replaces, never duplicates
    again = update(tmp_path / "ix", [SEEDS])
    assert again.unchanged == 5
    with open_index(tmp_path / "ix") as parallel:
        assert parallel.stats()["documents"] == 5


def test_a_title_made_from_the_first_sentence_counts_once_in_the_streams(tmp_path):
    (tmp_path / "given.jsonl").write_text(
        json.dumps({"id": "g", "title": "تنگستن", "text": "تنگستن فلزی نادر است."}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "derived.jsonl").write_text(
        json.dumps({"id": "d", "text": "تنگستن فلزی نادر است."}) + "\n", encoding="utf-8"
    )
    update(tmp_path / "ix", [tmp_path / "given.jsonl", tmp_path / "derived.jsonl"])
    with open_index(tmp_path / "ix") as ix:
        reader = ix.searcher().reader()
        number = {ix.searcher().stored_fields(n)["id"]: n for n in reader.all_doc_ids()}
        freq = dict(reader.postings("stem", "تنگستن").items_as("frequency"))
        title = dict(reader.postings("title", "تنگستن").items_as("frequency"))
    # a given title is text of its own; a derived one is the body's first words
    assert freq[number["g"]] == 2
    assert freq[number["d"]] == 1
    assert title == {number["g"]: 1, number["d"]: 1}


def test_an_index_of_another_format_is_a_clear_error(tmp_path):
    update(tmp_path / "ix", [SEEDS])
    (tmp_path / "ix" / index_module.FORMAT_FILE).write_text("1\n")
    with pytest.raises(IndexError_, match="another version .*remove it and index again"):
        update(tmp_path / "ix", [SEEDS])
