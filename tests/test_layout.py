"""The layout holds: imports run one way, Whoosh's internals are touched in one place.

Every import statement of ``search/`` and ``web/`` is read, those inside
functions included, so an import moved into a function to dodge a cycle is
still one.
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

import pytest

from checkout import ROOT

# Each package of search/ and the layer it sits in: a module may import its own
# layer and those below, never one above (docs/architecture.md).
LAYERS = {
    "search.errors": 0,
    "search.languages": 0,
    "search.budget": 0,
    "search.whoosh_ext": 1,
    "search.analysis": 1,
    "search.documents": 2,
    "search.index": 3,
    "search.query": 4,
    "search.ranking": 5,
    "search.results": 6,
    "search.highlight": 6,
    "search.suggest": 6,
    "search.engine": 7,
    "search.evaluation": 7,
    "search.cluster": 8,
    "search.cli": 9,
    "search.__main__": 9,
    "search": 10,  # the package's public names, imported lazily
    "web": 11,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def sources() -> dict[str, Path]:
    files = sorted((ROOT / "search").rglob("*.py")) + sorted((ROOT / "web").rglob("*.py"))
    return {module_name(f): f for f in files}


def imports_of(name: str, path: Path) -> list[tuple[str, ast.AST]]:
    """(module imported, the statement) for every import in the file, at any depth.

    ``from package import module`` counts as an import of the module alone (Python
    runs the package's ``__init__`` first for every import beneath it, which is no
    dependency of the importer's)."""
    known = set(sources())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            modules = [f"{target}.{alias.name}" for alias in node.names]
            # `from . import engine` imports the module search.engine
            out += [(m, node) for m in modules if m in known]
            if not all(m in known for m in modules):
                out.append((target, node))
    return out


def own_modules() -> dict[str, set[str]]:
    """Each module of ours → the modules of ours it imports."""
    known = sources()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        for target, _ in imports_of(name, path):
            if target in known and target != name:
                graph[name].add(target)
    return graph


def layer(name: str) -> int:
    while name not in LAYERS:
        name = name.rpartition(".")[0]
    return LAYERS[name]


def test_every_module_has_a_layer():
    for name in sources():
        assert layer(name) is not None


def test_no_import_cycles():
    graph = own_modules()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for child in sorted(graph.get(node, ())):
            if state.get(child) == 1:
                cycles.append(trail[trail.index(child) :] + [child])
            elif child not in state:
                visit(child, trail + [child])
        state[node] = 2

    for name in sorted(sources()):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_imports_run_one_way():
    wrong = []
    for name, targets in own_modules().items():
        for target in targets:
            # a package's __init__ may gather its own modules; the serve command
            # starts the web front end (the next test: nothing else imports it)
            if target.startswith(name + ".") or (
                name == "search.cli.commands" and target.split(".")[0] == "web"
            ):
                continue
            if layer(target) > layer(name):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_analysis_imports_nothing_else_of_search():
    for name, targets in own_modules().items():
        if name.startswith("search.analysis"):
            assert all(t.startswith("search.analysis") for t in targets), name


def test_web_uses_only_searchs_public_names_and_never_whoosh():
    import search

    for name, path in sources().items():
        if not name.startswith("web"):
            continue
        for target, node in imports_of(name, path):
            assert not target.startswith("whoosh"), f"{name} imports {target}"
            if target.split(".")[0] == "search":
                assert target == "search", f"{name} imports {target}"
                names = {alias.name for alias in node.names}
                assert names <= set(search.__all__), f"{name}: {names - set(search.__all__)}"


def test_only_the_serve_command_imports_web():
    importers = []
    for name, path in sources().items():
        if name.startswith("web"):
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)] + [tree]:
            body = func.body if isinstance(func, ast.FunctionDef) else tree.body
            for node in body:
                for sub in ast.walk(node) if isinstance(func, ast.FunctionDef) else [node]:
                    if isinstance(sub, ast.Import) and any(
                        a.name == "web" or a.name.startswith("web.") for a in sub.names
                    ):
                        importers.append((name, getattr(func, "name", "<module>")))
                    if isinstance(sub, ast.ImportFrom) and (sub.module or "").split(".")[0] == (
                        "web"
                    ):
                        importers.append((name, getattr(func, "name", "<module>")))
    assert sorted(set(importers)) == [("search.cli.commands", "serve")]


def whoosh_names(tree: ast.AST) -> set[str]:
    """The names a module binds to Whoosh's modules and classes."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "whoosh":
                    names.add(a.asname or a.name.split(".")[0])
    return names


def _root(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def class_assignments(path: Path) -> list[str]:
    """Attributes of Whoosh's modules or classes that a file assigns."""
    tree = ast.parse(path.read_text("utf-8"))
    ours = whoosh_names(tree)
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and _root(target) in ours:
                found.append(f"{path.name}:{node.lineno}")
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("setattr", "delattr"):
            if node.args and _root(node.args[0]) in ours:
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_only_whoosh_ext_assigns_attributes_of_whooshs_classes():
    for name, path in sources().items():
        if name.startswith("search.whoosh_ext"):
            continue
        assert class_assignments(path) == [], name


def test_the_check_sees_a_patch(tmp_path):
    patched = tmp_path / "patch.py"
    patched.write_text(
        "from whoosh.matching import combo\n"
        "from whoosh import query as Q\n"
        "combo.ArrayUnionMatcher.max_quality = lambda self: 0\n"
        "setattr(Q.Or, 'matcher_type', 1)\n"
    )
    assert class_assignments(patched) == ["patch.py:3", "patch.py:4"]


@pytest.mark.parametrize("name", ["search.whoosh_ext.matchers", "search.whoosh_ext.storage"])
def test_the_patches_do_assign_whoosh_classes_only_through_install(name):
    # the patch modules define their patches; install() is what applies them
    path = sources()[name]
    assert class_assignments(path) == []
