"""Building and updating shards: documents go to the shard of their id, and stay there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter

import pytest

from checkout import ROOT, SEEDS
from dask_cluster import Reference, assert_same, free_port
from search import IndexError_
from search.cluster import ShardedIndex, cluster_status, discover, index_sharded
from search.cluster.shard import shard_documents, shard_of

# search-cli, whose commands take --cluster
CLI = [
    sys.executable,
    "-c",
    "from search.cli import main; main()",
]


def shard_contents(client, root: str) -> dict[int, list[str]]:
    """Shard → the ids it holds, read on the workers."""
    layout = discover(client, root)
    futures = {
        shard: client.submit(shard_documents, p.path, workers=[p.worker], pure=False)
        for shard, p in layout.placements.items()
    }
    return {shard: sorted(i for i, _ in f.result()) for shard, f in futures.items()}


def write_jsonl(path, docs: list[dict]) -> None:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")


def test_updates_and_deletes_reach_the_right_shard(client, corpus, tmp_path):
    root = "$SEARCH_SHARD_ROOT/updates"
    docs = [json.loads(line) for line in corpus.read_text("utf-8").splitlines()[:60]]
    source = tmp_path / "news.jsonl"
    write_jsonl(source, docs)
    first = index_sharded(client, root, [source], shards=3)
    assert first.added == 60 and len(first.shards) == 3
    before = shard_contents(client, root)
    for shard, ids in before.items():
        assert all(shard_of(i, 3) == shard for i in ids)
    assert sum(len(ids) for ids in before.values()) == 60

    changed, gone, deleted = docs[3]["id"], docs[7]["id"], docs[11]["id"]
    docs[3]["text"] += " zzqmarker"
    docs = [d for d in docs if d["id"] != gone]
    docs.append({**docs[0], "id": "brand-new", "text": docs[0]["text"] + " zzqnew"})
    write_jsonl(source, docs)
    second = index_sharded(client, root, [source], prune=True)  # the shard count is known
    assert (second.added, second.updated, second.removed) == (1, 1, 1)
    third = index_sharded(client, root, [], delete_ids=[deleted, "never-indexed"])
    assert third.removed == 1

    after = shard_contents(client, root)
    every = Counter(i for ids in after.values() for i in ids)
    assert every.most_common(1)[0][1] == 1, "a document is in two shards"
    assert changed in after[shard_of(changed, 3)]
    assert "brand-new" in after[shard_of("brand-new", 3)]
    assert gone not in every and deleted not in every
    assert sum(every.values()) == 59
    with ShardedIndex(client, root) as ix:
        found = ix.search("zzqmarker")
        assert [h.id for h in found.results] == [changed]
        assert ix.document(gone) is None and ix.document(deleted) is None

        # compacted, replaced and deleted documents leave the statistics: the
        # shards then rank exactly as one fresh index of the same file
        write_jsonl(source, [d for d in docs if d["id"] != deleted])
        fourth = index_sharded(client, root, [source], prune=True, compact=True)
        assert fourth.removed == 0 and fourth.unchanged == 59
        update_dir = tmp_path / "one"
        from search import update

        update(update_dir, [source])
        with Reference(update_dir) as one:
            for query in ("ट्रंप", "قزاقستان", "tungsten", "zzqmarker OR zzqnew", "अमेरि*"):
                assert_same(one.search(query), ix.search(query), query)


def test_the_shard_count_is_fixed(client, corpus):
    root = "$SEARCH_SHARD_ROOT/fixed"
    index_sharded(client, root, [SEEDS], shards=2)
    with pytest.raises(IndexError_, match="re-sharding"):
        index_sharded(client, root, [SEEDS], shards=3)
    with pytest.raises(IndexError_, match="--shards"):
        index_sharded(client, "$SEARCH_SHARD_ROOT/never-built", [SEEDS])
    status = cluster_status(client, root)
    assert status["shards"] == 2 and status["documents"] == 5
    assert {w["name"] for w in status["workers"]} == {"w1", "w2"}
    assert all(s["bytes"] > 0 for s in status["shard_list"])


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("SEARCH_INDEX", "SEARCH_CLUSTER")}
    full_env.update({"NO_COLOR": "1", **(env or {})})
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=120
    )


def test_the_command_line(dask_cluster, seeds_reference):
    address = dask_cluster.address
    root = "$SEARCH_SHARD_ROOT/cli"
    built = cli("index", "--cluster", address, "--shards", "2", "--shard-root", root, str(SEEDS))
    assert built.returncode == 0, built.stderr
    assert "5 added" in built.stdout and "shard-001-of-002" in built.stdout

    status = cli("cluster", "status", "--cluster", address, "--shard-root", root, "--json")
    assert status.returncode == 0, status.stderr
    figures = json.loads(status.stdout)
    assert figures["shards"] == 2 and figures["documents"] == 5
    assert sorted(s["name"] for s in figures["shard_list"]) == [
        "shard-000-of-002",
        "shard-001-of-002",
    ]
    shown = cli("cluster", "status", "--shard-root", root, env={"SEARCH_CLUSTER": address})
    assert shown.returncode == 0 and "2 shards, 5 documents" in shown.stdout

    found = cli("--cluster", address, "--shard-root", root, "--json", "tungsten", "--limit", "3")
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    expected = seeds_reference.search("tungsten", limit=3).to_dict()
    data.pop("took_ms"), expected.pop("took_ms")
    assert data == expected

    human = cli("--cluster", address, "--shard-root", root, "tungsten")
    assert human.returncode == 0 and "results in" in human.stdout
    nothing = cli("--cluster", address, "--shard-root", root, "xqzt")
    assert nothing.returncode == 1

    misused = cli("--shards", "2", "tungsten")
    assert misused.returncode == 2
    unreachable = cli("--cluster", "tcp://127.0.0.1:9", "--timeout", "1", "tungsten")
    assert unreachable.returncode == 2 and "cannot reach" in unreachable.stderr


@pytest.mark.slow
def test_serve_on_the_cluster(dask_cluster, seeds_reference):
    root = "$SEARCH_SHARD_ROOT/serve"
    built = cli("index", "--cluster", dask_cluster.address, "--shards", "2", "--shard-root", root)
    assert built.returncode == 0, built.stderr
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--cluster", dask_cluster.address, "--shard-root", root]
        + ["--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/search?q=tungsten"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    data = json.load(response)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        expected = seeds_reference.search("tungsten").to_dict()
        data.pop("took_ms"), expected.pop("took_ms")
        assert data == expected
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=tungsten") as page:
            assert page.status == 200
    finally:
        server.terminate()
        server.wait(20)
