"""``search-cli`` and ``python -m search``: the CLI's process entry point."""

from __future__ import annotations

import gc
import sys


def run() -> None:
    """Runs ``search-cli`` with the cyclic garbage collector kept off what lives until exit.

    The modules a search imports (Whoosh, click, ours) make tens of thousands of
    objects that live as long as the process: the collector walked them again and
    again while they were being imported, and the interpreter's collections at
    exit walked them once more, a fair part of a ``search-cli "QUERY"``
    (docs/BENCHMARKS.md has the figures). So it is off while they are imported,
    they are frozen (never walked again), and what the command made is frozen at
    exit. The command runs with the collector on:
    ``serve`` and ``index`` run for long.
    """
    gc.disable()
    try:
        from .cli import main
    except ModuleNotFoundError as error:
        if error.name != "icu":
            raise
        print(f"search-cli: {error}", file=sys.stderr)  # search.analysis says how to install it
        raise SystemExit(2) from None

    gc.freeze()
    gc.enable()
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
