"""The checkout the tests run from: its paths, its command line, and the generated corpus."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
# the keys of a hit in the JSON (`search-cli --json`, /api/search), in their order
HIT_KEYS = [
    "id",
    "title",
    "lang",
    "date",
    "source",
    "author",
    "published",
    "score",
    "snippet",
    "matched",
]
CORPUS_SCRIPT = ROOT / "bench" / "corpus.py"


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


def generate_corpus(n_docs: int, out: Path, seed: int = 0) -> Path:
    """``bench/corpus.py``: ``n_docs`` news-like Hindi/Arabic/Persian articles (JSONL)."""
    subprocess.run(
        [sys.executable, str(CORPUS_SCRIPT), "--docs", str(n_docs), "--seed", str(seed)]
        + ["--out", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def generated_news(n_docs: int, seed: int) -> list[dict]:
    """The same articles as :func:`generate_corpus`, made in this process."""
    spec = importlib.util.spec_from_file_location("bench_corpus", CORPUS_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return list(module.generate(n_docs, seed=seed))
