"""The package's layers, checked from its imports: every import points down (or within its own sub-package),
no two modules import each other even through others, and only the compile, schedule and neighbourhood
modules import OR-Tools."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "solver"

# Lowest first. A module may import its own sub-package and any lower layer; layers on one rank are
# independent of each other. The root face (solver/__init__.py) re-exports the API and is exempt.
LAYERS: list[tuple[str, ...]] = [
    ("solver.budget", "solver.errors", "solver.files", "solver.limits"),
    ("solver.rules",),
    ("solver.model",),
    ("solver.request",),
    ("solver.engine",),
    ("solver.queries",),
    ("solver.importing", "solver.cohort", "solver.planning"),
    ("solver.web",),
    ("solver.cli",),
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    return next(name for name in sorted(RANK, key=len, reverse=True) if module == name or module.startswith(name + "."))


def imports_of(module: str) -> set[str]:
    """Project modules that `module` imports anywhere in its text: at the top, inside functions, for types."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from solver.cli import advise` names a module; `from solver.rules import Bound` names a symbol
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                     for a in node.names]
        else:
            continue
        found.update(n for n in names if n in MODULES and n != module)
    return found


GRAPH = {m: imports_of(m) for m in MODULES if m != "solver"}


def test_every_module_belongs_to_a_layer() -> None:
    assert [m for m in GRAPH if not any(m == n or m.startswith(n + ".") for n in RANK)] == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module: str) -> None:
    mine = layer_of(module)
    upward = [t for t in sorted(GRAPH[module])
              if layer_of(t) != mine and RANK[layer_of(t)] >= RANK[mine]]
    assert upward == [], f"{module} ({mine}) imports from its own rank or above: {upward}"


def test_no_import_circles() -> None:
    # Tarjan's strongly connected components: any component of two or more modules is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(GRAPH.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []


def test_only_the_compile_module_imports_ortools() -> None:
    users = sorted(m for m, p in MODULES.items() if "ortools" in p.read_text(encoding="utf-8").replace(
        "OR-Tools", "") and any(isinstance(n, (ast.Import, ast.ImportFrom)) and "ortools" in ast.unparse(n)
                                for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))))
    # schedule places units in periods (learner plans, delivery plans): models of their own, not the rule model's;
    # neighbourhood re-solves parts of a delivery plan's model (large-neighbourhood search)
    assert users == ["solver.engine.compile", "solver.engine.neighbourhood", "solver.engine.schedule"]


def test_the_layer_checks_can_fail() -> None:
    """The checks see an upward import and a circle when there is one (a made-up graph, the same code)."""
    saved = dict(GRAPH)
    try:
        GRAPH["solver.rules.base"] = {*saved["solver.rules.base"], "solver.queries.checking"}
        with pytest.raises(AssertionError):
            test_imports_point_down("solver.rules.base")
        with pytest.raises(AssertionError):
            test_no_import_circles()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)
