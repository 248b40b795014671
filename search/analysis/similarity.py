"""How alike two words sound, from their Latin transliterations: a weighted edit distance.

Two spellings of one name in different scripts differ in regular ways: Arabic
script writes no short vowels, so a vowel is cheap to add or drop; و and ی
stand for long vowels, so w, y and h are cheap too; and letters of one sound
class stand for each other (s and z, k, q and g, t and d, b, p, f and v).
A weighted edit distance with those costs tells ``بايدن`` (baydn) from
``बढ़ाने`` (barhane) for ``Biden``, where one consonant skeleton (pdn) did not.

The costs are the table :data:`search.analysis.sound_costs.COSTS`, learned
from aligned name pairs (bench/name_costs.py says how); what is not in it
falls back to the sound classes below.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate

from .sound_costs import COSTS, INDEL

VOWELS = frozenset("aeiou")
# letters Arabic script and transliteration use for long vowels and aspiration
GLIDES = frozenset("hwy")
# letters that stand for each other across the three scripts' transliterations
SOUND_CLASSES = (
    frozenset("szc"),  # س ص ز ث, स, c before e/i
    frozenset("kqgc"),  # ک ق گ غ, क ग
    frozenset("td"),  # ت ط د ض, त ट द ड
    frozenset("bpfv"),  # ب پ ف, ब प फ व
    frozenset("jzg"),  # ج ژ ز, ज
    frozenset("dz"),  # ذ ض ظ
    frozenset("rl"),
    frozenset("nm"),  # n before b/p is often m
)
VOWEL_CHANGE, VOWEL_GLIDE, NEAR, FAR = 0.2, 0.3, 0.45, 1.0
VOWEL_INDEL, GLIDE_INDEL, DOUBLE_INDEL, CONSONANT_INDEL = 0.25, 0.3, 0.1, 1.0


def _class_substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in VOWELS and b in VOWELS:
        return VOWEL_CHANGE
    if (a in VOWELS or a in GLIDES) and (b in VOWELS or b in GLIDES):
        return VOWEL_GLIDE
    if any(a in group and b in group for group in SOUND_CLASSES):
        return NEAR
    return FAR


def _class_indel(c: str) -> float:
    if c in VOWELS:
        return VOWEL_INDEL
    if c in GLIDES:
        return GLIDE_INDEL
    return CONSONANT_INDEL


@lru_cache(maxsize=1024)
def substitution(a: str, b: str) -> float:
    """What it costs to read letter ``a`` where the other spelling has ``b``."""
    if a == b:
        return 0.0
    learned = COSTS.get((a, b)) if a < b else COSTS.get((b, a))
    return learned if learned is not None else _class_substitution(a, b)


@lru_cache(maxsize=64)
def indel(c: str) -> float:
    """What it costs for one spelling to have ``c`` where the other has nothing."""
    learned = INDEL.get(c)
    return learned if learned is not None else _class_indel(c)


@lru_cache(maxsize=65536)
def _indels(word: str) -> tuple[float, ...]:
    # a letter doubled (ss, ll; Arabic shadda writes none) is nearly free
    return tuple(
        min(DOUBLE_INDEL, indel(c)) if i and word[i - 1] == c else indel(c)
        for i, c in enumerate(word)
    )


class _Substitutions(dict):
    """What it costs to read one letter as each other: ``_SUBSTITUTIONS[a][b]``, filled
    as letters are met, so the distance's inner loop is a dictionary lookup."""

    def __init__(self, letter: str):
        super().__init__()
        self.letter = letter

    def __missing__(self, other: str) -> float:
        cost = self[other] = substitution(self.letter, other)
        return cost


class _Letters(dict):
    def __missing__(self, letter: str) -> _Substitutions:
        row = self[letter] = _Substitutions(letter)
        return row


_SUBSTITUTIONS = _Letters()


def _last_row(a: str, b: str, cost_a: Sequence[float], cost_b: Sequence[float]) -> list[float]:
    """The distance from ``a`` to each beginning of ``b`` (``b[:j]`` at ``j``)."""
    previous = list(accumulate(cost_b, initial=0.0))
    for i, letter in enumerate(a):
        drop = cost_a[i]
        read_as = _SUBSTITUTIONS[letter]
        left = previous[0] + drop
        current = [left]
        for j, other in enumerate(b):
            best = previous[j] + read_as[other]
            dropped = previous[j + 1] + drop
            if dropped < best:
                best = dropped
            added = left + cost_b[j]
            if added < best:
                best = added
            current.append(best)
            left = best
        previous = current
    return previous


