"""Shards that do not answer: partial results that name them, never a hang or a 500.

These tests kill, pause and restart workers, so they have a cluster of their own.
"""

from __future__ import annotations

import signal
import time

import pytest

from checkout import SEEDS
from dask_cluster import DaskCluster, assert_same
from search.cluster import ShardedIndex, connect, index_sharded

FAST = 3.0  # the time limit of searches here, in seconds

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fragile(tmp_path_factory, corpus):
    """Two workers, one shard each (seeds + corpus), on their own disks."""
    cluster = DaskCluster(tmp_path_factory.mktemp("fragile"))
    try:
        cluster.start(workers=2)
        client = connect(cluster.address)
        index_sharded(client, None, [SEEDS, corpus], shards=2)
        client.close()
    except BaseException:
        print(cluster.logs())
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


def shard_of_worker(ix: ShardedIndex, worker_name: str, cluster: DaskCluster) -> str:
    """The name of the shard the named worker serves."""
    layout = ix.layout(force=True)
    names = {}
    for address, info in layout.workers.items():
        names[address] = str(info.get("name"))
    [name] = [p.name for p in layout.placements.values() if names[p.worker] == worker_name]
    return name


def wait_until(predicate, timeout: float = 30.0, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def test_a_killed_worker_gives_a_partial_result(fragile, corpus_index):
    with ShardedIndex(fragile.address, timeout=FAST) as ix:
        assert_same(corpus_index.search("ट्रंप"), ix.search("ट्रंप"))
        lost = shard_of_worker(ix, "w2", fragile)
        kept = shard_of_worker(ix, "w1", fragile)
        fragile.workers["w2"].kill()

        for _ in range(3):  # the first search after the loss, and the next ones
            started = time.monotonic()
            result = ix.search("ट्रंप", limit=20)
            took = time.monotonic() - started
            assert took < FAST + 2.0, f"took {took:.1f} s"
            assert result.partial and result.missing_shards == [lost]
            data = result.to_dict()
            assert data["partial"] is True and data["missing_shards"] == [lost]
            assert 0 < result.total < corpus_index.search("ट्रंप").total
            # what is there comes from the shard that answered, ranked among itself
            ids = [hit.id for hit in result.results]
            assert ids and ids == [h.id for h in ix.search("ट्रंप", limit=20).results]
        assert ix.stats()["missing_shards"] == [lost]
        assert kept != lost

        # the worker comes back (another process, another port): its shard is found again
        fragile.start_worker("w2")
        wait_until(lambda: not ix.search("ट्रंप").partial)
        assert_same(corpus_index.search("ट्रंप", limit=20), ix.search("ट्रंप", limit=20))


def test_a_worker_restarted_by_its_nanny_reopens_its_shards(fragile, corpus_index):
    """Killing the worker process (not its nanny): the nanny starts a new one."""
    import os

    from distributed import Client

    fragile.wait_for_workers(2)
    with ShardedIndex(fragile.address, timeout=FAST) as ix:
        assert not ix.search("قزاقستان").partial
        with Client(fragile.address, set_as_default=False) as client:
            pids = client.run(os.getpid)
            names = {a: str(i["name"]) for a, i in client.scheduler_info()["workers"].items()}
        [pid] = [pid for address, pid in pids.items() if names[address] == "w1"]
        os.kill(pid, signal.SIGKILL)  # a worker process our fixture's `dask worker` started
        wait_until(lambda: not ix.search("قزاقستان").partial, timeout=60)
        assert_same(corpus_index.search("قزاقستان"), ix.search("قزاقستان"))


def test_a_paused_worker_times_out_and_is_named(fragile, corpus_index):
    """A worker that hangs (SIGSTOP): the search answers within its time limit."""
    fragile.wait_for_workers(2)
    with ShardedIndex(fragile.address, timeout=FAST) as ix:
        assert not ix.search("tungsten").partial
        lost = shard_of_worker(ix, "w2", fragile)
        fragile.workers["w2"].pause()
        try:
            for _ in range(2):
                started = time.monotonic()
                result = ix.search("tungsten")
                took = time.monotonic() - started
                assert took < FAST + 2.0, f"took {took:.1f} s"
                assert result.missing_shards == [lost]
        finally:
            fragile.workers["w2"].resume()
        wait_until(lambda: not ix.search("tungsten").partial)
        assert_same(corpus_index.search("tungsten"), ix.search("tungsten"))


def test_the_web_front_end_shows_a_partial_result(fragile):
    """JSON with partial and missing_shards, and a page: never a 500."""
    import web
    from web import state as web_engine

    fragile.wait_for_workers(2)
    ix = ShardedIndex(fragile.address, timeout=FAST)
    app = web.create_app({"TESTING": True})
    app.extensions[web_engine.EXTENSION] = ix  # as serve_cluster_app does
    http = app.test_client()
    try:
        ok = http.get("/api/search", query_string={"q": "ट्रंप"})
        assert ok.status_code == 200 and "partial" not in ok.get_json()
        lost = shard_of_worker(ix, "w2", fragile)
        fragile.workers["w2"].kill()
        response = http.get("/api/search", query_string={"q": "ट्रंप"})
        assert response.status_code == 200
        data = response.get_json()
        assert data["partial"] is True and data["missing_shards"] == [lost]
        for path in ("/search?q=%E0%A4%9F", "/", "/api/suggest?q=%E0%A4%9F"):
            assert http.get(path).status_code == 200, path
    finally:
        ix.close()
        fragile.start_worker("w2")
