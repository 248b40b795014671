"""Every case of the shared relevance file over the bundled seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkout import DATA, ROOT

SHARED_DEV = ROOT.parent / "shared" / "queries" / "dev.tsv"


def dev_cases() -> list[tuple[str, str, list[str] | None, list[str]]]:
    cases = []
    for line in (DATA / "dev.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, query, top, returned, _note = (line.split("\t") + [""] * 5)[:5]
        top_ids = None if top.strip() == "-" else top.split()
        cases.append((qid, query, top_ids, returned.split()))
    return cases


def test_copy_matches_the_shared_file():
    if not SHARED_DEV.exists():
        pytest.skip("no ../shared beside this checkout")
    assert (DATA / "dev.tsv").read_bytes() == Path(SHARED_DEV).read_bytes()


@pytest.mark.parametrize("qid, query, top, returned", dev_cases(), ids=lambda v: str(v))
def test_dev_case(seeds_index, qid, query, top, returned):
    result = seeds_index.search(query, limit=10)
    ids = [hit.id.split("_")[0] for hit in result.results]
    if top is None:
        assert result.total == 0, f"{query!r} should find nothing, found {ids}"
        return
    assert sorted(ids[: len(top)]) == sorted(top), f"{query!r}: ranked {ids}"
    for doc in returned:
        assert doc in ids, f"{query!r}: {doc} missing from {ids}"
