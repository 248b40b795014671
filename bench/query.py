r"""Query latency with snippets: ours beside SQLite FTS5, tantivy and plain Whoosh; CLI start-up.

    python bench/query.py --docs 10000 --write docs/BENCHMARKS.md
    python bench/query.py --docs 100000 --skip-plain-whoosh-above 10000 --no-cli \
        --write docs/BENCHMARKS.md

Uses the indexes ``bench/index.py`` left in ``OUT/idx-N/`` (building those that
are missing, or all with ``--rebuild``), then runs a fixed query mix built
deterministically from ``bench/corpus.py``'s vocabulary, names and first
documents: single words in each script (frequent, medium, rare), names in each
script and in Latin letters (which ours matches across scripts), two-word
phrases taken from documents, ``a AND b``, ``a -b``, ``prefix*``, ``word~``,
a language filter and page 2. Every engine gets the same query, in its own
syntax where it has one; a form an engine lacks is skipped and said so.

Each query runs ``--warmup`` times, then ``--repeat`` times, the engines
interleaved query by query (so that a busy spell on the shared machine hits
all of them alike); p50/p95/p99 are over all timed runs. Beside the wall time,
the CPU time of this process over the same runs (``time.process_time``, all
its threads): other work on the machine disturbs it less. Every run returns the
top 10 (or 11-20) with an HTML snippet of the text:

- ours: ``open_index(dir).search(text, limit=10, page=p, lang=l)``;
- FTS5: ``snippet()`` of the text column, ``ORDER BY bm25(docs)``;
- tantivy: ``SnippetGenerator`` on the text field (200 characters);
- plain Whoosh: the stock highlighter (``hit.highlights``).

``--engines ours,fts5`` measures only those (a quicker A/B while working on
ours; keep FTS5 in, the reference of the same run). Then the whole
``search-cli "tungsten"`` process on the default index, beside
``python -c "import icu, whoosh"``: ``--cli-runs`` timed runs after
``--cli-warmups``, the two interleaved, medians compared (wall and CPU time).
``--cli-only`` measures just that; ``--cli-python PATH`` times another
install's (e.g. a regular, non-editable one: ``pip install .`` in a second
virtualenv), whose default index is in its user's cache:

    python bench/query.py --cli-only --cli-runs 20
    python bench/query.py --cli-only --cli-python /tmp/venv-regular/bin/python
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import corpus
from common import (
    OUT,
    ROOT,
    fmt,
    fmt_ratio,
    machine_info,
    machine_table,
    markdown_table,
    median,
    percentile,
    ratio,
    timer,
    write_between_markers,
)
from peers import FTS5_TEXT_COLUMN, plain_whoosh_schema, tantivy_installed

from index import build, code_version, ensure_corpus, index_dir

sys.path.insert(1, str(ROOT))  # the checkout's search/, whatever is installed

LIMIT = 10
SNIPPET_CHARS = 200  # as our snippets (search.highlight.SNIPPET_WIDTH)
FTS5_SNIPPET_TOKENS = 32  # ≈ 200 characters of this corpus's text
TARGET_P95_10K = 1.0  # ours ÷ FTS5
TARGET_P95_100K = 2.0
TARGET_CLI = 3.0
MIX_DOCS = 10_000  # the size whose hits the query-mix table in BENCHMARKS.md shows

# --------------------------------------------------------------------------
# The query mix
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix, in a neutral form each engine renders in its syntax."""

    kind: str  # word, name, latin, phrase, and, not, prefix, fuzzy, lang, page2
    words: tuple[str, ...]
    script: str  # hi, ar, fa or latin: the language whose vocabulary it came from
    lang: str | None = None  # the language filter
    page: int = 1

    @property
    def label(self) -> str:
        return f"{self.kind} ({self.script})"


# Vocabulary ranks the single words are taken from: the first word at or after
# the rank that is not a function word. Rank 30 is among the most frequent
# content words; at 10k documents rank 8,000 still occurs in a few dozen.
RANKS = {"frequent": 30, "medium": 300, "rare": 8_000}
AND_RANKS, NOT_RANKS = (40, 80), (40, 120)
PREFIX_RANK, FUZZY_RANK = 100, 200
LATIN = ("Trump", "Kazakhstan", "tungsten", "Boeing", "Samarkand", "Reuters")
TUNGSTEN = 12  # index of tungsten in corpus.NAMES[lang]
PHRASE_DOCS = 60  # the first documents of every corpus (document i does not depend on N)


