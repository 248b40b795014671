"""Paths and helpers shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None):
    """``search-cli`` as a real process, as a user runs it."""
    full_env = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX"}
    full_env.update({"NO_COLOR": "1", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "search", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=120,
    )