def distance(a: str, b: str) -> float:
    """The weighted edit distance between two transliterations (lowercase ASCII letters)."""
    return _last_row(a, b, _indels(a), _indels(b))[-1]


def similarity(a: str, b: str) -> float:
    """1 for the same sounds, falling towards 0 (never below) as they part.

    The distance is divided by what it costs to write the longer word from
    nothing, so a consonant wrong in a long name counts less than in a short one.
    """
    if not a or not b:
        return 0.0
    scale = max(sum(_indels(a)), sum(_indels(b)))
    return max(0.0, 1.0 - distance(a, b) / scale)


def prefix_similarity(a: str, b: str) -> float:
    """How alike ``a`` sounds to the beginning of ``b`` that it is most like: what a
    word being typed (``tung``) is to a word it may become (``tangastana``).

    One row of the edit distance gives ``a``'s distance to every beginning of ``b``;
    each is scaled as :func:`similarity` scales, so ``tung`` is as alike to ``tng``
    (Arabic script writes no short vowels) as to ``tang``.
    """
    if not a or not b:
        return 0.0
    # a beginning much longer than ``a`` only adds letters ``a`` lacks
    b = b[: 2 * len(a) + 2]
    cost_a, cost_b = _indels(a), _indels(b)
    row = _last_row(a, b, cost_a, cost_b)
    scale_a, written, best = sum(cost_a), 0.0, 0.0
    for j, cost in enumerate(cost_b, 1):
        written += cost
        best = max(best, 1.0 - row[j] / max(scale_a, written))
    return best


def _sweep(a: str, words: Sequence[str], reach: int | None) -> list[tuple[float, float, float]]:
    """Per word (its first ``reach`` letters): (the distance from ``a`` to it, what it
    costs to write it, the best :func:`prefix_similarity` of its beginnings).

    The distance is taken a column (a letter of the word) at a time, over the words
    in order, so the columns of a beginning that several words share (the forms of
    one word, the words of one key) are computed once; each figure is the one the
    row-at-a-time distance gives, the same additions in the same order.
    """
    out = [(0.0, 0.0, 0.0)] * len(words)
    cost_a = _indels(a)
    scale_a = sum(cost_a)
    pairs = list(zip(a, cost_a, strict=True))
    # per depth j (letters of the word read): the column, what writing them costs,
    # and the best similarity of a beginning so far
    columns = [list(accumulate(cost_a, initial=0.0))]
    written, best = [0.0], [0.0]
    previous = ""
    for k in sorted(range(len(words)), key=lambda k: words[k][:reach]):
        b = words[k][:reach]
        if not b:
            continue
        common, most = 0, min(len(b), len(previous))
        while common < most and b[common] == previous[common]:
            common += 1
        del columns[common + 1 :], written[common + 1 :], best[common + 1 :]
        cost_b = _indels(b)
        for j in range(common, len(b)):
            column, add = columns[j], cost_b[j]
            letter_b = b[j]
            below = column[0] + add
            new = [below]
            for i, (letter, drop) in enumerate(pairs):
                cell = column[i] + _SUBSTITUTIONS[letter][letter_b]
                dropped = below + drop
                if dropped < cell:
                    cell = dropped
                added = column[i + 1] + add
                if added < cell:
                    cell = added
                new.append(cell)
                below = cell
            columns.append(new)
            total = written[j] + add
            written.append(total)
            best.append(max(best[j], 1.0 - below / max(scale_a, total)))
        out[k] = (columns[len(b)][-1], written[len(b)], best[len(b)])
        previous = b
    return out


def prefix_similarities(a: str, words: Sequence[str]) -> list[float]:
    """:func:`prefix_similarity` of ``a`` to each of ``words``, the same figures, the
    common beginnings of the words computed once."""
    if not a:
        return [0.0] * len(words)
    return [best for _, _, best in _sweep(a, words, 2 * len(a) + 2)]


def similarities(a: str, words: Sequence[str]) -> list[float]:
    """:func:`similarity` of ``a`` to each of ``words``, the same figures, the common
    beginnings of the words computed once."""
    if not a:
        return [0.0] * len(words)
    scale_a = sum(_indels(a))
    return [
        max(0.0, 1.0 - dist / max(scale_a, written)) if b else 0.0
        for b, (dist, written, _) in zip(words, _sweep(a, words, None), strict=True)
    ]
