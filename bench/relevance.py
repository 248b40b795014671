"""Relevance on the outside test sets, beside Lucene's figures.

    python bench/relevance.py [--shared ../shared/relevance] [--write docs/BENCHMARKS.md]

Indexes each set's docs.jsonl (read in place: the data's licences allow
evaluation only, so nothing is copied into the project), runs its queries
and scores them with ir-measures through ``search.evaluation``. With
``--write`` the table replaces the one between the markers in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search import open_index, update  # noqa: E402
from search.evaluation import evaluate, read_queries, run_queries  # noqa: E402

SETS = ("arcd-ar", "fa-parsinlu", "xquad-hi")
# From shared/relevance/README.md: Lucene 9.9's language analyzers and our targets.
LUCENE = {"arcd-ar": (0.807, 0.842), "fa-parsinlu": (0.723, 0.757), "xquad-hi": (0.929, 0.943)}
TARGET = {"arcd-ar": 0.86, "fa-parsinlu": 0.77, "xquad-hi": 0.955}
BEGIN, END = "<!-- relevance:begin -->", "<!-- relevance:end -->"


def measure(shared: Path, work: Path) -> dict[str, dict]:
    figures = {}
    for name in SETS:
        folder = shared / name
        index_dir = work / name
        shutil.rmtree(index_dir, ignore_errors=True)
        update(index_dir, [folder / "docs.jsonl"])
        queries = read_queries(folder / "queries.tsv")
        with open_index(index_dir) as ix:
            run = list(run_queries(ix, queries, 100))
        figures[name] = evaluate(run, folder / "qrels.txt", queries)
    return figures


def table(figures: dict[str, dict]) -> str:
    import icu  # the analysis is meant to be the same on every ICU; each row says which ran

    rows = [
        "| set | queries | MRR@10 | nDCG@10 | R@10 | R@100 "
        "| Lucene MRR@10 / nDCG@10 | target MRR@10 | ICU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, f in figures.items():
        lucene = LUCENE[name]
        met = "met" if f["MRR@10"] >= TARGET[name] else "not yet"
        rows.append(
            f"| {name} | {f['queries']} | **{f['MRR@10']:.3f}** | {f['nDCG@10']:.3f} | "
            f"{f['R@10']:.3f} | {f['R@100']:.3f} | {lucene[0]:.3f} / {lucene[1]:.3f} | "
            f"≥ {TARGET[name]} ({met}) | {icu.ICU_VERSION} |"
        )
    return "\n".join(rows)


def write_into(doc: Path, text: str) -> None:
    content = doc.read_text(encoding="utf-8")
    start, end = content.index(BEGIN) + len(BEGIN), content.index(END)
    doc.write_text(content[:start] + "\n" + text + "\n" + content[end:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "relevance")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "relevance")
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to update")
    args = parser.parse_args()
    text = table(measure(args.shared, args.work))
    print(text)
    if args.write:
        write_into(args.write, text)


if __name__ == "__main__":
    main()
