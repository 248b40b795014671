"""``search-cli`` as a real process: output, JSON shape, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version

from checkout import HIT_KEYS, SEEDS, run_cli


def test_default_index_tungsten_finds_the_persian_article():
    # The Quick start: no --index, the checkout's index/ built from seeds/ if needed.
    done = run_cli("tungsten")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("1. دونالد ترمپ")
    assert "004_a9852c1cd0dd4442" in done.stdout
    assert "**تنگستن**" in done.stdout  # plain markers when piped
    assert "1 results in" in done.stdout


def test_search_subcommand_is_the_default(seeds_index_dir):
    a = run_cli("--index", str(seeds_index_dir), "--json", "Boeing")
    b = run_cli("search", "--index", str(seeds_index_dir), "--json", "Boeing")
    strip = lambda out: {k: v for k, v in json.loads(out).items() if k != "took_ms"}  # noqa: E731
    assert strip(a.stdout) == strip(b.stdout)


def test_json_shape_and_exit_codes(seeds_index_dir):
    found = run_cli("--index", str(seeds_index_dir), "--json", "tungsten")
    assert found.returncode == 0
    data = json.loads(found.stdout)
    assert list(data) == ["query", "total", "took_ms", "suggestion", "results"]
    assert data["query"] == "tungsten" and data["total"] == 1
    hit = data["results"][0]
    assert list(hit) == HIT_KEYS
    assert hit["lang"] == "fa" and hit["date"] == "2025-11-07"
    assert "<mark>تنگستن</mark>" in hit["snippet"]
    [matched] = hit["matched"]
    assert (matched["query"], matched["word"], matched["how"]) == (
        "tungsten",
        "تنگستن",
        "cross-script",
    )
    assert 0.8 < matched["similarity"] <= 1

    nothing = run_cli("--index", str(seeds_index_dir), "--json", "democracy")
    assert nothing.returncode == 1 and json.loads(nothing.stdout)["total"] == 0


def _arabic_letters(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_human_output_says_what_matched_across_scripts(seeds_index_dir):
    done = run_cli("--index", str(seeds_index_dir), "tungsten")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    snippet = next(i for i, line in enumerate(lines) if "**تنگستن**" in line)
    assert lines[snippet + 1].strip().startswith("tungsten ≈ تنگستن (0.9")
    names = run_cli("--index", str(seeds_index_dir), "Kazakhstan")
    assert "kazakhstan = قزاقستان (name)" in names.stdout


def test_latin_letters(seeds_index_dir):
    done = run_cli("--index", str(seeds_index_dir), "--latin", "tungsten")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1. دونالد ترمپ")  # the title as written, then in Latin letters
    assert lines[1].strip().startswith("dwn") and not _arabic_letters(lines[1])
    latin_snippet = next(line for line in lines if "**tngstn**" in line)  # the marks kept
    assert not _arabic_letters(latin_snippet)
    data = json.loads(
        run_cli("--index", str(seeds_index_dir), "--json", "--latin", "tungsten").stdout
    )
    hit = data["results"][0]
    assert "<mark>tngstn</mark>" in hit["snippet_latin"]
    assert not _arabic_letters(hit["title_latin"] + hit["snippet_latin"])
    assert "<mark>تنگستن</mark>" in hit["snippet"]  # beside the text as written


def test_options_limit_page_lang(seeds_index_dir):
    out = run_cli("--index", str(seeds_index_dir), "--json", "--limit", "2", "--page", "2", "Trump")
    assert len(json.loads(out.stdout)["results"]) == 2
    hindi = run_cli("--index", str(seeds_index_dir), "--json", "--lang", "hi", "Trump")
    assert {r["lang"] for r in json.loads(hindi.stdout)["results"]} == {"hi"}


def test_errors_are_one_line_with_status_2(tmp_path, seeds_index_dir):
    missing = run_cli("--index", str(tmp_path / "none"), "tungsten")
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and "search-cli index --index" in missing.stderr
    assert "Traceback" not in missing.stderr
    too_long = run_cli("--index", str(seeds_index_dir), "x" * 2000)
    assert too_long.returncode == 2 and "longer than" in too_long.stderr


def test_search_index_env_selects_the_index(seeds_index_dir):
    done = run_cli("--json", "tungsten", env={"SEARCH_INDEX": str(seeds_index_dir)})
    assert done.returncode == 0 and json.loads(done.stdout)["total"] == 1


def test_index_command_summary_and_status(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("خبر درباره تنگستن", encoding="utf-8")
    (corpus / "bad.jsonl").write_text('{"id": "ok", "text": "सेरियम"}\n{broken\n', encoding="utf-8")
    done = run_cli("index", "--index", str(tmp_path / "ix"), str(corpus))
    assert done.returncode == 1  # something was skipped
    assert "2 added" in done.stdout and "1 skipped" in done.stdout
    assert "bad.jsonl:2" in done.stderr and "invalid JSON" in done.stderr
    again = run_cli("index", "--index", str(tmp_path / "ix"), "--json", str(corpus / "good.txt"))
    assert again.returncode == 0 and json.loads(again.stdout)["unchanged"] == 1
    seeds = run_cli("index", "--index", str(tmp_path / "ix2"), str(SEEDS))
    assert seeds.returncode == 0 and "5 added" in seeds.stdout


def test_analyze_shows_terms_per_stream():
    done = run_cli("analyze", "--json", "لليورانيوم تنگستن")
    data = json.loads(done.stdout)
    first, second = data["tokens"]
    assert (first["text"], first["start"], first["end"]) == ("لليورانيوم", 0, 10)
    assert first["terms"]["stem"] == "يورانيوم" and first["terms"]["key"] == "_rnm|يورانيوم"
    assert second["terms"]["key"] == "tngstn|تنگستن" and second["script"] == "arabic"
    table = run_cli("analyze", "टंगस्टन")
    assert "tngstn" in table.stdout and "devanagari" in table.stdout


def test_analyze_lists_cross_script_candidates_in_the_index(seeds_index_dir, tmp_path):
    done = run_cli("analyze", "--index", str(seeds_index_dir), "--json", "tungsten the")
    data = json.loads(done.stdout)
    assert data["index"] == str(seeds_index_dir)
    tungsten, the = data["tokens"]
    best = tungsten["candidates"][0]
    assert best["word"] == "تنگستن" and best["searched"] and best["similarity"] > 0.8
    assert the["candidates"] == []  # a stopword has no key
    table = run_cli("analyze", "--index", str(seeds_index_dir), "Trump")
    assert re.search(r"Trump: .*ترمپ 0\.9\d\*", table.stdout), table.stdout
    # without an index: the analysis, no candidates, a note
    alone = run_cli("analyze", "--index", str(tmp_path / "none"), "--json", "tungsten")
    assert alone.returncode == 0 and "no cross-script candidates" in alone.stderr
    data = json.loads(alone.stdout)
    assert data["index"] is None and data["tokens"][0]["candidates"] == []
    assert data["tokens"][0]["terms"]["key"] == "tngstn|tungsten"
    assert not (tmp_path / "none").exists()


def test_entry_point_runs_the_command_with_the_collector_on_and_the_imports_frozen():
    # serve and index run for long: their cycles must still be collected; the
    # modules imported before the command are frozen, never walked again.
    driver = (
        "import gc, json, search.cli\n"
        "seen = {}\n"
        "def command():\n"
        "    seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())\n"
        "search.cli.main = command\n"
        "from search.__main__ import run\n"
        "run()\n"
        "print(json.dumps(seen))\n"
    )
    done = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["enabled"] is True
    assert seen["frozen"] > 10_000  # Whoosh's, click's and our modules' objects


def test_version_is_an_option_not_a_query():
    done = run_cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("version " + version("multilingual-news-search"))


def test_missing_icu_is_one_line_saying_how_to_install_it():
    # "import icu" fails as on a machine without it: a None in sys.modules is Python's own
    # way to say a module is absent (an uninstalled PyICU is tested in tests/test_install.py)
    code = "import sys; sys.modules['icu'] = None; from search.__main__ import run; run()"
    done = subprocess.run(
        [sys.executable, "-c", code, "tungsten"],
        capture_output=True,
        text=True,
        cwd=SEEDS.parent,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("search-cli: ICU for Python is missing")
    assert "pip install pyicu-wheels" in line