def content_word(lang: str, rank: int, min_letters: int = 3) -> str:
    """The first word at or after ``rank`` that is no function word and long enough.

    Letters are aksharas in Hindi (a consonant with its signs), so that the
    three scripts' lengths compare.
    """
    model = corpus.language_models()[lang]
    closed = corpus.FUNCTION_WORDS[lang]
    for word in model.words[rank:]:
        long_enough = len(corpus.units(word)) >= min_letters
        if word not in closed and long_enough and corpus.ZWNJ not in word:
            return word
    raise ValueError(f"no content word after rank {rank} in {lang}")


def prefix_of(word: str) -> str:
    """The first four letters (aksharas in Hindi, so no sign is cut off)."""
    return "".join(corpus.units(word)[:4])


def misspelt(word: str) -> str:
    """The word less its second character: one edit away."""
    return word[0] + word[2:]


def phrases(lang: str, count: int = 2) -> list[tuple[str, str]]:
    """Two adjacent content words from each of the first ``count`` documents in ``lang``."""
    closed = corpus.FUNCTION_WORDS[lang]
    found = []
    for doc in corpus.generate(PHRASE_DOCS, seed=0):
        if doc["lang"] != lang:
            continue
        tokens = doc["text"].split()
        for a, b in zip(tokens[5:], tokens[6:], strict=False):
            if all(corpus.WORD_RE.fullmatch(w) and w not in closed for w in (a, b)):
                found.append((a, b))
                break
        if len(found) == count:
            break
    return found


def language_queries(lang: str) -> list[BenchQuery]:
    q = []
    for rank in RANKS.values():
        q.append(BenchQuery("word", (content_word(lang, rank),), lang))
    q.append(BenchQuery("name", (corpus.NAMES[lang][TUNGSTEN],), lang))
    q += [BenchQuery("phrase", pair, lang) for pair in phrases(lang)]
    q.append(BenchQuery("and", tuple(content_word(lang, r) for r in AND_RANKS), lang))
    q.append(BenchQuery("not", tuple(content_word(lang, r) for r in NOT_RANKS), lang))
    q.append(BenchQuery("prefix", (prefix_of(content_word(lang, PREFIX_RANK, 6)),), lang))
    q.append(BenchQuery("fuzzy", (misspelt(content_word(lang, FUZZY_RANK, 5)),), lang))
    return q


def query_mix() -> list[BenchQuery]:
    """The fixed mix: 10 per language, 6 Latin names, 3 filtered, 3 second pages."""
    mix = [q for lang in corpus.LANGS for q in language_queries(lang)]
    mix += [BenchQuery("latin", (name,), "latin") for name in LATIN]
    mix += [
        BenchQuery("lang", (content_word("fa", RANKS["frequent"]),), "fa", lang="fa"),
        BenchQuery("lang", (content_word("ar", RANKS["medium"]),), "ar", lang="ar"),
        BenchQuery("lang", ("Trump",), "latin", lang="hi"),
    ]
    mix += [
        BenchQuery("page2", (content_word(lang, RANKS["frequent"]),), lang, page=2)
        for lang in corpus.LANGS
    ]
    return mix


# --------------------------------------------------------------------------
# The engines: each renders a query and runs it, snippets included
# --------------------------------------------------------------------------


class Engine:
    """An engine under test: ``render`` gives a query in its syntax (untimed, and
    shown in the query table); ``run`` parses and runs it (timed), snippets included."""

    name = ""
    label = ""

    def render(self, q: BenchQuery) -> str | None:
        """The query as text in this engine's syntax; None when it has no such form."""
        raise NotImplementedError

    def run(self, q: BenchQuery, text: str) -> int:
        """Parses and runs it: the number of hits shown (each with its snippet)."""
        raise NotImplementedError

    def unsupported(self, kind: str) -> str:
        return ""


Syntax = dict[str, Callable[[tuple[str, ...]], str]]


