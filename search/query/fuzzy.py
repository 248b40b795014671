"""Fuzzy terms (``word~``) without an edit distance against every word of the index.

Whoosh's ``FuzzyTerm`` finds its words in two ways, depending on the index:
over several segments it walks every word of the field that shares the prefix
and computes the Damerau-Levenshtein distance in Python for each (the
"optimal string alignment" form: swapping two neighbouring letters is one
edit), every word under one letter of a large index, for every query, and
again for the snippets. Over a single segment it walks a
Levenshtein automaton instead, where a swap is two edits, so ``word~`` found
other words once an index was merged into one segment.

:class:`NearTerm` finds the words of the first way, on any index: the words
under the prefix are read once per reader and kept by length (a word more than
``maxdist`` letters longer or shorter cannot be near), and the distance to the
rest is RapidFuzz's ``OSA`` (the same distance, in C).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable

from whoosh import query as Q

# Words of one field under one prefix, by length, per reader.
WordsByLength = dict[int, list[str]]
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def words_by_length(reader, fieldname: str, prefix: str) -> WordsByLength:
    """The field's words that start with ``prefix``, grouped by length (kept with the reader)."""
    key = (fieldname, prefix)
    with _lock:
        per_reader = _cache.setdefault(reader, {})
        found = per_reader.get(key)
    if found is not None:
        return found
    field = reader.schema[fieldname]
    grouped: WordsByLength = {}
    for btext in reader.expand_prefix(fieldname, prefix):
        word = field.from_bytes(btext)
        grouped.setdefault(len(word), []).append(word)
    with _lock:
        per_reader[key] = grouped
    return grouped


def words_within(reader, fieldname: str, text: str, maxdist: int, prefix: int) -> list[str]:
    """The words of the field within ``maxdist`` edits of ``text`` that share its first
    ``prefix`` characters: the words ``reader.terms_within`` yields, in index order."""
    # imported here: every search-cli start would pay for it, for a rare query form
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    grouped = words_by_length(reader, fieldname, text[:prefix])
    candidates = [
        word
        for length in range(len(text) - maxdist, len(text) + maxdist + 1)
        for word in grouped.get(length, ())
    ]
    near = process.extract(text, candidates, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
    return sorted(word for word, _, _ in near)


class NearTerm(Q.FuzzyTerm):
    """Whoosh's FuzzyTerm, expanded through :func:`words_within`."""

    def _btexts(self, ixreader) -> Iterable[str]:
        return words_within(ixreader, self.fieldname, self.text, self.maxdist, self.prefixlength)
