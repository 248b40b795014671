"""bench/names.py's harness on a tiny made-up names folder (no ../shared needed).

Each language gets two invented loanword pairs and one control whose "native"
form is the English one: whatever the cross-script matcher does, the control is
found first, so the figures are checked against what the harness must give.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from checkout import ROOT

PAIRS = {
    "ar": [("Tungsten", "تنغستن"), ("Selenium", "سيلينيوم"), ("Zorblax", "Zorblax")],
    "fa": [("Tungsten", "تنگستن"), ("Uranium", "اورانیوم"), ("Zorblax", "Zorblax")],
    "hi": [("Tungsten", "टंगस्टन"), ("Selenium", "सेलेनियम"), ("Zorblax", "Zorblax")],
}
NON_NAMES = ["across", "zorblax"]  # the second is in every index: found


def _load() -> ModuleType:
    # bench/ is a directory of scripts, not a package: load the file directly.
    spec = importlib.util.spec_from_file_location("bench_names", ROOT / "bench" / "names.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def names() -> ModuleType:
    return _load()


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "shared" / "names"
    folder.mkdir(parents=True)
    for lang, pairs in PAIRS.items():
        lines = ["english\tnative\tsource", *(f"{e}\t{n}\tinvented" for e, n in pairs)]
        # a second spelling of a query in another case is the same query
        lines.append(f"{pairs[0][0].upper()}\t{pairs[0][1]}\tinvented")
        (folder / f"dev-{lang}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "non-names-dev.txt").write_text("\n".join(NON_NAMES) + "\n", encoding="utf-8")
    return tmp_path / "shared"


def test_names_set_figures(names, shared: Path, tmp_path: Path):
    figures = names.run_sets(shared, ["ar", "fa", "hi"], ["names"], tmp_path / "work")
    for lang in PAIRS:
        f = figures[("names", lang)]
        assert f.queries == 3
        assert 1 / 3 <= f.mrr10 <= 1 and 1 / 3 <= f.r10 <= f.r100 <= 1
        assert f.non_names_asked == 2 and 1 <= f.non_names <= 2
        assert 0 < f.p50_ms <= f.p95_ms
    text = names.table(figures)
    assert "| names | fa | 3 |" in text
    assert "| names, before (main at 5464dd0, top 10) | hi |" in text


def test_cldr_pairs_skip_names_spelt_alike(names):
    pairs = names.cldr_pairs("fa")
    assert len(pairs.pairs) > 100
    for english, forms in pairs.pairs.items():
        assert any(c.isalpha() for c in english) and english not in forms


def test_write_replaces_the_marked_table(names, shared: Path, tmp_path: Path):
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text("# B\n\n<!-- names:begin -->\nold\n<!-- names:end -->\nafter\n", "utf-8")
    args = ["--shared", str(shared), "--langs", "fa", "--sets", "names"]
    names.main([*args, "--work", str(tmp_path / "w"), "--write", str(doc)])
    content = doc.read_text(encoding="utf-8")
    assert "old" not in content and content.endswith("<!-- names:end -->\nafter\n")
    assert "| names | fa | 3 |" in content and "ICU " in content
