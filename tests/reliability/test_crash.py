"""An indexing run killed with SIGKILL at any point leaves the last committed index readable
and searchable, and the next run recovers by itself (no lock to remove) and completes.

The kills are timed by what the run is doing, not by the clock, so they land mid-run however
fast indexing gets: each waits until the index folder shows the run reached a phase (documents
pooled in ``MAIN.tmp/``, columns written at commit, postings written, the segment assembled)
and then sends SIGKILL at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from pathlib import Path

import pytest
from whoosh.multiproc import SubWriterTask

from index_processes import (
    PHASES,
    cli_command,
    copy_index,
    descendants,
    doc_count,
    generation,
    holders,
    lock_is_free,
    phase_reached,
    popen,
    run,
    snapshot,
    stored_ids,
    unexpected_files,
    wait_until,
)
from search import IndexError_, open_index, update
from search.index import WRITE_LOCK_TIMEOUT
from search.query.parse import plain_words

pytestmark = pytest.mark.slow

TUNGSTEN = "tungsten"  # the corpus writes it in all three scripts; cross-script search finds it


# Indexing runs of 500 documents or more write with one process per core (Whoosh's
# MpWriter), whose writer processes start their segment files as soon as they start: the
# folder would show every phase at once. So the phase tests run one writer process, the
# path every run of fewer than 500 documents takes, and the multi-process path has its own
# test (test_sigkill_leaves_no_writer_process_behind, below).
ONE_WRITER = {"SEARCH_INDEX_PROCS": "1"}
TWO_WRITERS = {"SEARCH_INDEX_PROCS": "2"}


def start_index_run(index_dir: Path, *sources: Path, env=ONE_WRITER):
    return popen(cli_command("index", "--json", "--index", index_dir, *sources), env=env)


def kill_at(
    process, index_dir: Path, phase: str, before: set[str], timeout: float = 120, helpers=False
) -> bool:
    """SIGKILLs ``process`` once the folder shows ``phase`` (and, with ``helpers``, once it
    has started its writer processes); False if it finished first."""
    reached = wait_until(
        lambda: (
            phase_reached(phase, before, snapshot(index_dir))
            and (not helpers or bool(descendants(process.pid)))
        ),
        timeout=timeout,
        interval=0.005,
        alive=lambda: process.poll() is None,
    )
    landed = reached and process.poll() is None
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    # Not communicate(): a helper that outlives the run keeps its stdout open.
    process.wait(timeout=30)
    if landed:
        assert process.returncode == -signal.SIGKILL
    return landed


def leftover_processes(index_dir: Path) -> list[int]:
    """Processes of a killed run still holding files of the index, ended here (they are this
    test's own children's children) so that nothing outlives the test."""
    wait_until(lambda: not holders(index_dir), timeout=3, interval=0.1)
    left = sorted(holders(index_dir))
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def assert_searchable(index_dir: Path, expected_ids: set[str]) -> None:
    """Opens the index with the public API, counts and searches it."""
    with open_index(index_dir) as ix:
        assert ix.searcher().doc_count() == len(expected_ids)
        assert set(stored_ids(index_dir)) == expected_ids
        result = ix.search(TUNGSTEN, limit=5)
        assert result.total > 0
        assert {hit.id for hit in result.results} <= expected_ids


def test_sigkill_at_each_phase_keeps_last_commit_and_next_run_completes(
    tmp_path, corpus_file, corpus_head_file, corpus_docs
):
    index_dir = tmp_path / "index"
    all_ids = {doc["id"] for doc in corpus_docs}
    head_ids = {doc["id"] for doc in corpus_docs[:200]}

    # A first run commits 200 documents: the "last committed" state for every kill below.
    first = run(cli_command("index", "--json", "--index", index_dir, corpus_head_file))
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["added"] == 200
    committed = head_ids

    landed = []
    for phase in PHASES:
        before = set(snapshot(index_dir))
        gen_before = generation(index_dir)
        process = start_index_run(index_dir, corpus_file)
        if not kill_at(process, index_dir, phase, before):
            # The run finished before the kill: that is a commit, and the new last state.
            assert process.returncode == 0, process.stderr
            committed = all_ids
            assert_searchable(index_dir, committed)
            break
        landed.append(phase)
        assert leftover_processes(index_dir) == []
        # No stale lock: the next writer gets it at once.
        assert lock_is_free(index_dir), f"write lock still held after a kill at {phase!r}"
        if generation(index_dir) != gen_before:
            # The kill landed after the commit's TOC was written: the new state is whole.
            committed = all_ids
        assert_searchable(index_dir, committed)
    print(f"SIGKILL landed mid-run at: {', '.join(landed)}")
    assert len(landed) >= 3, f"only {landed} of the kills landed mid-run"

    # The next run recovers by itself and completes.
    started = time.monotonic()
    final = run(cli_command("index", "--json", "--index", index_dir, corpus_file))
    assert final.returncode == 0, final.stderr
    report = json.loads(final.stdout)
    assert report["added"] == len(all_ids - committed)
    assert report["unchanged"] == len(committed)
    assert time.monotonic() - started < 120  # it did not wait for a lock
    assert_searchable(index_dir, all_ids)
    # What the killed runs left behind (pool files, half-written segments) is gone.
    assert not (index_dir / "MAIN.tmp").exists()
    assert unexpected_files(index_dir) == []

    # And the CLI searches it.
    found = run(cli_command("--index", index_dir, "--json", TUNGSTEN))
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] > 0


def test_sigkill_mid_commit_keeps_every_seed_searchable(
    tmp_path, seeds_only_index, corpus_file, corpus_docs
):
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    with open_index(index_dir) as ix:
        seeds = {
            fields["id"]: plain_words(fields["title"])
            for fields in ix.searcher().reader().all_stored_fields()
        }
    assert len(seeds) == 5

    before = set(snapshot(index_dir))
    process = start_index_run(index_dir, corpus_file)
    assert kill_at(process, index_dir, "postings", before), "the run finished before the kill"
    assert leftover_processes(index_dir) == []

    def every_seed_found(ix, limit: int) -> None:
        for doc_id, title_words in seeds.items():
            assert ix.document(doc_id) is not None, doc_id
            hits = ix.search(title_words, limit=limit, snippets=False).results
            assert doc_id in {hit.id for hit in hits}, doc_id

    with open_index(index_dir) as ix:
        assert ix.searcher().doc_count() == 5
        every_seed_found(ix, limit=10)
    assert lock_is_free(index_dir)

    # The next run completes; the seeds are still there, beside the whole corpus.
    final = run(cli_command("index", "--json", "--index", index_dir, corpus_file))
    assert final.returncode == 0, final.stderr
    assert json.loads(final.stdout)["added"] == len(corpus_docs)
    with open_index(index_dir) as ix:
        assert ix.searcher().doc_count() == 5 + len(corpus_docs)
        every_seed_found(ix, limit=100)
    assert unexpected_files(index_dir) == []


def test_sigkill_while_creating_a_new_index_leaves_no_half_index(tmp_path, corpus_head_file):
    """Killed as soon as it started writing a brand-new index: the next run builds it whole."""
    index_dir = tmp_path / "fresh"
    process = start_index_run(index_dir, corpus_head_file)
    assert kill_at(process, index_dir, "adding", set()), "the run finished before the kill"
    assert leftover_processes(index_dir) == []
    # A half-built new index is either absent or an empty, valid index.
    if (index_dir / "_MAIN_0.toc").exists():
        assert doc_count(index_dir) == 0
    final = run(cli_command("index", "--json", "--index", index_dir, corpus_head_file))
    assert final.returncode == 0, final.stderr
    assert json.loads(final.stdout)["added"] == 200
    assert doc_count(index_dir) == 200


@pytest.mark.parametrize("phase", ["adding", "segment"])
def test_sigkill_leaves_no_writer_process_behind(
    tmp_path, seeds_only_index, corpus_file, corpus_docs, phase
):
    """A run writing with two processes, killed while it hands them documents or while they
    assemble their segments at commit: its writer processes end with it, the lock is free,
    the seeds are as committed, and the next run completes at once."""
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    seed_ids = set(stored_ids(index_dir))
    all_ids = seed_ids | {doc["id"] for doc in corpus_docs}
    before, gen_before = set(snapshot(index_dir)), generation(index_dir)
    process = start_index_run(index_dir, corpus_file, env=TWO_WRITERS)
    assert kill_at(process, index_dir, phase, before, helpers=True), "finished first"
    left = leftover_processes(index_dir)  # ends them too: nothing outlives the test
    assert left == [], f"processes of the killed run still hold the index: {left}"
    assert lock_is_free(index_dir)
    committed = seed_ids if generation(index_dir) == gen_before else all_ids
    assert set(stored_ids(index_dir)) == committed

    started = time.monotonic()
    final = popen(cli_command("index", "--json", "--index", index_dir, corpus_file), TWO_WRITERS)
    out, err = final.communicate(timeout=180)
    assert final.returncode == 0, err
    assert json.loads(out)["added"] == len(all_ids - committed)
    assert time.monotonic() - started < WRITE_LOCK_TIMEOUT  # it did not wait for a lock
    assert set(stored_ids(index_dir)) == all_ids
    assert unexpected_files(index_dir) == []


def test_a_killed_writer_process_fails_the_run_and_keeps_the_last_commit(
    tmp_path, seeds_only_index, corpus_file, monkeypatch
):
    """One of the two writer processes is SIGKILLed (as the kernel's out-of-memory killer
    would) on its first batch. Whoosh alone committed the documents of the other one and
    lost those of the dead one, quietly; the run must fail as a whole and say why."""
    index_dir = copy_index(seeds_only_index, tmp_path / "index")
    monkeypatch.setenv("SEARCH_INDEX_PROCS", "2")
    run_pid = os.getpid()
    first_kill = tmp_path / "killed-once"
    process_file = SubWriterTask._process_file

    def killed_once(task, filename, doc_count):
        if os.getpid() != run_pid and not first_kill.exists():
            first_kill.touch()  # the forked writers share this folder: only one is killed
            os.kill(os.getpid(), signal.SIGKILL)
        return process_file(task, filename, doc_count)

    monkeypatch.setattr(SubWriterTask, "_process_file", killed_once)
    with pytest.raises(IndexError_, match="killed by signal 9"):
        update(index_dir, [corpus_file])
    assert first_kill.exists()
    assert len(stored_ids(index_dir)) == 5
    assert lock_is_free(index_dir)
