"""Fixtures: a Dask scheduler and two workers on 127.0.0.1, and the indexes to compare.

Each worker has its own shard root (``SEARCH_SHARD_ROOT``), as two machines
would have their own disks; one configuration uses a root both workers share,
as with a shared file system.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip(
    "distributed", reason="the cluster tests need Dask: pip install -e '.[cluster]'"
)

from checkout import SEEDS, generate_corpus  # noqa: E402
from dask_cluster import DaskCluster, Reference  # noqa: E402
from search import update  # noqa: E402
from search.cluster import ShardedIndex, connect, index_sharded  # noqa: E402

TIMEOUT = 20.0  # generous: the machine may be busy; failure tests set their own


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    cluster = DaskCluster(tmp_path_factory.mktemp("dask"))
    try:
        cluster.start(workers=2)
    except BaseException:
        print(cluster.logs())
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def client(dask_cluster):
    client = connect(dask_cluster.address)
    yield client
    client.close()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """300 generated articles (bench/corpus.py, seed 1)."""
    return generate_corpus(300, tmp_path_factory.mktemp("corpus") / "c300.jsonl", seed=1)


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory, corpus) -> Path:
    """One index of the seeds and the corpus, built as the single-machine path builds it."""
    path = tmp_path_factory.mktemp("corpus-index")
    update(path, [SEEDS, corpus])
    return path


@pytest.fixture(scope="session")
def corpus_index(corpus_index_dir):
    with Reference(corpus_index_dir) as ix:
        yield ix


@pytest.fixture(scope="session")
def seeds_reference(seeds_index_dir):
    with Reference(seeds_index_dir) as ix:
        yield ix


def sharded(client, root: str, paths, shards: int) -> ShardedIndex:
    report = index_sharded(client, root, paths, shards=shards)
    assert not report.problems
    return ShardedIndex(client, root, timeout=TIMEOUT)


@pytest.fixture(scope="session")
def seeds_2(client):
    """The seeds in 2 shards, each worker on its own disk."""
    with sharded(client, "$SEARCH_SHARD_ROOT/seeds-2", [SEEDS], 2) as ix:
        yield ix


@pytest.fixture(scope="session")
def corpus_3(client, corpus):
    """Seeds and corpus in 3 shards, each worker on its own disk."""
    with sharded(client, "$SEARCH_SHARD_ROOT/corpus-3", [SEEDS, corpus], 3) as ix:
        yield ix


@pytest.fixture(scope="session")
def corpus_2_shared(client, corpus, tmp_path_factory):
    """Seeds and corpus in 2 shards under one root that both workers see."""
    root = tmp_path_factory.mktemp("shared-disk")
    with sharded(client, str(root), [SEEDS, corpus], 2) as ix:
        yield ix
