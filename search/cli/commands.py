"""``search-cli``: search, index, analyze and serve from a terminal.

``search-cli "QUERY"`` searches (``search`` is the default command). Exit
status: 0 when something was found, 1 when nothing was (or, for ``index``,
when some input was skipped), 2 on an error, with a one-line message.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import index as index_module
from ..analysis import analyze as analyze_text
from ..budget import DEFAULT_TIME_BUDGET
from ..engine import SearchIndex, open_index
from ..errors import IndexError_, MissingLibrary, QueryError, SearchTimeout
from ..highlight import with_latin
from ..languages import LANG_CODES
from ..query.crossscript import word_candidates
from . import cluster
from .output import EXIT_FOUND, EXIT_NOTHING, echo_json, fail, print_human


class DefaultGroup(click.Group):
    """A group that runs ``search`` when the first word is not a command."""

    default_command = "search"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        elif not args:
            args = ["--help"]
        return super().parse_args(ctx, args)


index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SEARCH_INDEX",
    default=None,
    help="Index folder (default: the bundled corpus's index; env SEARCH_INDEX).",
)


def open_for_search(index_dir: Path | None) -> SearchIndex:
    try:
        return open_index(index_dir)
    except IndexError_ as e:
        fail(str(e))
        raise  # unreachable: fail exits


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="multilingual-news-search")
def main() -> None:
    """Search news in Hindi, Arabic and Persian, in any script.

    \b
    search-cli "tungsten"              search (same as: search-cli search ...)
    search-cli index PATH...           add or update documents
    search-cli analyze "text"          show what the analysis makes of text
    search-cli serve                   the web front end
    search-cli cluster status          a sharded index on a Dask cluster (--cluster ADDRESS)
    """


# -word (without) must reach the query, not click: no short options here
@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, help="Results per page (1-100).")
@click.option("--page", default=1, show_default=True, help="Page of results.")
@click.option("--lang", type=click.Choice(LANG_CODES), help="Only this language.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--latin",
    is_flag=True,
    help="Also show titles and snippets in Latin letters (JSON: title_latin, snippet_latin).",
)
@click.option(
    "--time-budget",
    type=click.FloatRange(min=0),
    envvar="SEARCH_QUERY_TIME_BUDGET",
    default=DEFAULT_TIME_BUDGET,
    show_default=True,
    help="Seconds the search may take; 0: no limit (env SEARCH_QUERY_TIME_BUDGET).",
)
@index_option
@cluster.cluster_options(timeout=True)
def search(
    query,
    limit,
    page,
    lang,
    as_json,
    latin,
    time_budget,
    index_dir,
    cluster_address,
    shard_root,
    timeout,
) -> None:
    """Search the index for QUERY."""
    unknown = [word for word in query if word.startswith("--")]
    if unknown:
        # -word is the query's "without"; --word can only be a mistyped option
        fail(f"no such option: {unknown[0]} (see search-cli search --help)")
    text = " ".join(query)
    if cluster_address:
        ix = cluster.open_sharded(cluster_address, shard_root, timeout)
    else:
        cluster.refuse_without_cluster(shard_root=shard_root, timeout=timeout)
        ix = open_for_search(index_dir)
    with ix:
        try:
            result = ix.search(text, limit=limit, page=page, lang=lang, time_budget=time_budget)
        except (QueryError, SearchTimeout) as e:
            fail(str(e))
    if latin:
        result.results = [with_latin(hit) for hit in result.results]
    if as_json:
        echo_json(result.to_dict())
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        print_human(result, colour=colour, latin=latin)
    if result.partial:
        missing = ", ".join(result.missing_shards)
        click.echo(f"search-cli: partial results: {missing} did not answer", err=True)
    sys.exit(EXIT_FOUND if result.total else EXIT_NOTHING)


def _csv_map(values: tuple[str, ...]) -> dict[str, str]:
    from ..documents import parse_column_map
    from ..errors import BadInput

    try:
        return parse_column_map(",".join(values))
    except BadInput as e:
        raise click.BadParameter(str(e)) from None


@main.command("index")
@click.argument("paths", nargs=-1)
@click.option("--prune", is_flag=True, help="Remove documents whose files are gone.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Let URLs reach loopback, private and link-local addresses (refused otherwise).",
)
@click.option(
    "--no-fetch-pages",
    "fetch_pages",
    flag_value=False,
    default=True,
    help="Index a feed's summaries as they are, without fetching the items' pages.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Seconds between two requests to one web host (default 1; robots.txt may ask more).",
)
@click.option(
    "--csv-map",
    "csv_map",
    metavar="FIELD=COLUMN,...",
    multiple=True,
    callback=lambda _ctx, _param, value: _csv_map(value),
    help="CSV columns of fields, e.g. title=headline,text=body (default: common names).",
)
@index_option
@cluster.cluster_options(shards=True)
def index_command(
    paths,
    prune,
    as_json,
    allow_private,
    fetch_pages,
    delay,
    csv_map,
    index_dir,
    cluster_address,
    shard_root,
    shards,
    compact,
) -> None:
    """Add new and changed documents from files, folders and URLs (.txt, .jsonl, .csv,
    .html, feeds, WARC; http:// and https:// addresses of feeds and pages)."""
    if cluster_address:
        if allow_private or not fetch_pages or delay is not None:
            fail("--allow-private, --no-fetch-pages and --delay are for a local index")
        cluster.index_on_cluster(
            paths, prune, as_json, cluster_address, shard_root, shards, compact, csv_map
        )
        return
    cluster.refuse_without_cluster(shard_root=shard_root, shards=shards, compact=compact)
    from ..documents.fetch import Fetcher

    target = index_dir or index_module.default_index_dir()
    sources = list(paths) or [index_module.seeds_dir()]
    progress = None
    if sys.stderr.isatty() and not as_json:
        from ..documents import count_inputs

        progress = click.progressbar(
            length=max(1, count_inputs(sources)),
            label="indexing",
            file=sys.stderr,
            show_pos=True,
            show_eta=True,
        )
        progress.__enter__()
    try:
        report = index_module.update(
            target,
            sources,
            prune=prune,
            on_document=(lambda _doc: progress.update(1)) if progress else None,
            allow_private=allow_private,
            fetch_pages=fetch_pages,
            fetcher=Fetcher(allow_private=allow_private, delay=delay)
            if delay is not None
            else None,
            csv_map=csv_map,
        )
    except (IndexError_, MissingLibrary) as e:
        fail(str(e))
    finally:
        if progress:
            progress.__exit__(None, None, None)
    for problem in report.problems:
        click.echo(f"skipped {problem}" if problem.skipped else f"warning {problem}", err=True)
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(
            f"{target}: {report.added} added, {report.updated} updated, "
            f"{report.removed} removed, {report.unchanged} unchanged, "
            f"{report.skipped} skipped in {report.seconds:.2f} s"
        )
    sys.exit(EXIT_NOTHING if report.skipped else EXIT_FOUND)


@main.command()
@click.argument("text", nargs=-1, required=True)
@click.option(
    "--lang",
    type=click.Choice(LANG_CODES),
    help="The text's language (default: detected).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@index_option
def analyze(text, lang, as_json, index_dir) -> None:
    """Show each token of TEXT: offsets, script, the terms it yields, and the words of
    the index in other scripts that sound like it (with their similarity)."""
    result = analyze_text(" ".join(text), lang)
    add_candidates(result, index_dir)
    if as_json:
        echo_json(result)
        return
    click.echo(f"language: {result['lang']}")
    rows = [("token", "offsets", "script", "lang", "exact", "stem", "key")]
    for t in result["tokens"]:
        terms = t["terms"]
        rows.append(
            (
                t["text"],
                f"{t['start']}-{t['end']}",
                t["script"],
                t["lang"] or "-",
                terms["exact"],
                terms["stem"] or "-",
                terms["key"] or "-",
            )
        )
    echo_table(rows)
    if result["index"] is None:
        return
    click.echo(f"\nin other scripts, in {result['index']} (similarity; * searched):")
    for t in result["tokens"]:
        found = t["candidates"]
        shown = ", ".join(
            f"{c['word']} {c['similarity']:.2f}{'*' if c['searched'] else ''}"
            for c in found[:MAX_CANDIDATES_SHOWN]
        )
        more = len(found) - MAX_CANDIDATES_SHOWN
        click.echo(f"  {t['text']}: {shown or '-'}{f' (and {more} more)' if more > 0 else ''}")


# candidates a word lists in human output, at most (--json lists them all)
MAX_CANDIDATES_SHOWN = 8


def add_candidates(result: dict, index_dir: Path | None) -> None:
    """Each token's cross-script candidates in the index (``index``: its path), or,
    when the index cannot be opened, none (``index``: None) and a note on stderr."""
    result["index"] = None
    for t in result["tokens"]:
        t["candidates"] = []
    try:
        ix = open_index(index_dir)
    except IndexError_ as e:
        click.echo(f"search-cli: no cross-script candidates: {e}", err=True)
        return
    keys = ix.builder.analysis.query_keys
    with ix:
        reader = ix.searcher().reader()
        result["index"] = str(ix.path)
        for t in result["tokens"]:
            t["candidates"] = [
                {"word": word, "similarity": round(alike, 2), "searched": searched}
                for word, alike, searched in word_candidates(reader, keys(t["text"]))
            ]


def echo_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip())


def _evaluation_run(index_dir, queries_path, k, run_path, tag):
    from ..evaluation import read_queries, run_queries

    try:
        queries = read_queries(queries_path)
    except (OSError, ValueError) as e:
        fail(str(e))
    with open_for_search(index_dir) as ix:
        if sys.stderr.isatty():
            with click.progressbar(length=len(queries), label="queries", file=sys.stderr) as bar:
                lines = list(run_queries(ix, queries, k, on_query=lambda: bar.update(1)))
        else:
            lines = list(run_queries(ix, queries, k))
    if run_path:
        text = "".join(line.trec(tag) + "\n" for line in lines)
        if str(run_path) == "-":
            click.echo(text, nl=False)
        else:
            Path(run_path).write_text(text, encoding="utf-8")
    return queries, lines


queries_option = click.option(
    "--queries",
    "queries_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TSV file: qid<TAB>query.",
)
k_option = click.option("--k", default=100, show_default=True, help="Results per query (1-100).")


@main.command("run")
@index_option
@queries_option
@k_option
@click.option("--run", "run_path", default="-", help="TREC run file to write (default: stdout).")
@click.option("--tag", default="search-cli", show_default=True, help="Run tag, last column.")
def run_command(index_dir, queries_path, k, run_path, tag) -> None:
    """Search every query of a file and write a TREC run: qid Q0 docid rank score tag."""
    _evaluation_run(index_dir, queries_path, k, run_path, tag)


@main.command("eval")
@index_option
@queries_option
@click.option(
    "--qrels",
    "qrels_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TREC qrels: qid 0 docid relevance.",
)
@k_option
@click.option("--run", "run_path", default=None, help="Also write the TREC run here.")
@click.option("--tag", default="search-cli", show_default=True, help="Run tag.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def eval_command(index_dir, queries_path, qrels_path, k, run_path, tag, as_json) -> None:
    """Score a run of a query file: MRR@10, nDCG@10, R@10, R@100 (ir-measures)."""
    try:
        import ir_measures  # noqa: F401

        from ..evaluation import evaluate
    except ImportError:
        fail("eval needs ir-measures: pip install 'multilingual-news-search[eval]'")
    queries, lines = _evaluation_run(index_dir, queries_path, k, run_path, tag)
    try:
        figures = evaluate(lines, qrels_path, queries)
    except (OSError, ValueError) as e:
        fail(f"cannot score the run: {e}")
    if as_json:
        echo_json(figures)
        return
    for name, value in figures.items():
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        click.echo(f"{name:<10} {shown}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes serving the port, each with its own index searchers (default: one a CPU; "
    "one with --cluster, where the shards search).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Waitress threads in each process (default: 8 split across the workers, at least 2).",
)
@index_option
@cluster.cluster_options(timeout=True)
def serve(host, port, workers, threads, index_dir, cluster_address, shard_root, timeout) -> None:
    """Serve the web front end (waitress)."""
    import web  # the one place the engine reaches the front end
    from web.server import default_workers

    ix = None
    if cluster_address:
        if workers not in (None, 1):
            fail("--workers needs a local index: with --cluster one process serves")
        ix = cluster.open_sharded(cluster_address, shard_root, timeout)
    else:
        cluster.refuse_without_cluster(shard_root=shard_root, timeout=timeout)
    try:
        web.serve(
            host=host,
            port=port,
            index_dir=index_dir,
            threads=threads,
            workers=1 if ix is not None else workers or default_workers(),
            index=ix,
        )
    except IndexError_ as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
    finally:
        if ix is not None:
            ix.close()


# --cluster ADDRESS for search and index; `search-cli cluster status` (docs/scale-out.md)
cluster.register(main)
