"""Speed of the cross-script matcher: one query word's expansion, and suggestions as you type.

    python bench/crossscript.py [--docs 100000] [--out bench/out] [--names ../shared/names]
                                [--sample 600] [--write docs/BENCHMARKS.md]

On the index ``bench/index.py --docs N --engines ours`` builds (``OUT/idx-N/ours``,
from ``bench/corpus.py``'s generated news; built first when missing), in one process:

- **expansion**: for every distinct word of the English forms of
  ``NAMES/dev-{ar,fa,hi}.tsv`` (read in place), the cross-script expansion of a
  query of that word alone: the candidates under its keys and their verdict
  (``search.query.expand.multiterm_expansions`` over its ``CrossScriptTerm``\\s),
  what a search does for each word before ranking. Target p95 ≤ 5 ms.
- **suggestions**: ``SearchIndex.suggestions(prefix)`` (own-script words, words of
  other scripts, titles) for the prefixes of 3 to 8 letters of ``--sample`` of those
  English words and of ``--sample`` words of the corpus (both drawn with seed 0),
  each whole call timed, and its cross-script part alone beside it. Target p95 ≤ 20 ms.

Every word and prefix is timed once, in order, so the process's caches (the
transliterations of the words met) fill as they would in a server; the table
says the 1-minute load average at the start and the end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from common import OUT, markdown_table, percentile, python_child, write_between_markers  # noqa: E402
from whoosh import query as Q  # noqa: E402

from search import open_index  # noqa: E402
from search.query.crossscript import (  # noqa: E402
    MIN_PREFIX_LETTERS,
    CrossScriptTerm,
    merge_prefix_candidates,
    prefix_candidates,
)
from search.query.expand import multiterm_expansions  # noqa: E402
from search.suggest import prefix_words, split_prefix  # noqa: E402

NAMES = ROOT.parent / "shared" / "names"
LANGS = ("ar", "fa", "hi")
LETTERS = range(3, 9)
TARGET_EXPANSION_MS, TARGET_SUGGEST_MS = 5.0, 20.0
MARKER = "crossscript"


def english_words(names: Path) -> list[str]:
    """Distinct words (by casefold) of the English forms of the dev pairs, in order."""
    seen: dict[str, str] = {}
    for lang in LANGS:
        with (names / f"dev-{lang}.tsv").open(encoding="utf-8") as lines:
            next(lines)  # the header
            for line in lines:
                english = line.split("\t", 1)[0]
                for word in english.split():
                    word = word.strip(".,()'\"")
                    if word and any(ch.isalpha() for ch in word):
                        seen.setdefault(word.casefold(), word)
    return list(seen.values())


def corpus_words(corpus: Path, count: int, rng: random.Random) -> list[str]:
    """``count`` distinct words of at least 3 letters from the first 2,000 articles."""
    words: dict[str, None] = {}
    with corpus.open(encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if i >= 2000:
                break
            for word in json.loads(line)["text"].split():
                if len(word) >= 3 and word.isalpha():
                    words[word] = None
    return rng.sample(sorted(words), min(count, len(words)))


def prefixes(words: Iterable[str]) -> list[str]:
    return [word[:n] for word in words for n in LETTERS if n <= len(word)]


def ensure_index(out: Path, docs: int) -> Path:
    folder = out / f"idx-{docs}" / "ours"
    if not (out / f"index-{docs}.json").exists() or not folder.is_dir():
        print(f"building {folder} (bench/index.py --engines ours) …", file=sys.stderr)
        cmd = python_child(
            ROOT / "bench" / "index.py", "--docs", str(docs), "--engines", "ours", "--out", str(out)
        )
        subprocess.run(cmd, check=True)
    return folder


def ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def time_expansions(ix, words: list[str]) -> tuple[list[float], list[int]]:
    """Per word: ms of its cross-script expansion, and the words it expands to."""
    reader = ix.searcher().reader()
    times, found = [], []
    for word in words:
        started = time.perf_counter()
        keys = ix.builder.analysis.query_keys(word)
        query = Q.Or([CrossScriptTerm("key", key) for key in keys])
        expansions = multiterm_expansions(query, reader)
        times.append(ms_since(started))
        found.append(sum(len(terms) for terms in expansions.values()))
    return times, found


def time_suggestions(ix, typed: list[str]) -> list[dict]:
    """Per prefix: ms of the whole suggestions call, of its cross-script part and of
    its title search, the key terms the cross-script part read, and how many words
    of other scripts were offered."""
    reader = ix.searcher().reader()
    rows = []
    for prefix in typed:
        started = time.perf_counter()
        offered = ix.suggestions(prefix)
        whole = ms_since(started)
        started = time.perf_counter()
        parts = [prefix_candidates(reader, "key", w) for w in prefix_words(ix.builder, prefix)]
        for part in parts:
            merge_prefix_candidates([part])
        across = ms_since(started)
        started = time.perf_counter()
        split = split_prefix(ix.builder, prefix)
        if split:  # the titles that match, as suggestions() looks them up
            list(ix.searcher().search(Q.Prefix("title", split[1]), limit=8))
        titles = ms_since(started)
        rows.append(
            {
                "letters": len(prefix),
                "whole": whole,
                "across": across,
                "titles": titles,
                "read": sum(len(terms) for part in parts for terms in part),
                "offered": sum(1 for s in offered if s.matches),
            }
        )
    return rows


def fmt_ms(values: list[float]) -> str:
    return f"{percentile(values, 50):.1f} / {percentile(values, 95):.1f}"


def met(values: list[float], target: float) -> str:
    p95 = percentile(values, 95)
    return "yes" if p95 <= target else f"**no** (×{p95 / target:.1f})"


def tables(figures: dict) -> str:
    exp, sug = figures["expansion"], figures["suggestions"]
    rows = [
        [
            "expansion of one query word (candidates + verdict)",
            f"{len(exp['ms']):,} English words",
            fmt_ms(exp["ms"]),
            f"≤ {TARGET_EXPANSION_MS:g}",
            met(exp["ms"], TARGET_EXPANSION_MS),
        ]
    ]
    for name, label in (("english", "English words"), ("corpus", "corpus words")):
        whole = [r["whole"] for r in sug[name]]
        rows.append(
            [
                f"suggestions as you type, prefixes of {label} "
                "(cross-script part alone; title search alone)",
                f"{len(whole):,} prefixes",
                f"{fmt_ms(whole)} ({fmt_ms([r['across'] for r in sug[name]])}; "
                f"{fmt_ms([r['titles'] for r in sug[name]])})",
                f"≤ {TARGET_SUGGEST_MS:g}",
                met(whole, TARGET_SUGGEST_MS),
            ]
        )
    out = [markdown_table(["what", "timed", "p50 / p95 ms", "target p95", "met"], rows), ""]
    by_length = []
    everything = sug["english"] + sug["corpus"]
    for n in LETTERS:
        these = [r for r in everything if r["letters"] == n]
        if not these:
            continue
        by_length.append(
            [
                str(n),
                f"{len(these):,}",
                fmt_ms([r["whole"] for r in these]),
                fmt_ms([r["across"] for r in these]),
                fmt_ms([r["titles"] for r in these]),
                f"{sum(r['read'] for r in these) / len(these):.0f}",
                f"{sum(1 for r in these if r['offered']) / len(these):.0%}",
            ]
        )
    out.append(
        markdown_table(
            [
                "letters typed",
                "prefixes",
                "suggestions p50 / p95 ms",
                "cross-script part p50 / p95 ms",
                "title search p50 / p95 ms",
                "key terms read (mean)",
                "with a word of another script",
            ],
            by_length,
        )
    )
    out.append("")
    out.append(
        f"`python bench/crossscript.py --docs {figures['docs']} --write docs/BENCHMARKS.md` on "
        f"{figures['when']}, commit {figures['code']}, {figures['docs']:,} documents, words of "
        f"other scripts from {MIN_PREFIX_LETTERS} letters; expansions: {figures['found']} words "
        f"found a word (median over those {figures['median_found']}). 1-minute load average "
        f"{figures['load'][0]:.1f} at the start, {figures['load'][1]:.1f} at the end "
        f"(2 cores, shared)."
    )
    return "\n".join(out)


def code_version() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="corpus size")
    parser.add_argument("--out", type=Path, default=OUT, help="corpora and indexes")
    parser.add_argument("--names", type=Path, default=NAMES, help="the dev-*.tsv folder")
    parser.add_argument("--sample", type=int, default=600, help="words of each kind typed")
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to write the tables into")
    args = parser.parse_args(argv)

    folder = ensure_index(args.out, args.docs)
    rng = random.Random(0)
    english = english_words(args.names)
    typed_english = rng.sample(english, min(args.sample, len(english)))
    corpus = corpus_words(args.out / f"corpus-{args.docs}.jsonl", args.sample, rng)
    load_start = os.getloadavg()[0]
    with open_index(folder) as ix:
        ix.suggestions("warm")  # open the reader and the analysis once
        expansion_ms, found = time_expansions(ix, english)
        suggestions = {
            "english": time_suggestions(ix, prefixes(typed_english)),
            "corpus": time_suggestions(ix, prefixes(corpus)),
        }
    hits = sorted(n for n in found if n)
    figures = {
        "docs": args.docs,
        "when": datetime.date.today().isoformat(),
        "code": code_version(),
        "load": (load_start, os.getloadavg()[0]),
        "expansion": {"ms": expansion_ms},
        "suggestions": suggestions,
        "found": f"{len(hits):,} of {len(found):,}",
        "median_found": hits[len(hits) // 2] if hits else 0,
    }
    text = tables(figures)
    print(text)
    if args.write:
        write_between_markers(args.write, MARKER, text)


if __name__ == "__main__":
    main()
