"""Relevance evaluation: TREC runs of a query file, scored with ir-measures.

``search-cli run`` writes the run; ``search-cli eval`` scores it against
qrels. The measures come from ir-measures (pytrec_eval underneath), never
from formulas of our own; a query with no result counts as 0, not as absent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .engine import SearchIndex
from .errors import QueryError

MEASURES = ("RR@10", "nDCG@10", "R@10", "R@100")
MEASURE_NAMES = {"RR@10": "MRR@10", "nDCG@10": "nDCG@10", "R@10": "R@10", "R@100": "R@100"}


@dataclass
class RunLine:
    qid: str
    docid: str
    rank: int
    score: float

    def trec(self, tag: str) -> str:
        return f"{self.qid} Q0 {self.docid} {self.rank} {self.score:.6f} {tag}"


def read_queries(path: str | os.PathLike) -> list[tuple[str, str]]:
    """``qid<TAB>query`` lines; blank lines and ``#`` comments skipped."""
    queries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        qid, sep, text = line.partition("\t")
        if not sep or not qid.strip():
            raise ValueError(f"{path}:{number}: expected 'qid<TAB>query'")
        queries.append((qid.strip(), text.strip()))
    return queries


def run_queries(
    ix: SearchIndex,
    queries: list[tuple[str, str]],
    k: int = 100,
    on_query: Callable[[], None] | None = None,
) -> Iterator[RunLine]:
    """The top ``k`` documents of every query, in rank order."""
    for qid, text in queries:
        try:
            result = ix.search(text, limit=k, snippets=False)
        except QueryError:
            result = None
        if result is not None:
            for rank, hit in enumerate(result.results, 1):
                yield RunLine(qid, hit.id, rank, hit.score)
        if on_query:
            on_query()


def evaluate(run: list[RunLine], qrels_path: str | os.PathLike, queries: list[tuple[str, str]]):
    """Mean of each measure over every query that has judgements."""
    import ir_measures

    qrels = list(ir_measures.read_trec_qrels(str(qrels_path)))
    judged = {q.query_id for q in qrels}
    asked = {qid for qid, _ in queries} & judged
    scored = [
        ir_measures.ScoredDoc(line.qid, line.docid, line.score) for line in run if line.qid in asked
    ]
    measures = [ir_measures.parse_measure(m) for m in MEASURES]
    per_query: dict[str, dict[str, float]] = {str(m): {} for m in measures}
    for metric in ir_measures.iter_calc(measures, qrels, scored):
        per_query[str(metric.measure)][metric.query_id] = metric.value
    answered = {line.qid for line in run}
    figures = {
        MEASURE_NAMES[name]: (sum(values.get(q, 0.0) for q in asked) / len(asked) if asked else 0.0)
        for name, values in per_query.items()
    }
    figures["queries"] = len(asked)
    figures["no_result"] = len(asked - answered)
    return figures