class Ours(Engine):
    name, label = "ours", "**ours** (Python API)"
    SYNTAX: Syntax = {
        "phrase": lambda w: f'"{w[0]} {w[1]}"',
        "and": lambda w: f"{w[0]} AND {w[1]}",
        "not": lambda w: f"{w[0]} -{w[1]}",
        "prefix": lambda w: f"{w[0]}*",
        "fuzzy": lambda w: f"{w[0]}~",
    }

    def __init__(self, folder: Path):
        from search import open_index

        self.ix = open_index(folder)

    def render(self, q: BenchQuery) -> str:
        return self.SYNTAX.get(q.kind, lambda w: " ".join(w))(q.words)

    def run(self, q: BenchQuery, text: str) -> int:
        result = self.ix.search(text, limit=LIMIT, page=q.page, lang=q.lang)
        return len(result.results)


class Fts5(Engine):
    name, label = "fts5", "SQLite FTS5, `snippet()`, bm25"
    SYNTAX: Syntax = {
        "phrase": lambda w: f'"{w[0]} {w[1]}"',
        "and": lambda w: f'"{w[0]}" AND "{w[1]}"',
        "not": lambda w: f'"{w[0]}" NOT "{w[1]}"',
        "prefix": lambda w: f'"{w[0]}"*',
    }
    SQL = (
        "SELECT id, title, snippet(docs, {column}, '<mark>', '</mark>', '…', {tokens}) "
        "FROM docs WHERE docs MATCH ?{filter} ORDER BY bm25(docs) LIMIT ? OFFSET ?"
    )

    def __init__(self, path: Path):
        import sqlite3

        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def unsupported(self, kind: str) -> str:
        return "FTS5 has no fuzzy matching" if kind == "fuzzy" else ""

    def render(self, q: BenchQuery) -> str | None:
        if self.unsupported(q.kind):
            return None
        return self.SYNTAX.get(q.kind, lambda w: f'"{w[0]}"')(q.words)

    def run(self, q: BenchQuery, text: str) -> int:
        only = " AND lang = ?" if q.lang else ""
        sql = self.SQL.format(column=FTS5_TEXT_COLUMN, tokens=FTS5_SNIPPET_TOKENS, filter=only)
        params = [text, *([q.lang] if q.lang else []), LIMIT, (q.page - 1) * LIMIT]
        return len(self.con.execute(sql, params).fetchall())


class Tantivy(Engine):
    name, label = "tantivy", "tantivy, `SnippetGenerator`"
    # The query parser's syntax; prefix and fuzzy, which it lacks, are built
    # as RegexQuery and FuzzyTermQuery (distance 1) over title and text.
    SYNTAX: Syntax = {
        "phrase": lambda w: f'"{w[0]} {w[1]}"',
        "and": lambda w: f'+"{w[0]}" +"{w[1]}"',
        "not": lambda w: f'+"{w[0]}" -"{w[1]}"',
        "prefix": lambda w: f"RegexQuery {re.escape(w[0].lower())}.*",
        "fuzzy": lambda w: f"FuzzyTermQuery {w[0].lower()}",
    }

    def __init__(self, folder: Path):
        import tantivy
        from peers import tantivy_index

        self.t = tantivy
        self.index = tantivy_index(folder)
        self.schema = self.index.schema

    def render(self, q: BenchQuery) -> str:
        text = self.SYNTAX.get(q.kind, lambda w: f'"{w[0]}"')(q.words)
        return f"+({text}) +lang:{q.lang}" if q.lang else text

    def _query(self, q: BenchQuery, text: str):
        if q.kind not in ("prefix", "fuzzy"):
            return self.index.parse_query(text, ["title", "text"])
        make, term = self.t.Query, text.split(" ", 1)[1]
        if q.kind == "prefix":
            fields = [make.regex_query(self.schema, f, term) for f in ("title", "text")]
        else:
            fields = [make.fuzzy_term_query(self.schema, f, term, 1) for f in ("title", "text")]
        return make.boolean_query([(self.t.Occur.Should, f) for f in fields])

    def run(self, q: BenchQuery, text: str) -> int:
        query = self._query(q, text)
        searcher = self.index.searcher()
        offset = (q.page - 1) * LIMIT
        hits = searcher.search(query, limit=LIMIT, offset=offset, count=True).hits
        snippets = self.t.SnippetGenerator.create(searcher, query, self.schema, "text")
        snippets.set_max_num_chars(SNIPPET_CHARS)
        for _, address in hits:
            snippets.snippet_from_doc(searcher.doc(address)).to_html()
        return len(hits)


