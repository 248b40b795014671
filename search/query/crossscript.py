"""A query word in any script → the index's words that sound like it, in every other.

Candidates come from the index's own vocabulary: the words stored under the
query word's key and its near variants (:func:`search.analysis.crossscript.key_variants`),
one prefix lookup a variant. Each candidate gets a verdict, the similarity of
the two words' transliterations (:func:`search.analysis.similarity.similarity`);
those at :data:`THRESHOLD` or above are searched like the terms of a fuzzy
word, each weighted by its similarity, so a weak match never outranks a strong
one. Prefix lookups run over the whole collection before ranking
(:mod:`search.query.expand`), on one index or on every shard alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh import query as Q
from whoosh.query.terms import MultiTerm

from ..analysis.crossscript import (
    KEY_SEPARATOR,
    VOWEL_MARK,
    key_variants,
    prefix_keys,
    prefix_sounds,
    sound_readings,
    split_key_term,
    transliteration,
)
from ..analysis.scripts import token_script
from ..analysis.similarity import prefix_similarities, similarities, similarity

# The least similarity of a candidate that is searched: of a word under the query
# word's own key, and of one under a near variant of it. Below them, words that
# share a skeleton by chance (Biden's pdn and बढ़ाने's) are left out.
THRESHOLD = 0.65
VARIANT_THRESHOLD = 0.85
# ... and of a word under a short key (two consonants), which many words share
SHORT_KEY_THRESHOLD = 0.9
# Keys with fewer consonants than these propose no candidates: a short key is
# shared by too many words (heat → t), a short variant even more so.
MIN_KEY, MIN_VARIANT_KEY = 2, 3
# Candidates read at most, over all variants: a bound on a short key's work.
MAX_CANDIDATES = 2000


def best_similarity(sounds: tuple[str, ...], word: str) -> float:
    """How alike ``word`` sounds to the best of a query word's readings."""
    other = transliteration(word)
    return max(similarity(sound, other) for sound in sounds)


def candidates(reader, fieldname: str, key_text: str) -> Iterator[tuple[str, float, float]]:
    """(key term, similarity, the threshold it must reach) of every word of the index
    stored under the query's key or a variant of it; ``key_text`` is the query word's
    own key term."""
    own, word = split_key_term(key_text)
    sounds = sound_readings(word)
    script = token_script(word)
    seen: set[str] = set()
    found: list[tuple[str, str, float]] = []
    for key in key_variants(word):
        least = MIN_KEY if key == own else MIN_VARIANT_KEY
        if len(key.lstrip(VOWEL_MARK)) < least:
            continue
        needed = THRESHOLD if key == own else VARIANT_THRESHOLD
        if len(key.lstrip(VOWEL_MARK)) < 3:
            needed = max(needed, SHORT_KEY_THRESHOLD)
        for btext in reader.expand_prefix(fieldname, key + KEY_SEPARATOR):
            text = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            if text in seen:
                continue
            seen.add(text)
            other = split_key_term(text)[1]
            if token_script(other) == script:
                continue  # its own script's spellings: one term, script_key's
            found.append((text, transliteration(other), needed))
            if len(seen) >= MAX_CANDIDATES:
                break
        else:
            continue
        break
    # the verdicts together: words that begin alike share the distance's columns
    theirs = [other for _, other, _ in found]
    alike = [0.0] * len(found)
    for sound in sounds:
        alike = [max(x, y) for x, y in zip(alike, similarities(sound, theirs), strict=True)]
    for (text, _, needed), figure in zip(found, alike, strict=True):
        yield text, figure, needed


def word_candidates(reader, keys: list[str]) -> list[tuple[str, float, bool]]:
    """(word, similarity, whether it is searched) of every candidate of a query word in
    the other scripts, likest first; ``keys``: the word's key terms
    (:meth:`search.analysis.Analysis.query_keys`). What ``search-cli analyze`` lists."""
    best: dict[str, tuple[float, bool]] = {}
    for key_text in keys:
        for text, alike, needed in candidates(reader, "key", key_text):
            word = split_key_term(text)[1]
            old = best.get(word, (0.0, False))
            best[word] = (max(old[0], alike), old[1] or alike >= needed)
    return sorted(
        ((word, alike, kept) for word, (alike, kept) in best.items()),
        key=lambda c: (-c[1], c[0]),
    )


