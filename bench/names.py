"""Names across scripts: an English name as the query, its native forms the answers.

    python bench/names.py [--shared ../shared] [--langs ar,fa,hi] [--sets names,cldr]
                          [--work DIR] [--write docs/BENCHMARKS.md]

Two sets, each measured per language on an index of its own that holds every
distinct native form as a document (``{"id", "lang", "text"}``, written to
``--work``, a temporary folder unless given; nothing of ``../shared`` lands in
the project):

- ``names``: the people's pairs of ``shared/names/dev-{lang}.tsv`` (protocol of
  ``shared/names/README.md``); every distinct English form is a query and every
  native form paired with it relevant. The 60 common words of
  ``non-names-dev.txt`` are searched in the same index: in an index of names any
  hit is a false one.
- ``cldr``: country (territory) names and exemplar city names as CLDR writes them
  in each language, read through PyICU; names spelt alike in English and the
  language (ICU's fallback to the zone id), and English forms without a letter,
  are skipped.

Only public interfaces are used (``update``, ``open_index``, ``ix.search``), and
the measures are ``search.evaluation``'s (ir-measures). Every query's whole
``ix.search`` (top 100, no snippets: what the measure reads) is timed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search import QueryError, open_index, update  # noqa: E402
from search.evaluation import RunLine, evaluate  # noqa: E402

LANGS = ("ar", "fa", "hi")
SETS = ("names", "cldr")
TOP = 100
BEGIN, END = "<!-- names:begin -->", "<!-- names:end -->"
# shared/names/README.md: main at 5464dd0, before this benchmark existed.
BEFORE = {"ar": (0.433, 0.500, 11), "fa": (0.616, 0.683, 7), "hi": (0.666, 0.720, 9)}


@dataclass
class Pairs:
    """English form → its native forms, in the order first seen."""

    pairs: dict[str, dict[str, None]] = field(default_factory=dict)
    _spelling: dict[str, str] = field(default_factory=dict)

    def add(self, english: str, native: str) -> None:
        """English forms differing only in case are one query (the search ignores case)."""
        english, native = english.strip(), native.strip()
        if english and native:
            english = self._spelling.setdefault(english.casefold(), english)
            self.pairs.setdefault(english, {})[native] = None

    def natives(self) -> list[str]:
        return list(dict.fromkeys(n for forms in self.pairs.values() for n in forms))


@dataclass
class Figures:
    queries: int
    mrr10: float
    r10: float
    r100: float
    p50_ms: float
    p95_ms: float
    non_names: int | None = None
    non_names_asked: int = 0


def read_pairs(path: Path) -> Pairs:
    """``english<TAB>native[<TAB>source]`` lines after a header line."""
    out = Pairs()
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) >= 2:
            out.add(parts[0], parts[1])
    return out


def cldr_pairs(lang: str) -> Pairs:
    """Territory and exemplar-city names, English → ``lang``, as this ICU's CLDR has them."""
    import icu

    out = Pairs()
    english, native = icu.Locale("en"), icu.Locale(lang)
    for cc in icu.Locale.getISOCountries():
        region = icu.Locale("", cc)
        _add_name(out, region.getDisplayCountry(english), region.getDisplayCountry(native))
    en_zones = icu.TimeZoneNames.createInstance(english)
    zones = icu.TimeZoneNames.createInstance(native)
    for tzid in icu.TimeZone.createEnumeration():
        if "/" in tzid and not tzid.startswith("Etc/"):
            en, nat = en_zones.getExemplarLocationName(tzid), zones.getExemplarLocationName(tzid)
            if en and nat:
                _add_name(out, en, nat)
    return out


def _add_name(out: Pairs, english: str, native: str) -> None:
    if english != native and any(c.isalpha() for c in english):
        out.add(english, native)


