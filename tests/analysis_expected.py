"""What the analysis makes of the bundled corpus and of a word list, on every ICU.

The analysis must not depend on which ICU PyICU brings (pyicu-wheels' or the system's):
``tests/analysis/test_icu_versions.py`` checks it against the output recorded in
``tests/data/analysis-expected.jsonl``. After a change to the analysis that is meant, write
that file again and read its diff::

    python tests/analysis_expected.py

Recorded for each seed: every word's offsets, language and terms in the three streams
(exact, stem, key), and the words only the query parser sees (where a ZWNJ joins parts). For
each line of ``tests/data/analysis-words.txt``: the same, with the terms in a document of each
language where they differ, and the keys and stems of the word as a query word.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEEDS = ROOT / "seeds"
WORDS = HERE / "data" / "analysis-words.txt"
EXPECTED = HERE / "data" / "analysis-expected.jsonl"
DOCUMENT_LANGUAGES = (None, "ar", "fa", "hi")


def word_list() -> list[str]:
    """The word list's lines: one or a few words each; ``#`` starts a comment line."""
    lines = WORDS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def seed_record(path: Path) -> dict:
    from search.analysis import analyze

    text = path.read_text(encoding="utf-8")
    result = analyze(text)
    words = [[t["start"], t["end"], t["lang"], *t["terms"].values()] for t in result["tokens"]]
    return {
        "seed": path.name,
        "lang": result["lang"],
        "words": words,
        "query_words": _query_words(text, result["tokens"]),
    }


def _query_words(text: str, tokens: list[dict]) -> list[list[int]]:
    """The words the query parser sees that the index does not (a ZWNJ joins their parts)."""
    from search.analysis import word_spans

    indexed = {(t["start"], t["end"]) for t in tokens}
    return [list(span) for span in word_spans(text, zwnj_parts=False) if span not in indexed]


def line_record(line: str) -> dict:
    from search.analysis import default_analysis, token_script, word_spans

    analysis = default_analysis()
    tokens = []
    for start, end in word_spans(line):
        surface = line[start:end]
        # the terms in a document of unknown language, and in each language where they differ
        terms = {"-": list(analysis.word_terms(surface, None))}
        for lang in DOCUMENT_LANGUAGES[1:]:
            in_lang = list(analysis.word_terms(surface, lang))
            if in_lang != terms["-"]:
                terms[lang] = in_lang
        tokens.append(
            {
                "start": start,
                "end": end,
                "script": token_script(surface),
                "terms": terms,
                "query_keys": analysis.query_keys(surface),
                "query_stems": analysis.query_stems(surface),
            }
        )
    return {"line": line, "tokens": tokens, "query_words": _query_words(line, tokens)}


def records() -> list[dict]:
    out = [seed_record(path) for path in sorted(SEEDS.glob("*.txt"))]
    return out + [line_record(line) for line in word_list()]


def record_key(record: dict) -> str:
    return record["seed"] if "seed" in record else record["line"]


def read_expected() -> tuple[dict, list[dict]]:
    """The header (what wrote the file) and the records."""
    with EXPECTED.open(encoding="utf-8") as f:
        header, *rest = (json.loads(line) for line in f)
    return header, rest


def main() -> None:
    import icu

    header = {
        "written_with": {"ICU": icu.ICU_VERSION, "Unicode": icu.UNICODE_VERSION},
        "note": "the same output holds on every supported ICU: README, 'Which ICU'",
    }
    with EXPECTED.open("w", encoding="utf-8") as f:
        for record in [header, *records()]:
            f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {EXPECTED.relative_to(ROOT)} (ICU {icu.ICU_VERSION})", file=sys.stderr)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
