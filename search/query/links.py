"""Extra clauses for a name the reader typed: its other forms, as CLDR links them.

Why: ``Kazakhstan`` and ``قزاقستان`` are the same name, and ICU's CLDR data
says so (:mod:`search.analysis.cldr`); a cross-script key or a similarity only
guesses it. So when a query word, or two or three neighbouring words, are a name
CLDR translates, each of its forms in the other languages is searched like the
reader's own word: its exact terms in title and body (a phrase when the form has
several words), at the weights the query gives the reader's exact terms. A word
that is no name adds nothing.

The forms searched are those of the news' three languages (issue #17: a name typed
in any script finds the article in Arabic, Persian or Hindi). English is a
language a reader types names in, not one linked to: in Arabic articles an
English form is a gloss ("الولايات المتحدة (United States)"), and matching it
put such paragraphs above the answer on the Arabic relevance set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from whoosh import query as Q

from ..analysis.cldr import MAX_WORDS, linked_forms

# the languages whose forms of a name are searched
LINKED_LANGS = ("ar", "fa", "hi")


def link_clauses(terms: Sequence[str], fields: Sequence[tuple[str, float]]) -> list[Q.Query]:
    """The other forms of the name ``terms`` (exact terms), in each of ``fields`` (name, weight)."""
    clauses: list[Q.Query] = []
    for form in linked_forms(terms, LINKED_LANGS):
        for fieldname, weight in fields:
            if len(form) == 1:
                clauses.append(Q.Term(fieldname, form[0], boost=weight))
            else:
                clauses.append(Q.Phrase(fieldname, list(form), boost=weight))
    return clauses


def name_clauses(terms: Sequence[str], fields: Sequence[tuple[str, float]]) -> list[Q.Query]:
    """The other forms of every run of 2 to MAX_WORDS neighbouring terms that is a name
    (one word's links are the word's own clauses)."""
    clauses: list[Q.Query] = []
    for n in range(2, MAX_WORDS + 1):
        for i in range(len(terms) - n + 1):
            run = terms[i : i + n]
            if all(run):
                clauses.extend(link_clauses(run, fields))
    return clauses


def linked_words(runs: Iterable[Sequence[str]]) -> dict[str, tuple[str, int]]:
    """Each exact term of a form searched for a name among ``runs`` (the query's words
    as exact terms, in the order typed) → (the query word, or words, it is a form of;
    how many words the form has).

    The words and runs of words are those :func:`link_clauses` and
    :func:`name_clauses` are given, so that a hit can tell the reader which of
    its words a name matched.
    """
    out: dict[str, tuple[str, int]] = {}
    for terms in runs:
        for n in range(1, MAX_WORDS + 1):
            for i in range(len(terms) - n + 1):
                run = terms[i : i + n]
                if not all(run):
                    continue
                for form in linked_forms(run, LINKED_LANGS):
                    for term in form:
                        out.setdefault(term, (" ".join(run), len(form)))
    return out
