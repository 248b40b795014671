"""Shared fixtures for the analysis tests.

Every table in these tests is a list of ``pytest.param`` rows with an ASCII id,
so that a failure names the rule (``alef-madda``) rather than a string of
right-to-left letters that a terminal may reorder.
"""

from __future__ import annotations

import pytest

from search.analysis import Analysis, AnalyzedToken


@pytest.fixture(scope="session")
def analysis() -> Analysis:
    return Analysis()


@pytest.fixture(scope="session")
def only_token(analysis):
    """Analyses a text that must be exactly one word and returns that word."""

    def only_token(text: str, lang: str | None = None) -> AnalyzedToken:
        tokens = analysis.tokens(text, lang)
        assert len(tokens) == 1, f"{text!r} gave {[t.surface for t in tokens]}"
        return tokens[0]

    return only_token
