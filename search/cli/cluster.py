"""``search-cli`` on a Dask cluster: ``--cluster ADDRESS`` and ``cluster status``.

* :func:`cluster_options` gives ``search``, ``index`` and ``serve`` their
  ``--cluster ADDRESS`` (env ``SEARCH_CLUSTER``) and ``--shard-root PATH``,
  with which they work on the sharded index of that cluster instead of a local
  one; ``--shards N`` and ``--compact`` to ``index``; ``--timeout SECONDS`` to
  ``search`` and ``serve``. Searching and serving then go through the same
  code as for one index: a ``ShardedIndex`` answers as a ``SearchIndex`` does.
* ``search-cli cluster status --cluster ADDRESS``.

Dask is imported only when ``--cluster`` is given, so the CLI works without
the ``cluster`` extra.
"""

from __future__ import annotations

import sys

import click

from ..errors import IndexError_
from ..index import seeds_dir
from .output import EXIT_ERROR, EXIT_FOUND, EXIT_NOTHING, echo_json, fail


def cluster_option() -> click.Option:
    return click.Option(
        ["--cluster", "cluster_address"],
        metavar="ADDRESS",
        envvar="SEARCH_CLUSTER",
        default=None,
        help="Dask scheduler of a sharded index, e.g. tcp://10.0.0.5:8786 (env SEARCH_CLUSTER).",
    )


def shard_root_option() -> click.Option:
    return click.Option(
        ["--shard-root"],
        metavar="PATH",
        default=None,
        help="Shard folder on the workers (default: each worker's SEARCH_SHARD_ROOT "
        "or its data directory). Needs --cluster.",
    )


def timeout_option() -> click.Option:
    return click.Option(
        ["--timeout"],
        type=click.FloatRange(min=0.1),
        default=None,
        metavar="SECONDS",
        help="With --cluster: how long to wait for the shards (default 10); "
        "shards later than that are reported missing.",
    )


def cluster_options(timeout: bool = False, shards: bool = False):
    """A command's ``--cluster`` and ``--shard-root`` options, with ``--timeout``
    (searching) or ``--shards`` and ``--compact`` (indexing)."""
    options = [cluster_option(), shard_root_option()]
    if timeout:
        options.append(timeout_option())
    if shards:
        options += [shards_option(), compact_option()]

    def add(command):
        # click reads a function's options from __click_params__, last added first
        params = getattr(command, "__click_params__", [])
        params.extend(reversed(options))
        command.__click_params__ = params
        return command

    return add


def refuse_without_cluster(**given) -> None:
    """Exits with a message when an option that needs ``--cluster`` was given without it."""
    used = [name for name, value in given.items() if value not in (None, False)]
    if used:
        flags = ", ".join("--" + name.replace("_", "-") for name in used)
        fail(f"{flags} needs --cluster ADDRESS")


# -- search


def open_sharded(address: str, shard_root: str | None, timeout: float | None):
    """The sharded index on the cluster at ``address``; exits with a message if there is none."""
    from ..cluster import DEFAULT_TIMEOUT, open_cluster

    try:
        return open_cluster(address, shard_root, timeout=timeout or DEFAULT_TIMEOUT)
    except IndexError_ as e:
        fail(str(e))


# -- index


def index_on_cluster(paths, prune, as_json, cluster, shard_root, shards, compact, csv_map=None):
    """``search-cli index --cluster ADDRESS --shards N PATH...``."""
    from ..cluster import index_sharded

    sources = list(paths) or [seeds_dir()]
    try:
        report = index_sharded(
            cluster,
            shard_root,
            sources,
            shards=shards,
            prune=prune,
            compact=compact,
            csv_map=csv_map,
        )
    except IndexError_ as e:
        fail(str(e))
    for problem in report.problems:
        click.echo(f"skipped {problem}" if problem.skipped else f"warning {problem}", err=True)
    if as_json:
        echo_json(report.to_dict())
    else:
        for s in report.shards:
            r = s["report"]
            click.echo(
                f"{s['name']} on {s['worker']}: {s['documents']} documents "
                f"({r['added']} added, {r['updated']} updated, {r['removed']} removed)"
            )
        click.echo(
            f"{cluster}: {report.added} added, {report.updated} updated, "
            f"{report.removed} removed, {report.unchanged} unchanged, "
            f"{report.skipped} skipped in {report.seconds:.2f} s"
        )
    sys.exit(EXIT_NOTHING if report.skipped else EXIT_FOUND)


def shards_option() -> click.Option:
    return click.Option(
        ["--shards"],
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="With --cluster: how many shards (needed the first time; fixed after).",
    )


def compact_option() -> click.Option:
    return click.Option(
        ["--compact"],
        is_flag=True,
        help="With --cluster: then rewrite each shard from its stored documents, so that "
        "replaced and deleted ones leave the ranking statistics.",
    )


# -- cluster status


def _size(n: int | None) -> str:
    if n is None:
        return "?"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


@click.group("cluster")
def cluster_group() -> None:
    """A sharded index on a Dask cluster (see docs/scale-out.md)."""


@cluster_group.command("status")
@click.option(
    "--cluster",
    metavar="ADDRESS",
    envvar="SEARCH_CLUSTER",
    required=True,
    help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (env SEARCH_CLUSTER).",
)
@click.option("--shard-root", metavar="PATH", default=None, help="Shard folder on the workers.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status_command(cluster, shard_root, as_json) -> None:
    """Shards, documents per shard, workers and index sizes."""
    from ..cluster import cluster_status

    try:
        status = cluster_status(cluster, shard_root)
    except IndexError_ as e:
        fail(str(e))
    if as_json:
        echo_json(status)
        sys.exit(EXIT_ERROR if status["missing_shards"] else EXIT_FOUND)
    click.echo(f"scheduler {status['scheduler']}")
    click.echo(
        f"{status['shards'] or 0} shards, {status['documents']} documents, "
        f"{_size(status['bytes'])} on disk"
    )
    for s in status["shard_list"]:
        click.echo(
            f"  {s['name']}  {s['documents']:>9} docs  {_size(s['bytes']):>9}  "
            f"on {s['worker']}  {s['path']}"
        )
    for name in status["missing_shards"]:
        click.echo(f"  {name}  MISSING: on no worker that answered")
    click.echo(f"{len(status['workers'])} workers")
    for w in status["workers"]:
        state = "" if w["answered"] else "  (did not answer)"
        shards = ", ".join(w["shards"]) or "no shards"
        click.echo(
            f"  {w['address']}  {w['name']}  {w['threads']} threads  root {w['root']}: "
            f"{shards}{state}"
        )
    for other in status["other_folders"]:
        why = other.get("problem") or "from another shard count"
        click.echo(f"  ignored {other['path']} on {other['worker']}: {why}")
    sys.exit(EXIT_ERROR if status["missing_shards"] else EXIT_FOUND)


# -- wiring


def register(main: click.Group) -> None:
    """Adds ``cluster status`` to the ``search-cli`` group."""
    main.add_command(cluster_group)