class PlainWhoosh(Engine):
    name, label = "whoosh", "plain Whoosh, stock highlighter"
    SYNTAX: Syntax = {
        "phrase": lambda w: f'"{w[0]} {w[1]}"',
        "and": lambda w: f"{w[0]} AND {w[1]}",
        "not": lambda w: f"{w[0]} NOT {w[1]}",
        "prefix": lambda w: f"{w[0]}*",
        "fuzzy": lambda w: f"{w[0]}~",
    }

    def __init__(self, folder: Path):
        from whoosh import index, qparser

        plain_whoosh_schema()  # its tokenizer must be importable to unpickle the schema
        ix = index.open_dir(str(folder))
        self.searcher = ix.searcher()
        self.parser = qparser.QueryParser("text", ix.schema)
        self.parser.add_plugin(qparser.FuzzyTermPlugin())

    def render(self, q: BenchQuery) -> str:
        return self.SYNTAX.get(q.kind, lambda w: w[0])(q.words)

    def run(self, q: BenchQuery, text: str) -> int:
        from whoosh.query import Term

        only = Term("lang", q.lang) if q.lang else None
        query = self.parser.parse(text)
        page = self.searcher.search_page(query, q.page, pagelen=LIMIT, filter=only)
        shown = 0
        for hit in page:  # len(page) would be the total, not the hits shown
            hit.highlights("text")
            shown += 1
        return shown


# --------------------------------------------------------------------------
# Indexes
# --------------------------------------------------------------------------


def usable(engine: str, folder: Path) -> bool:
    """An index ``bench/index.py`` finished (ours: of the current format)."""
    if engine == "fts5":
        return folder.is_file()
    if engine == "ours":
        from search import index as ours

        return ours.exists(folder) and ours.index_format(folder) == ours.INDEX_FORMAT
    if engine == "whoosh":
        from whoosh import index

        return index.exists_in(str(folder))
    return (folder / "meta.json").is_file()


def open_engines(docs: int, args: argparse.Namespace) -> tuple[list[Engine], dict[str, str]]:
    """The engines to measure at this size, and why any other is left out."""
    corpus_file = ensure_corpus(args.out, docs)
    kinds: dict[str, type[Engine]] = {
        "ours": Ours,
        "fts5": Fts5,
        "tantivy": Tantivy,
        "whoosh": PlainWhoosh,
    }
    engines, left_out = [], {}
    for name, kind in kinds.items():
        reason = _leave_out(name, docs, args)
        if reason:
            left_out[name] = reason
            print(f"{name}: {reason}")
            continue
        folder = index_dir(args.out, docs, name)
        if args.rebuild or not usable(name, folder):
            print(f"[{docs}] building the {name} index …", file=sys.stderr, flush=True)
            built = build(name, corpus_file, folder)
            if "skipped" in built:
                left_out[name] = built["skipped"]
                continue
        engines.append(kind(folder))
    return engines, left_out


def _leave_out(name: str, docs: int, args: argparse.Namespace) -> str | None:
    if args.engines and name not in args.engines:
        return "not asked for (--engines)"
    if name == "tantivy" and not tantivy_installed():
        return "tantivy not installed (pip install -e '.[bench]')"
    limit = args.skip_plain_whoosh_above
    if name == "whoosh" and limit is not None and docs > limit:
        return f"skipped (--skip-plain-whoosh-above {limit})"
    return None


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


@dataclass
class Timings:
    """Per engine: the timed runs of each query (ms) and the hits it returned."""

    ms: dict[int, list[float]]
    hits: dict[int, int]
    rendered: dict[int, str]
    # CPU time of this process (all its threads) for the same runs: what the
    # query cost, less disturbed than wall time by other work on the machine
    cpu_ms: dict[int, list[float]] = field(default_factory=dict)