class CrossScriptTerm(MultiTerm):
    """The words of the index that sound like one query word, in any script.

    ``text`` is the query word's own key term (``tngstn|tungsten``); it expands to the
    key terms of the words whose similarity reaches THRESHOLD, each searched with
    ``boost`` times its similarity (:meth:`term_boost`).
    """

    def __init__(self, fieldname: str, text: str, boost: float = 1.0):
        self.fieldname = fieldname
        self.text = text
        self.boost = boost

    def __eq__(self, other: object) -> bool:
        return (
            type(self) is type(other)
            and self.fieldname == other.fieldname
            and self.text == other.text
            and self.boost == other.boost
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.fieldname, self.text, self.boost))

    def __str__(self) -> str:
        return f"{self.fieldname}:~{self.text}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fieldname!r}, {self.text!r}, boost={self.boost!r})"

    def _btexts(self, ixreader) -> list[str]:
        return sorted(
            text
            for text, alike, needed in candidates(ixreader, self.fieldname, self.text)
            if alike >= needed
        )

    def similarity_of(self, text: str) -> float:
        """How alike the word of key term ``text`` sounds to the query word."""
        return best_similarity(
            sound_readings(split_key_term(self.text)[1]), split_key_term(text)[1]
        )

    def term_boost(self, text: str) -> float:
        """The boost of one of the words it stands for."""
        return self.boost * self.similarity_of(text)

    def simplify(self, ixreader) -> Q.Query:
        terms = [
            Q.Term(self.fieldname, t, boost=self.term_boost(t)) for t in self._btexts(ixreader)
        ]
        if not terms:
            return Q.NullQuery
        return terms[0] if len(terms) == 1 else Q.Or(terms)

    def matcher(self, searcher, context=None):
        return self.simplify(searcher.reader()).matcher(searcher, context)


# -- words being typed


# The least similarity of a word of another script to a word being typed, over
# the beginning of it most alike (search.analysis.similarity.prefix_similarity).
PREFIX_THRESHOLD = 0.8
# Letters a word being typed needs before other scripts are looked in: a shorter
# prefix's key is shared by too many words to tell any apart.
MIN_PREFIX_LETTERS = 3
# Key terms read at most, shared out evenly among the key beginnings of a word
# being typed: a bound on a short prefix's work, however many readings it has.
MAX_PREFIX_CANDIDATES = 300


def _per_key(cap: int, keys: int) -> int:
    return max(1, cap // max(1, keys))


def prefix_candidates(
    reader, fieldname: str, word: str, cap: int = MAX_PREFIX_CANDIDATES
) -> list[list[tuple[str, float, int]]]:
    """Per key beginning of ``word`` (a normalised word being typed; :func:`prefix_keys`),
    the first key terms stored under it (``cap`` shared out among the beginnings), in
    order, each as (key term, its similarity to ``word``, its document frequency): the
    similarity and frequency are 0 for a word of ``word``'s own script or one below
    PREFIX_THRESHOLD.

    Every term read is given, kept or not, so that the parts of an index (shards)
    can be merged into the first ``cap`` of the whole (:func:`merge_prefix_candidates`).
    """
    if len(word) < MIN_PREFIX_LETTERS:
        return []
    script = token_script(word)
    sounds = prefix_sounds(word)
    if not sounds:
        return []
    keys = prefix_keys(word)
    per_key = _per_key(cap, len(keys))
    read: list[list[str]] = []
    for key in keys:
        texts = []
        for btext in reader.expand_prefix(fieldname, key):
            text = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            if KEY_SEPARATOR not in text:
                continue  # a script's shared key (tngstn#a), not a word
            texts.append(text)
            if len(texts) >= per_key:
                break
        read.append(texts)
    # the verdicts, once a beginning: prefix_similarity reads no further into a
    # word, and words that begin alike (the forms of one word) share one
    reach = 2 * max(len(sound) for sound in sounds) + 2
    beginning: dict[str, str] = {}
    for texts in read:
        for text in texts:
            other = split_key_term(text)[1]
            if other and token_script(other) != script:
                beginning[text] = transliteration(other)[:reach]
    verdicts = dict.fromkeys(beginning.values(), 0.0)
    beginnings = list(verdicts)
    for sound in sounds:
        for theirs, alike in zip(beginnings, prefix_similarities(sound, beginnings), strict=True):
            if alike > verdicts[theirs]:
                verdicts[theirs] = alike
    out = []
    for texts in read:
        part = []
        for text in texts:
            alike = verdicts[beginning[text]] if text in beginning else 0.0
            if alike >= PREFIX_THRESHOLD:
                part.append((text, alike, reader.doc_frequency(fieldname, text)))
            else:
                part.append((text, 0.0, 0))
        out.append(part)
    return out


def merge_prefix_candidates(
    parts: Iterable[list[list[tuple[str, float, int]]]], cap: int = MAX_PREFIX_CANDIDATES
) -> dict[str, tuple[float, int]]:
    """{key term: (similarity, document frequency)} of the words kept among the first
    terms of each key beginning (``cap`` shared out as :func:`prefix_candidates` does),
    over all parts: the same for one index and for its shards, frequencies summed."""
    merged: dict[int, dict[str, tuple[float, int]]] = {}
    keys = 0
    for part in parts:
        keys = max(keys, len(part))
        for i, terms in enumerate(part):
            into = merged.setdefault(i, {})
            for text, alike, df in terms:
                had = into.get(text)
                into[text] = (alike, df + (had[1] if had else 0))
    kept: dict[str, tuple[float, int]] = {}
    per_key = _per_key(cap, keys)
    for terms in merged.values():
        for text in sorted(terms)[:per_key]:
            alike, df = terms[text]
            if alike > 0 and text not in kept:
                kept[text] = (alike, df)
    return kept
