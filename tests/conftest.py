"""Shared fixtures: a real index on disk, built once from the bundled seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkout import SEEDS
from search import open_index, update


@pytest.fixture(scope="session")
def seeds_index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeds-index")
    report = update(path, [SEEDS])
    assert report.added == 5 and not report.problems
    return path


@pytest.fixture(scope="session")
def seeds_index(seeds_index_dir):
    with open_index(seeds_index_dir) as ix:
        yield ix
