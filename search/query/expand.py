"""Prefixes, wildcards and fuzzy terms, expanded over the whole collection.

Whoosh scores such a query by what it expands to in each segment of the index:
one term is scored as a term, two are scored and summed, three or more in a
segment of at most 5000 documents all score a constant instead
(``PreloadedOr`` with ``weighting=None``). So the same document would score
differently depending on which segment, or shard, holds it and what else is
there (``की?``, a Hindi question's last word read as a wildcard, scored 17.57 in
one index and 17.94 in a shard). :func:`expand_multiterms` replaces each such
query by its expansion over the whole collection, an OR of scored terms, before
searching; one index and a sharded one then agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from whoosh import query as Q
from whoosh.query.terms import MultiTerm

from ..analysis.crossscript import split_key_term
from ..errors import QueryError
from .crossscript import CrossScriptTerm
from .parse import BOUNDED, MAX_EXPANSIONS


def multiterm_key(leaf: Q.Query) -> str:
    """Names a prefix/wildcard/fuzzy query by what it is (equal queries expand alike)."""
    return f"{type(leaf).__name__}:{leaf!r}"


def multiterm_expansions(
    query: Q.Query, reader, deadline=None, max_terms: int | None = None
) -> dict[str, list[bytes]]:
    """The terms of ``reader`` each prefix, wildcard or fuzzy term of ``query`` stands for.

    With a ``deadline`` (:class:`search.budget.Deadline`), checked as the terms are read;
    with ``max_terms``, a QueryError as soon as the expansions together pass it,
    so a query of many broad wildcards is refused after a few of them, not all.
    """
    out: dict[str, list[bytes]] = {}
    total = 0
    for leaf in query.leaves():
        if not isinstance(leaf, MultiTerm):
            continue
        key = multiterm_key(leaf)
        if key in out:
            continue
        terms = leaf.expanded_terms(reader)
        if deadline is not None:
            deadline.check()
            terms = deadline.iterate(terms)
        out[key] = sorted({text for _, text in terms})
        total += len(out[key])
        if max_terms is not None and total > max_terms:
            raise QueryError(
                f"the query's wildcards, prefixes and fuzzy words stand for more than "
                f"{max_terms:,} words of the index; use fewer of them, or longer ones"
            )
    return out


def expansion_bound(leaf: Q.Query) -> int | None:
    """How many terms ``leaf`` stands for at most, in index order (None: all).

    Our prefixes and wildcards are bounded (BOUNDED, MAX_EXPANSIONS); the first N terms of the whole
    collection are then the first N of the shards' first N together.
    """
    if type(leaf) in BOUNDED.values():
        return MAX_EXPANSIONS
    return None


def merge_expansions(query: Q.Query, parts) -> dict[str, list[bytes]]:
    """The expansions over all shards from each shard's ``multiterm_expansions``."""
    merged: dict[str, set[bytes]] = {}
    for part in parts:
        for key, texts in part.items():
            merged.setdefault(key, set()).update(texts)
    bounds = {
        multiterm_key(leaf): expansion_bound(leaf)
        for leaf in query.leaves()
        if isinstance(leaf, MultiTerm)
    }
    return {key: sorted(texts)[: bounds.get(key)] for key, texts in merged.items()}


def expand_multiterms(
    query: Q.Query, reader=None, expansions: Mapping[str, Sequence[bytes]] | None = None
) -> Q.Query:
    """``query`` with every prefix, wildcard and fuzzy term replaced by an OR of scored terms.

    The terms are those of ``expansions`` (key → terms, from
    :func:`multiterm_expansions` over the whole collection), else of ``reader``.
    Each term keeps the query's boost, as Whoosh's own expansion does.
    """
    if expansions is None:
        expansions = multiterm_expansions(query, reader) if reader is not None else {}

    def expand(node: Q.Query) -> Q.Query:
        if not isinstance(node, MultiTerm):
            return node
        fieldname = node.field()
        texts = [_text(t) for t in expansions.get(multiterm_key(node), ())]
        if isinstance(node, CrossScriptTerm):  # each word weighted by how alike it sounds
            terms = [Q.Term(fieldname, t, boost=node.term_boost(t)) for t in texts]
        else:
            terms = [Q.Term(fieldname, t, boost=node.boost) for t in texts]
        if not terms:
            return Q.NullQuery
        return terms[0] if len(terms) == 1 else Q.Or(terms)

    return query.accept(expand)


def crossed_words(
    query: Q.Query, expansions: Mapping[str, Sequence[bytes]]
) -> dict[str, tuple[str, float]]:
    """Each key term a cross-script word of ``query`` expanded to → (the query word,
    how alike the two sound), the likest when several query words reach it.

    Made once per search from the same expansions the ranking used (on one index, or
    merged from the shards), so that a hit can name which query word matched which
    of its words without looking at the query again.
    """
    out: dict[str, tuple[str, float]] = {}
    for leaf in query.leaves():
        if not isinstance(leaf, CrossScriptTerm):
            continue
        word = split_key_term(leaf.text)[1]
        for term in map(_text, expansions.get(multiterm_key(leaf), ())):
            alike = leaf.similarity_of(term)
            if term not in out or alike > out[term][1]:
                out[term] = (word, alike)
    return out


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
