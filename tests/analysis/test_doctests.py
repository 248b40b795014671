"""The examples in the analysis docstrings are run, so they stay true.

Same as ``pytest --doctest-modules search/analysis``, kept here so that the
plain test command runs them too.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import search.analysis

MODULES = sorted(
    info.name for info in pkgutil.iter_modules(search.analysis.__path__, "search.analysis.")
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples fail in {name}"


def test_the_docstrings_have_examples():
    attempted = sum(doctest.testmod(importlib.import_module(n)).attempted for n in MODULES)
    assert attempted >= 5
