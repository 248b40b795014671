"""search-cli run / eval on a tiny corpus whose scores are worked out by hand."""

from __future__ import annotations

import json

import pytest

from checkout import run_cli

DOCS = [
    {"id": "d1", "text": "تنگستن فلز سخت است"},
    {"id": "d2", "text": "تنگستن و اورانیوم و تنگستن در معدن تنگستن"},
    {"id": "d3", "text": "خبر درباره بارش باران"},
]
# q1: only d1 is relevant; it has tungsten once, d2 three times in a short text,
# so d2 ranks first and d1 second: reciprocal rank 1/2.
# q2: باران only in d3, relevant: reciprocal rank 1.
# q3: finds nothing: reciprocal rank 0, and it counts.
QUERIES = "q1\tتنگستن\nq2\tباران\nq3\tdemocracy\n"
QRELS = "q1 0 d1 1\nq2 0 d3 1\nq3 0 d2 1\n"


@pytest.fixture
def tiny(tmp_path):
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in DOCS), encoding="utf-8")
    (tmp_path / "queries.tsv").write_text(QUERIES, encoding="utf-8")
    (tmp_path / "qrels.txt").write_text(QRELS, encoding="utf-8")
    assert run_cli("index", "--index", str(tmp_path / "ix"), str(corpus)).returncode == 0
    return tmp_path


def test_run_writes_a_trec_run(tiny):
    done = run_cli(
        "run", "--index", str(tiny / "ix"), "--queries", str(tiny / "queries.tsv"), "--tag", "mine"
    )
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    assert [(row[0], row[2], row[3]) for row in lines] == [
        ("q1", "d2", "1"),
        ("q1", "d1", "2"),
        ("q2", "d3", "1"),
    ]
    assert all(row[1] == "Q0" and row[5] == "mine" for row in lines)
    assert float(lines[0][4]) > float(lines[1][4])


def test_eval_scores_by_hand(tiny):
    run_file = tiny / "run.txt"
    done = run_cli(
        "eval",
        "--index",
        str(tiny / "ix"),
        "--queries",
        str(tiny / "queries.tsv"),
        "--qrels",
        str(tiny / "qrels.txt"),
        "--run",
        str(run_file),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["MRR@10"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert figures["R@10"] == pytest.approx(2 / 3)
    assert figures["R@100"] == pytest.approx(2 / 3)
    # nDCG@10 with one relevant doc: 1/log2(rank+1): 1/log2(3) for q1, 1 for q2
    import math

    assert figures["nDCG@10"] == pytest.approx((1 / math.log2(3) + 1) / 3)
    assert figures["queries"] == 3 and figures["no_result"] == 1
    assert len(run_file.read_text().splitlines()) == 3


def test_bad_query_file_is_a_clear_error(tiny):
    bad = tiny / "bad.tsv"
    bad.write_text("no tab here\n", encoding="utf-8")
    done = run_cli("run", "--index", str(tiny / "ix"), "--queries", str(bad))
    assert done.returncode == 2 and "qid<TAB>query" in done.stderr