def measure_queries(
    engines: list[Engine], mix: list[BenchQuery], warmup: int, repeat: int
) -> dict[str, Timings]:
    timings = {e.name: Timings({}, {}, {}) for e in engines}
    plans = {e.name: {i: e.render(q) for i, q in enumerate(mix)} for e in engines}
    for e in engines:
        for i, text in plans[e.name].items():
            if text is not None:
                timings[e.name].rendered[i] = text
    for round_ in range(warmup + repeat):
        for i, q in enumerate(mix):
            # rotate who goes first, so that no engine always meets a cold cache
            turn = (i + round_) % len(engines)
            for e in engines[turn:] + engines[:turn]:
                text = plans[e.name][i]
                if text is None:
                    continue
                cpu = time.process_time()
                with timer() as t:
                    hits = e.run(q, text)
                cpu = time.process_time() - cpu
                if round_ < warmup:
                    timings[e.name].hits[i] = hits
                else:
                    timings[e.name].ms.setdefault(i, []).append(t.seconds * 1000)
                    timings[e.name].cpu_ms.setdefault(i, []).append(cpu * 1000)
    return timings


def pooled(t: Timings, only: set[int] | None = None) -> list[float]:
    return [ms for i, runs in t.ms.items() if only is None or i in only for ms in runs]


@dataclass
class Summary:
    queries: int
    p50: float
    p95: float
    p99: float
    mean: float
    empty: int  # queries that found nothing
    cpu_p95: float = math.nan

    @classmethod
    def of(cls, t: Timings, only: set[int] | None = None) -> Summary:
        runs = pooled(t, only)
        empty = sum(1 for i, n in t.hits.items() if n == 0 and (only is None or i in only))
        return cls(
            queries=len([i for i in t.ms if only is None or i in only]),
            p50=percentile(runs, 50),
            p95=percentile(runs, 95),
            p99=percentile(runs, 99),
            mean=sum(runs) / len(runs) if runs else float("nan"),
            empty=empty,
            cpu_p95=percentile(
                [ms for i, r in t.cpu_ms.items() if only is None or i in only for ms in r], 95
            ),
        )


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


def latency_table(engines: list[Engine], timings: dict[str, Timings], n: int) -> str:
    fts5 = Summary.of(timings["fts5"]) if "fts5" in timings else None
    rows = []
    for e in engines:
        s = Summary.of(timings[e.name])
        vs = fmt_ratio(ratio(s.p95, fts5.p95)) if fts5 else "–"
        cpu_vs = fmt_ratio(ratio(s.cpu_p95, fts5.cpu_p95)) if fts5 else "–"
        rows.append(
            [e.label, f"{s.queries} of {n}", fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.mean)]
            + [vs, fmt(s.cpu_p95), cpu_vs, str(s.empty)]
        )
    header = ["engine", "queries", "p50 ms", "p95 ms", "p99 ms", "mean ms", "p95 ÷ FTS5's"]
    header += ["CPU p95 ms", "CPU p95 ÷ FTS5's"]
    return markdown_table([*header, "found nothing"], rows)


def kind_table(engines: list[Engine], timings: dict[str, Timings], mix: list[BenchQuery]) -> str:
    """Median per kind of query: where each engine's time goes."""
    kinds = list(dict.fromkeys(q.kind for q in mix))
    rows = []
    for kind in kinds:
        members = {i for i, q in enumerate(mix) if q.kind == kind}
        cells = []
        for e in engines:
            runs = pooled(timings[e.name], members)
            cells.append(fmt(median(runs)) if runs else e.unsupported(kind) or "–")
        rows.append([kind, str(len(members)), *cells])
    return markdown_table(["kind", "queries", *(f"{e.label} p50 ms" for e in engines)], rows)


