"""Past one machine: an index split into shards on a Dask cluster, searched as one.

Needs the ``cluster`` extra (``pip install 'multilingual-news-search[cluster]'``),
a ``dask scheduler`` and ``dask worker`` processes (docs/scale-out.md). Dask is
imported only when a cluster is used.

- :mod:`.layout` the Dask client, and which worker holds which shard;
- :mod:`.shard` the worker's side: shards on disk, their writer, their actor;
- :mod:`.client` :class:`ShardedIndex`, searched like a :class:`search.SearchIndex`;
- :mod:`.indexing` writing documents into shards, and the cluster's status.
"""

from __future__ import annotations

from .client import DEFAULT_TIMEOUT, ClusterSearchResult, ShardedIndex, open_cluster
from .indexing import ShardedReport, cluster_status, index_sharded
from .layout import connect, discover
from .shard import shard_name, shard_of

__all__ = [
    "DEFAULT_TIMEOUT",
    "ClusterSearchResult",
    "ShardedIndex",
    "ShardedReport",
    "cluster_status",
    "connect",
    "discover",
    "index_sharded",
    "open_cluster",
    "shard_name",
    "shard_of",
]
