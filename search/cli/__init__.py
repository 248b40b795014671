"""``search-cli``: search, index, analyze, evaluate and serve from a terminal.

- :mod:`.commands` the commands (``search`` is the default one);
- :mod:`.cluster` ``--cluster ADDRESS`` and ``cluster status``, for a sharded index;
- :mod:`.output` what is printed, and the exit status.
"""

from __future__ import annotations

from .commands import main

__all__ = ["main"]