def target_rows(timings: dict[str, Timings], docs: int) -> list[list[str]]:
    if "ours" not in timings or "fts5" not in timings:
        return [["query p95 ≤ FTS5's", "–", "ours or FTS5 not measured"]]
    ours, fts5 = Summary.of(timings["ours"]), Summary.of(timings["fts5"])
    common = set(timings["fts5"].ms)
    like = Summary.of(timings["ours"], common)
    limit = TARGET_P95_100K if docs >= 100_000 else TARGET_P95_10K
    share = ratio(ours.p95, fts5.p95)
    name = f"ours p95 ≤ {'2× ' if limit > 1 else ''}FTS5's p95 ({docs:,} docs)"
    got = f"{fmt_ratio(share)} ({fmt(ours.p95)} ms ÷ {fmt(fts5.p95)} ms)"
    rows = [[name, got, _met(share is not None and share <= limit)]]
    like_share = ratio(like.p95, fts5.p95)
    rows.append(
        [
            f"same, on the {len(common)} queries FTS5 can run (information)",
            f"{fmt_ratio(like_share)} ({fmt(like.p95)} ms ÷ {fmt(fts5.p95)} ms)",
            _met(like_share is not None and like_share <= limit),
        ]
    )
    return rows


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report(
    docs: int,
    engines: list[Engine],
    timings: dict[str, Timings],
    mix: list[BenchQuery],
    left_out: dict[str, str],
    args: argparse.Namespace,
) -> str:
    when = datetime.datetime.now().isoformat(timespec="seconds")
    runs = f"{args.warmup} warm-up + {args.repeat} timed runs of each query"
    parts = [
        f"{docs:,} documents; {len(mix)} queries, {runs}, top {LIMIT} with snippets; "
        f"measured {when} at {code_version()}, 1-minute load average {os.getloadavg()[0]:.1f}.",
        latency_table(engines, timings, len(mix)),
        markdown_table(["target", "measured", ""], target_rows(timings, docs)),
        "Median latency by kind of query:",
        kind_table(engines, timings, mix),
    ]
    if left_out:
        parts.append("Left out: " + "; ".join(f"{k}: {v}" for k, v in left_out.items()) + ".")
    return "\n\n".join(parts)


def mix_table(engines: list[Engine], timings: dict[str, Timings], mix: list[BenchQuery]) -> str:
    """Every query as each engine ran it, with the hits it showed at this size."""
    rows = []
    for i, q in enumerate(mix):
        cells = []
        for e in engines:
            t = timings[e.name]
            if i in t.rendered:
                cells.append(f"`{t.rendered[i]}` ({t.hits.get(i, 0)})")
            else:
                cells.append(e.unsupported(q.kind))
        extra = (f" lang={q.lang}" if q.lang else "") + (f" page {q.page}" if q.page > 1 else "")
        rows.append([str(i + 1), q.label + extra, *cells])
    header = ["#", "kind", *(f"{e.label} (hits shown)" for e in engines)]
    return markdown_table(header, rows)


# --------------------------------------------------------------------------
# search-cli "tungsten", whole process
# --------------------------------------------------------------------------


def cli_command(python: Path) -> list[str]:
    script = python.with_name("search-cli")
    return [str(script)] if script.exists() else [str(python), "-m", "search"]


