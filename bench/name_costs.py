"""Learns the letter costs of search/analysis/similarity.py from name pairs.

    python bench/name_costs.py [--shared ../shared] [--rounds 4] [--write]

Reads the dev part of ../shared/names (English form, native form) in place,
never copying it: what the product ships is the cost table this writes into
search/analysis/sound_costs.py, not the names. Each round aligns every pair's
transliterations (search.analysis.crossscript.transliteration) with the costs
so far, counts how often each English letter is written as each native letter
or not at all, and turns the counts into costs: -log of how often, scaled,
so that what people write often is cheap and what they never write is dear.
The first round aligns with the sound classes alone.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.analysis import default_analysis  # noqa: E402
from search.analysis import similarity as sim  # noqa: E402
from search.analysis.crossscript import transliteration  # noqa: E402

LANGS = ("ar", "fa", "hi")
TARGET = ROOT / "search" / "analysis" / "sound_costs.py"
# log(how much rarer than the letter kept as it is) / SCALE is the cost
SCALE = 3.0
LOWEST, HIGHEST = 0.2, 1.25
# pairs seen fewer times than this keep the sound classes' cost
MIN_COUNT = 5


def word_pairs(shared: Path) -> list[tuple[str, str]]:
    """(English, native) transliterations, word by word where both have as many words."""
    analysis = default_analysis()
    out = []
    for lang in LANGS:
        lines = (shared / "names" / f"dev-{lang}.tsv").read_text("utf-8").splitlines()[1:]
        for line in lines:
            english, native, _ = line.split("\t")
            e_words, n_words = english.split(), native.split()
            if len(e_words) != len(n_words):
                continue
            for e, n in zip(e_words, n_words, strict=True):
                e_exact = analysis.exact.apply(e, None)
                n_exact = analysis.exact.apply(n, lang)
                if e_exact and n_exact:
                    a, b = transliteration(e_exact), transliteration(n_exact)
                    if a and b:
                        out.append((a, b))
    return out


def align(a: str, b: str) -> list[tuple[str, str]]:
    """The cheapest alignment under the current costs: (letter of a or "", letter of b or "")."""
    n, m = len(a), len(b)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        cost[0][j] = cost[0][j - 1] + sim.indel(b[j - 1])
    for i in range(1, n + 1):
        cost[i][0] = cost[i - 1][0] + sim.indel(a[i - 1])
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + sim.substitution(a[i - 1], b[j - 1]),
                cost[i - 1][j] + sim.indel(a[i - 1]),
                cost[i][j - 1] + sim.indel(b[j - 1]),
            )
    steps = []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + sim.substitution(a[i - 1], b[j - 1]):
            steps.append((a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + sim.indel(a[i - 1]):
            steps.append((a[i - 1], ""))
            i -= 1
        else:
            steps.append(("", b[j - 1]))
            j -= 1
    return steps[::-1]


def learn(pairs: list[tuple[str, str]]) -> tuple[dict, dict]:
    together: Counter = Counter()
    english: Counter = Counter()
    native: Counter = Counter()
    for a, b in pairs:
        for x, y in align(a, b):
            together[x, y] += 1
            english[x] += bool(x)
            native[y] += bool(y)

    def cost(ratio: float) -> float:
        # how much rarer than writing the letter as it is: a tenth costs ~0.77
        return round(min(HIGHEST, max(LOWEST, math.log(max(ratio, 1.0)) / SCALE)), 3)

    def kept(x: str, side: Counter) -> float:
        return together[x, x] / side[x] if side[x] else 0.0

    costs: dict[tuple[str, str], float] = {}
    for (x, y), count in together.items():
        if not x or not y or x == y or count < MIN_COUNT:
            continue
        # the likelier direction: x written as y (English side), or y read as x (native side)
        ratios = []
        if kept(x, english):
            ratios.append(kept(x, english) / (count / english[x]))
        if kept(y, native):
            ratios.append(kept(y, native) / (count / native[y]))
        key = (x, y) if x < y else (y, x)
        costs[key] = min(costs.get(key, HIGHEST), cost(min(ratios) if ratios else 1e9))
    indels: dict[str, float] = {}
    for letter in set(english) | set(native):
        ratios = []
        if together[letter, ""] >= MIN_COUNT and kept(letter, english):
            ratios.append(kept(letter, english) / (together[letter, ""] / english[letter]))
        if together["", letter] >= MIN_COUNT and kept(letter, native):
            ratios.append(kept(letter, native) / (together["", letter] / native[letter]))
        if ratios:
            indels[letter] = cost(min(ratios))
    return costs, indels


def write(costs: dict, indels: dict, rounds: int, pairs: int) -> None:
    lines = [
        '"""Letter costs for :mod:`search.analysis.similarity`, learned from aligned name pairs.',
        "",
        f"Written by ``python bench/name_costs.py --write`` ({rounds} rounds over {pairs:,}",
        "word pairs of the names dev part); do not edit by hand. Pairs of letters not",
        "here take the sound classes' cost.",
        '"""',
        "",
        "# (letter, letter) in code-point order → the cost of one read as the other",
        "COSTS: dict[tuple[str, str], float] = {",
        *(f"    ({a!r}, {b!r}): {c}," for (a, b), c in sorted(costs.items())),
        "}",
        "# letter → the cost of one spelling having it where the other has nothing",
        "INDEL: dict[str, float] = {",
        *(f"    {c!r}: {v}," for c, v in sorted(indels.items())),
        "}",
        "",
    ]
    TARGET.write_text("\n".join(lines), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--write", action="store_true", help="write sound_costs.py")
    args = parser.parse_args()
    pairs = word_pairs(args.shared)
    sim.COSTS.clear()
    sim.INDEL.clear()
    for n in range(args.rounds):
        costs, indels = learn(pairs)
        sim.COSTS.clear()
        sim.COSTS.update(costs)
        sim.INDEL.clear()
        sim.INDEL.update(indels)
        sim.substitution.cache_clear()
        sim.indel.cache_clear()
        print(f"round {n + 1}: {len(costs)} letter pairs, {len(indels)} indels", file=sys.stderr)
    if args.write:
        write(costs, indels, args.rounds, len(pairs))
        print(f"wrote {TARGET.relative_to(ROOT)}", file=sys.stderr)
    else:
        for (a, b), c in sorted(costs.items(), key=lambda kv: kv[1])[:40]:
            print(f"{a} {b} {c}")
        print(sorted(indels.items(), key=lambda kv: kv[1]))


if __name__ == "__main__":
    main()
