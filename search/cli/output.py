"""What ``search-cli`` prints: results for people, JSON for programs, one-line errors.

Exit status: 0 when something was found, 1 when nothing was (or, for
``index``, when some input was skipped), 2 on an error, with a one-line message.
"""

from __future__ import annotations

import html
import re
import sys

import click

from ..results import Hit, SearchResult

EXIT_FOUND, EXIT_NOTHING, EXIT_ERROR = 0, 1, 2
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def echo_json(value) -> None:
    """``value`` as one line of JSON, non-ASCII letters as they are."""
    import json  # only --json needs it

    click.echo(json.dumps(value, ensure_ascii=False))


def fail(message: str) -> None:
    """The message on stderr, one line, and exit status 2."""
    click.echo(f"search-cli: {message}", err=True)
    sys.exit(EXIT_ERROR)


def terminal_snippet(snippet: str, colour: bool) -> str:
    """The HTML snippet for a terminal: matches bold, or ``**x**`` when piped."""
    if colour:
        text = _MARK.sub(lambda m: click.style(m.group(1), bold=True, fg="yellow"), snippet)
    else:
        text = _MARK.sub(r"**\1**", snippet)
    return html.unescape(text)


def matched_line(hit: Hit) -> str:
    """What matched across scripts: ``tungsten ≈ تنگستن (0.94)``, a name's ``=``."""
    return " · ".join(
        f"{m.query} ≈ {m.word} ({m.similarity:.2f})"
        if m.similarity is not None
        else f"{m.query} = {m.word} ({m.how})"
        for m in hit.matched
    )


def print_human(result: SearchResult, colour: bool, latin: bool = False) -> None:
    """Each hit: title, what it is, snippet, what matched across scripts; with
    ``latin``, title and snippet also in Latin letters (the hits' ``title_latin``)."""
    first = (result.page - 1) * result.limit
    for rank, hit in enumerate(result.results, first + 1):
        title = click.style(hit.title, bold=True) if colour else hit.title
        click.echo(f"{rank}. {title}")
        if latin and hit.title_latin is not None:
            click.echo("   " + terminal_snippet(hit.title_latin_html, colour))
        source = f" · {hit.source}" if hit.source else ""
        meta = f"   {hit.id} · {hit.lang} · {hit.date or 'no date'}{source} · score {hit.score:.3f}"
        click.echo(click.style(meta, dim=True) if colour else meta)
        click.echo("   " + terminal_snippet(hit.snippet, colour))
        if latin and hit.snippet_latin is not None:
            click.echo("   " + terminal_snippet(hit.snippet_latin, colour))
        if hit.matched:
            line = "   " + matched_line(hit)
            click.echo(click.style(line, dim=True) if colour else line)
        click.echo()
    shown = f"{first + 1}-{first + len(result.results)} of " if result.results else ""
    click.echo(f"{shown}{result.total} results in {result.took_ms:.1f} ms")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