def time_process(cmd: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """The wall and CPU seconds (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


LEFT_OUT_OF_CLI_ENV = ("SEARCH_INDEX", "PYTHONDONTWRITEBYTECODE")
# pip records an editable install in the distribution's direct_url.json (PEP 610)
INSTALL_KIND = (
    "import importlib.metadata as m, json\n"
    "d = m.distribution('multilingual-news-search')\n"
    "url = json.loads(d.read_text('direct_url.json') or '{}')\n"
    "print('editable' if url.get('dir_info', {}).get('editable') else 'regular')\n"
)


def install_kind(python: Path, cwd: Path) -> str:
    """``editable`` or ``regular``: how ``python``'s environment has the package (run
    outside the checkout, whose own egg-info would answer instead)."""
    done = subprocess.run(
        [str(python), "-c", INSTALL_KIND], capture_output=True, text=True, cwd=cwd
    )
    return done.stdout.strip() or "unknown"


def measure_cli(warmups: int, runs: int, python: Path | None = None) -> dict:
    """The three processes of ``python``'s install (default: this one), interleaved.

    They run from an empty folder: in the checkout, ``python -c "import search.cli"``
    would import the checkout's package whatever ``python`` has installed.
    """
    python = python or Path(sys.executable)
    # the default index; and each module's bytecode cached as it is for users (with
    # PYTHONDONTWRITEBYTECODE, an editable install compiles our modules every run)
    env = {k: v for k, v in os.environ.items() if k not in LEFT_OUT_OF_CLI_ENV}
    commands = {
        "cli": [*cli_command(python), "tungsten"],
        "imports": [str(python), "-c", "import icu, whoosh"],
        "ours-imports": [str(python), "-c", "import search.cli"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory(prefix="cli-bench-") as cwd:
        kind = install_kind(python, Path(cwd))
        time_process(commands["cli"], env, Path(cwd))  # builds the default index if missing
        for round_ in range(warmups + runs):
            for name, cmd in commands.items():  # interleaved: the same noise for all
                seconds, cpu_seconds = time_process(cmd, env, Path(cwd))
                if round_ >= warmups:
                    times[name].append(seconds)
                    cpu[name].append(cpu_seconds)
    return {
        "python": str(python),
        "install": kind,
        "commands": {k: " ".join(v) for k, v in commands.items()},
        "seconds": times,
        "cpu_seconds": cpu,
    }


def cli_report(result: dict, warmups: int, runs: int) -> str:
    med = {name: median(values) * 1000 for name, values in result["seconds"].items()}
    cpu = {name: median(values) * 1000 for name, values in result["cpu_seconds"].items()}
    share = ratio(med["cli"], med["imports"])
    labels = {
        "cli": '`search-cli "tungsten"` (default index)',
        "imports": '`python -c "import icu, whoosh"`',
        "ours-imports": '`python -c "import search.cli"` (imports only, collector on)',
    }
    rows = [
        [label, fmt(med[name]), fmt_ratio(ratio(med[name], med["imports"]))]
        + [fmt(cpu[name]), fmt_ratio(ratio(cpu[name], cpu["imports"]))]
        for name, label in labels.items()
    ]
    verdict = _met(share is not None and share <= TARGET_CLI)
    return "\n\n".join(
        [
            f"Whole processes, the package's {result['install']} install, run from an empty "
            "folder; "
            f"median of {runs} runs after {warmups} warm-ups, interleaved; "
            f"measured {datetime.datetime.now().isoformat(timespec='seconds')}.",
            markdown_table(
                ["process", "median ms", "÷ import icu, whoosh", "CPU ms", "CPU ÷"], rows
            ),
            markdown_table(
                ["target", "measured", ""],
                [['`search-cli "tungsten"` ≤ 3× the imports', fmt_ratio(share), verdict]],
            ),
        ]
    )


# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, action="append", default=[])
    parser.add_argument("--out", type=Path, default=OUT, help="where bench/index.py put them")
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to write the tables into")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each query")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--rebuild", action="store_true", help="rebuild every index first")
    parser.add_argument("--skip-plain-whoosh-above", type=int, metavar="N")
    parser.add_argument(
        "--engines",
        type=lambda text: set(text.split(",")),
        help="only these, e.g. ours,fts5 for a quick A/B (default: all)",
    )
    parser.add_argument("--cli-warmups", type=int, default=2)
    parser.add_argument("--cli-runs", type=int, default=10)
    parser.add_argument("--no-cli", action="store_true", help="leave out the search-cli timing")
    parser.add_argument("--cli-only", action="store_true", help="only the search-cli timing")
    parser.add_argument(
        "--cli-python",
        type=Path,
        help="the interpreter whose install's search-cli to time, e.g. a non-editable one "
        "(default: this one)",
    )
    args = parser.parse_args(argv)
    if not args.docs and not args.cli_only:
        parser.error("--docs is required (unless --cli-only)")
    if args.cli_only:
        args.docs = []
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mix = query_mix()
    for docs in args.docs:
        engines, left_out = open_engines(docs, args)
        timings = measure_queries(engines, mix, args.warmup, args.repeat)
        text = report(docs, engines, timings, mix, left_out, args)
        print(f"\n## Queries, {docs:,} documents\n\n{text}\n")
        mix_text = mix_table(engines, timings, mix)
        saved = {e: asdict(t) for e, t in timings.items()}
        (args.out / f"query-{docs}.json").write_text(json.dumps(saved, ensure_ascii=False))
        if args.write:
            write_between_markers(args.write, f"speed-query-{docs}", text)
            if docs == MIX_DOCS:  # the mix is the same at every size; its hits are not
                write_between_markers(args.write, "speed-query-mix", mix_text)
    if not args.no_cli:
        result = measure_cli(args.cli_warmups, args.cli_runs, args.cli_python)
        text = cli_report(result, args.cli_warmups, args.cli_runs)
        print(f"\n## search-cli\n\n{text}\n")
        if args.write:
            write_between_markers(args.write, "speed-cli", text)
    if args.write:
        write_between_markers(args.write, "speed-machine", machine_table(machine_info()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
