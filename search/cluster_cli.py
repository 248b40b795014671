"""``search-cli`` on a Dask cluster: ``--cluster ADDRESS`` and ``cluster status``.

:func:`register` adds, to the CLI's group:

* ``--cluster ADDRESS`` (env ``SEARCH_CLUSTER``) and ``--shard-root PATH`` to
  ``search``, ``index`` and ``serve``, which then work on the sharded index of
  that cluster instead of a local one; ``--shards N`` and ``--compact`` to
  ``index``; ``--timeout SECONDS`` to ``search`` and ``serve``;
* ``search-cli cluster status --cluster ADDRESS``.

Dask is imported only when ``--cluster`` is given, so the CLI works without
the ``cluster`` extra.
"""

from __future__ import annotations

import functools
import os
import sys

import click

EXIT_FOUND, EXIT_NOTHING, EXIT_ERROR = 0, 1, 2


def _echo_json(value) -> None:
    from .cli import echo_json

    echo_json(value)


def _fail(message: str) -> None:
    click.echo(f"search-cli: {message}", err=True)
    sys.exit(EXIT_ERROR)


def cluster_option(**extra) -> click.Option:
    return click.Option(
        ["--cluster"],
        metavar="ADDRESS",
        envvar="SEARCH_CLUSTER",
        default=None,
        help="Dask scheduler of a sharded index, e.g. tcp://10.0.0.5:8786 (env SEARCH_CLUSTER).",
        **extra,
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


def _extend(command: click.Command, options: list[click.Option], handler) -> None:
    """Adds ``options`` to ``command``; with ``--cluster`` set, ``handler`` runs instead."""
    original = command.callback
    names = [o.name for o in options]
    command.params.extend(options)

    @functools.wraps(original)
    def callback(**kwargs):
        extra = {name: kwargs.pop(name) for name in names}
        if extra.get("cluster"):
            return handler(**kwargs, **extra)
        used = [n for n, v in extra.items() if n != "cluster" and v not in (None, False)]
        if used:
            flags = ", ".join("--" + n.replace("_", "-") for n in used)
            _fail(f"{flags} needs --cluster ADDRESS")
        return original(**kwargs)

    command.callback = callback


# -- search


def _open(cluster: str, shard_root: str | None, timeout: float | None):
    from .cluster import DEFAULT_TIMEOUT, open_cluster
    from .index import IndexError_

    try:
        return open_cluster(cluster, shard_root, timeout=timeout or DEFAULT_TIMEOUT)
    except IndexError_ as e:
        _fail(str(e))


def search_on_cluster(
    query, limit, page, lang, as_json, index_dir, cluster, shard_root, timeout, time_budget=None
):
    """``search-cli --cluster ADDRESS QUERY``: the search command, on the shards
    (``--timeout`` bounds each shard's answer; ``--time-budget`` is the single index's)."""
    from .cli import print_human
    from .query import QueryError

    text = " ".join(query)
    with _open(cluster, shard_root, timeout) as ix:
        try:
            result = ix.search(text, limit=limit, page=page, lang=lang)
        except QueryError as e:
            _fail(str(e))
    if as_json:
        _echo_json(result.to_dict())
    else:
        print_human(result, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    if result.partial:
        click.echo(
            f"search-cli: partial results: {', '.join(result.missing_shards)} did not answer",
            err=True,
        )
    sys.exit(EXIT_FOUND if result.total else EXIT_NOTHING)


# -- index


def index_on_cluster(paths, prune, as_json, index_dir, cluster, shard_root, shards, compact):
    """``search-cli index --cluster ADDRESS --shards N PATH...``."""
    from .cluster import index_sharded
    from .index import IndexError_, seeds_dir

    sources = list(paths) or [seeds_dir()]
    try:
        report = index_sharded(
            cluster, shard_root, sources, shards=shards, prune=prune, compact=compact
        )
    except IndexError_ as e:
        _fail(str(e))
    for problem in report.problems:
        click.echo(f"skipped {problem}" if problem.skipped else f"warning {problem}", err=True)
    if as_json:
        _echo_json(report.to_dict())
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


# -- serve


def serve_cluster_app(host, port, cluster, shard_root=None, timeout=None, threads=8) -> None:
    """The web front end over the sharded index (waitress), until interrupted."""
    import inspect

    import web

    ix = _open(cluster, shard_root, timeout)
    try:
        if "index" in inspect.signature(web.serve).parameters:
            web.serve(host=host, port=port, threads=threads, index=ix)
            return
        # a web package that cannot be handed an index: give its app ours
        from waitress import serve as waitress_serve

        from web import engine as web_engine

        app = web.create_app()
        app.extensions[web_engine.EXTENSION] = ix  # what get_index() hands every view
        print(f"Searching {ix.path}", file=sys.stderr)
        print(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)", file=sys.stderr, flush=True)
        waitress_serve(app, host=host, port=port, threads=threads, ident="news-search")
    finally:
        ix.close()


def serve_on_cluster(
    host, port, index_dir, cluster, shard_root, timeout, workers=None, threads=None
):
    """``search-cli serve --cluster ADDRESS``: one process (the shards do the searching)."""
    serve_cluster_app(host, port, cluster, shard_root, timeout, threads=threads or 8)


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
    from .cluster import cluster_status
    from .index import IndexError_

    try:
        status = cluster_status(cluster, shard_root)
    except IndexError_ as e:
        _fail(str(e))
    if as_json:
        _echo_json(status)
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
    """Adds the cluster options and ``cluster status`` to the ``search-cli`` group (once)."""
    if "cluster" in main.commands:
        return
    main.add_command(cluster_group)
    _extend(
        main.commands["search"],
        [cluster_option(), shard_root_option(), timeout_option()],
        search_on_cluster,
    )
    _extend(
        main.commands["index"],
        [cluster_option(), shard_root_option(), shards_option(), compact_option()],
        index_on_cluster,
    )
    _extend(
        main.commands["serve"],
        [cluster_option(), shard_root_option(), timeout_option()],
        serve_on_cluster,
    )


__all__ = ["cluster_group", "register", "serve_cluster_app"]
