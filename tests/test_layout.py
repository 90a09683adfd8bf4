"""The house: the package's layers follow the flow (each imports only from the ones before it, type-only
imports included), no module imports another that imports it back, no name is defined twice, and no module
grows past about 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import analysis

PACKAGE = Path(analysis.__file__).parent
LIMIT = 400


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports: at run time, inside functions, and for type checking."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package
            for _ in range(node.level - 1):
                base = base.rsplit(".", 1)[0]
            target = f"{base}.{node.module}" if node.module else base
            for alias in node.names:  # 'from . import paths' imports a module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _exists(candidate) else target)
        elif isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found.update(n for n in names if n == "analysis" or n.startswith("analysis."))
    return {m for m in found if _exists(m)}


def _exists(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module(p): _imports(p) - {_module(p)} for p in PACKAGE.rglob("*.py")}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk meets, each as the modules round it."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_import_cycle() -> None:
    graph = _graph()
    assert "analysis.report.text" in graph["analysis.report.briefing"]  # the graph sees real imports
    assert find_cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_over_the_limit() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {k: v for k, v in sizes.items() if v > LIMIT} == {}


# The layers, in the order of the flow. A module may import from its own layer and the ones before it.
LAYERS = (
    ("analysis.paths", "analysis.files", "analysis.core"),  # plain helpers and pure rules
    ("analysis.data",),  # read and validate the data package
    ("analysis.status",),  # the status table of a Dataset
    ("analysis.report",),  # what a reader gets: sections, pages, exporters, the front page
    ("analysis.pipeline",),  # the build
    ("analysis", "analysis.__main__", "analysis.cli", "analysis.cli_common", "analysis.cli_import", "analysis.cli_commentary",
     "analysis.notebooks"),  # entry points
)


def layer(module: str) -> int:
    for n, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes if p != "analysis"):
            return n
    assert module in LAYERS[-1], f"{module} belongs to no layer: add it to LAYERS"
    return len(LAYERS) - 1


def upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{m} -> {i}" for m, imports in graph.items() for i in imports if layer(i) > layer(m))


def test_folders_follow_the_flow() -> None:
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__"))
    assert folders == ["core", "data", "pipeline", "report"]  # none named build/: tools take it for output
    assert upward(_graph()) == []


def test_the_layer_check_finds_an_upward_import() -> None:
    graph = {"analysis.data.rules": {"analysis.status"}, "analysis.report.text": {"analysis.core.unicode"}}
    assert upward(graph) == ["analysis.data.rules -> analysis.status"]


def test_type_only_imports_count() -> None:
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..status import target_status\n"
    probe = PACKAGE / "data" / "_probe_layout.py"
    probe.write_text(text, encoding="utf-8")
    try:
        assert _imports(probe) == {"analysis.status"}
    finally:
        probe.unlink()


def test_no_name_is_defined_twice() -> None:
    """One meaning per name: no two modules define a class or a top-level function of the same name."""
    where: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and not node.name.startswith("__"):
                where.setdefault(node.name, []).append(str(path.relative_to(PACKAGE)))
    assert {name: places for name, places in where.items() if len(places) > 1} == {}
