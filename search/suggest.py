"""Did-you-mean and completions as you type, from the words an index holds.

One index answers from its own reader; a sharded index asks every shard for
the same figures (:func:`spellings`, :func:`completion_candidates`) and merges
them here, so both give the same suggestions over the same documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from whoosh.spelling import Corrector

from .analysis import token_script
from .analysis.crossscript import split_key_term
from .analysis.scripts import ARABIC, ARABIC_ONLY, DEVANAGARI, PERSIAN_ONLY
from .query import ParsedQuery, QueryBuilder

# Words of the index looked at for completing a prefix (the first ones in
# order): a bound on the work of a one-letter prefix over a large vocabulary.
COMPLETION_TERMS = 2000
# Titles are offered from this many letters typed: a shorter prefix of Arabic script
# (وال, بال) stands for a thousand title words and more, whose ranking costs far more
# than a keystroke may (docs/BENCHMARKS.md), and picks no title in particular.
MIN_TITLE_PREFIX = 4
# Below this many matches, a search offers a corrected query.
SUGGEST_BELOW = 3
MAXDIST, PREFIX = 2, 1


class MergedCorrector(Corrector):
    """Whoosh's ReaderCorrector ranking, over term frequencies from one reader or summed
    over shards: by edit distance, then higher frequency, then the word."""

    def __init__(self, frequencies: dict[str, float]):
        self.frequencies = frequencies

    def _suggestions(self, text, maxdist, prefix):
        for sug, f in self.frequencies.items():
            yield (0 - (maxdist + (1.0 / (f or 1) * 0.5)), sug)


# -- did you mean


def spellings(reader, words: Sequence[str]) -> list[dict]:
    """Per exact word: its document frequencies in body and title, and the body's words
    within the edit distance with their frequencies (what a shard answers)."""
    spell_field = reader.schema["body"].spelling_fieldname("body")
    out = []
    for word in words:
        body, title = reader.doc_frequency("body", word), reader.doc_frequency("title", word)
        candidates = {}
        if not (body or title):  # a word the index has is not corrected
            for sug in reader.terms_within(spell_field, word, MAXDIST, prefix=PREFIX):
                candidates[sug] = reader.frequency("body", sug)
        out.append({"body": body, "title": title, "candidates": candidates})
    return out


def corrected_query(
    parsed: ParsedQuery,
    builder: QueryBuilder,
    lookup: Callable[[list[str]], Iterable[list[dict]]],
) -> str | None:
    """The query with each word the index lacks replaced by the nearest word it has in the
    same script; None when nothing changed.

    ``lookup(exact_words)`` gives :func:`spellings` of those words from every part of the
    index (one reader, or each shard).
    """
    words = []
    for word in parsed.words:
        exact = builder.exact(word)
        if exact and len(exact) >= 3 and not exact.isdigit():
            words.append((word, exact))
    if not words:
        return None
    parts = list(lookup([exact for _, exact in words]))
    text, changed = parsed.text, False
    for i, (word, exact) in enumerate(words):
        if any(part[i]["body"] or part[i]["title"] for part in parts):
            continue
        frequencies: dict[str, float] = {}
        for part in parts:
            for sug, f in part[i]["candidates"].items():
                frequencies[sug] = frequencies.get(sug, 0) + f
        script = token_script(word)
        for candidate in MergedCorrector(frequencies).suggest(
            exact, limit=5, maxdist=MAXDIST, prefix=PREFIX
        ):
            if token_script(candidate) == script and candidate != exact:
                text = text.replace(word, candidate, 1)
                changed = True
                break
    return text if changed else None


# -- completions


def split_prefix(builder: QueryBuilder, prefix: str) -> tuple[str, str] | None:
    """(the words before the last, the last word's exact term), or None when there is
    nothing to complete."""
    words = prefix.split()
    if not words or any("\ud800" <= ch <= "\udfff" for ch in prefix):
        return None
    last = builder.exact(words[-1])
    if not last:
        return None
    return " ".join(words[:-1]), last


def prefix_words(builder: QueryBuilder, typed: str) -> list[str]:
    """The normalised readings of a word being typed that other scripts are looked in
    for: as the query's keys read it, with and without Arabic clitics."""
    return [split_key_term(key)[1] for key in builder.analysis.query_keys(typed)]


def completion_candidates(reader, prefix: str, cap: int = COMPLETION_TERMS) -> list[tuple]:
    """(word, document frequency) of the first ``cap`` body words starting with ``prefix``."""
    out = []
    for term in reader.expand_prefix("body", prefix):
        word = term.decode("utf-8") if isinstance(term, bytes) else term
        out.append((word, reader.doc_frequency("body", word)))
        if len(out) >= cap:
            break
    return out


def best_completions(parts: Iterable[list[tuple]], limit: int) -> list[str]:
    """The words to offer: of the first COMPLETION_TERMS words of all parts together, those
    in most documents (ties by the word), room left for two titles."""
    frequencies: dict[str, int] = {}
    for part in parts:
        for word, df in part:
            frequencies[word] = frequencies.get(word, 0) + df
    first = sorted(frequencies)[:COMPLETION_TERMS]
    scored = sorted(((frequencies[w], w) for w in first), key=lambda p: (-p[0], p[1]))
    return [word for _, word in scored[: max(1, limit - 2)]]


@dataclass(frozen=True)
class Suggestion:
    """One completion offered as the reader types: the text the search box would hold
    and, for a word of another script that sounds like the word being typed, that word
    (``matches``), the word's script and, when its letters tell, its language."""

    text: str
    matches: str | None = None
    script: str | None = None
    lang: str | None = None

    def to_dict(self) -> dict:
        out = {"text": self.text, "matches": self.matches, "script": self.script}
        if self.lang:
            out["lang"] = self.lang
        return out


def cross_script_words(kept: Iterable[dict[str, tuple[float, int]]], limit: int) -> list[str]:
    """The words of other scripts to offer for a word being typed: of the key terms kept
    (:func:`search.query.crossscript.merge_prefix_candidates`, one dict per reading of
    the word), the most alike, then those in most documents, then by the word."""
    best: dict[str, tuple[float, int]] = {}
    for terms in kept:
        for text, (alike, df) in terms.items():
            word = split_key_term(text)[1]
            had = best.get(word)
            if had is None or (alike, df) > had:
                best[word] = (alike, df)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [word for word, _ in ranked[:limit]]


def _lang_of(word: str) -> str | None:
    script = token_script(word)
    if script == DEVANAGARI:
        return "hi"
    if script == ARABIC:
        persian = sum(ch in PERSIAN_ONLY for ch in word)
        arabic = sum(ch in ARABIC_ONLY for ch in word)
        if persian != arabic:
            return "fa" if persian > arabic else "ar"
    return None


def completions(
    head: str,
    words: list[str],
    surfaces: dict[str, str],
    titles: Iterable[str],
    limit: int,
    typed: str = "",
    across: Sequence[str] = (),
) -> list[Suggestion]:
    """The completed prefixes (each word as articles write it), then words of other
    scripts that sound like the word being typed (``typed``), then matching titles.

    Words of other scripts take up to half the room left for words when there are
    enough of both; either takes what the other leaves.
    """
    slots = max(1, limit - 2)
    own = min(len(words), slots - min(len(across), slots // 2))
    out: list[Suggestion] = []
    seen: set[str] = set()

    def add(suggestion: Suggestion) -> None:
        if suggestion.text not in seen and len(out) < limit:
            seen.add(suggestion.text)
            out.append(suggestion)

    for word in words[:own]:
        add(Suggestion((head + " " + surfaces.get(word, word)).strip()))
    for word in across[: slots - own]:
        surface = surfaces.get(word, word)
        text = (head + " " + surface).strip()
        add(Suggestion(text, typed, token_script(surface), _lang_of(surface)))
    for title in titles:
        if len(out) >= limit:
            break
        add(Suggestion(title))
    return out