def measure(
    pairs: Pairs, lang: str, work: Path, non_names: list[str] | None = None
) -> Figures | None:
    """One index of ``pairs``' native forms; every English form searched in it."""
    if not pairs.pairs:
        return None
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    natives = pairs.natives()
    doc_id = {native: f"{lang}{n}" for n, native in enumerate(natives, 1)}
    with open(work / "docs.jsonl", "w", encoding="utf-8") as out:
        for native in natives:
            doc = {"id": doc_id[native], "lang": lang, "text": native}
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    queries = [(f"q{n}", english) for n, english in enumerate(pairs.pairs, 1)]
    with open(work / "qrels.txt", "w", encoding="utf-8") as out:
        for (qid, _english), forms in zip(queries, pairs.pairs.values(), strict=True):
            out.writelines(f"{qid} 0 {doc_id[f]} 1\n" for f in forms)
    update(work / "index", [work / "docs.jsonl"])
    run: list[RunLine] = []
    took: list[float] = []
    found = None
    with open_index(work / "index") as ix:
        for qid, text in queries:
            started = time.perf_counter()
            try:
                result = ix.search(text, limit=TOP, snippets=False)
            except QueryError:
                result = None
            took.append((time.perf_counter() - started) * 1000)
            for rank, hit in enumerate(result.results if result else (), 1):
                run.append(RunLine(qid, hit.id, rank, hit.score))
        if non_names is not None:
            found = sum(1 for word in non_names if _finds_anything(ix, word))
    f = evaluate(run, work / "qrels.txt", queries)
    return Figures(
        queries=f["queries"],
        mrr10=f["MRR@10"],
        r10=f["R@10"],
        r100=f["R@100"],
        p50_ms=statistics.median(took),
        p95_ms=_percentile(took, 0.95),
        non_names=found,
        non_names_asked=len(non_names or ()),
    )


def _finds_anything(ix, word: str) -> bool:
    try:
        return bool(ix.search(word, limit=1, snippets=False).results)
    except QueryError:
        return False


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def read_non_names(path: Path) -> list[str]:
    return [w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()]


def run_sets(
    shared: Path, langs: Iterable[str], sets: Iterable[str], work: Path
) -> dict[tuple[str, str], Figures | None]:
    """Figures of every (set, language) asked for."""
    figures: dict[tuple[str, str], Figures | None] = {}
    names_dir = shared / "names"
    for name in sets:
        for lang in langs:
            if name == "names":
                pairs = read_pairs(names_dir / f"dev-{lang}.tsv")
                non_names = read_non_names(names_dir / "non-names-dev.txt")
            else:
                pairs, non_names = cldr_pairs(lang), None
            figures[(name, lang)] = measure(pairs, lang, work / f"{name}-{lang}", non_names)
    return figures


def table(figures: dict[tuple[str, str], Figures | None]) -> str:
    rows = [
        "| set | lang | queries | MRR@10 | R@10 | R@100 | non-names found | p50 / p95 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (name, lang), f in figures.items():
        if f is None:
            rows.append(f"| {name} | {lang} | 0 | — | — | — | — | — |")
            continue
        found = "—" if f.non_names is None else f"{f.non_names} / {f.non_names_asked}"
        rows.append(
            f"| {name} | {lang} | {f.queries:,} | **{f.mrr10:.3f}** | {f.r10:.3f} | "
            f"{f.r100:.3f} | {found} | {f.p50_ms:.1f} / {f.p95_ms:.1f} |"
        )
    for lang in BEFORE:
        if ("names", lang) in figures:
            mrr, r10, found = BEFORE[lang]
            rows.append(
                f"| names, before (main at 5464dd0, top 10) | {lang} | | {mrr:.3f} | {r10:.3f} "
                f"| | {found} / 60 | |"
            )
    return "\n".join(rows)


def provenance(argv: list[str]) -> str:
    import icu

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    except OSError:
        commit = "?"
    command = " ".join(["python bench/names.py", *argv, "--write docs/BENCHMARKS.md"])
    return (
        f"`{command}` on {datetime.date.today().isoformat()}, commit {commit or '?'}, "
        f"ICU {icu.ICU_VERSION}."
    )


def write_into(doc: Path, text: str) -> None:
    content = doc.read_text(encoding="utf-8")
    start, end = content.index(BEGIN) + len(BEGIN), content.index(END)
    doc.write_text(content[:start] + "\n" + text + "\n" + content[end:], encoding="utf-8")


def _csv(text: str, allowed: tuple[str, ...]) -> list[str]:
    items = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in items if s not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown)}: use {','.join(allowed)}")
    return items


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--langs", type=lambda s: _csv(s, LANGS), default=list(LANGS))
    parser.add_argument("--sets", type=lambda s: _csv(s, SETS), default=list(SETS))
    parser.add_argument("--work", type=Path, help="folder for the indexes (default: a temp one)")
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to update")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="names-bench-") as tmp:
        figures = run_sets(args.shared, args.langs, args.sets, args.work or Path(tmp))
    text = table(figures)
    print(text)
    if args.write:
        shown = [a for a in argv if a not in (args.write.as_posix(), "--write")]
        shown = [a for a in shown if not a.startswith("--write=")]
        write_into(args.write, text + "\n\n" + provenance(shown))


if __name__ == "__main__":
    main()
