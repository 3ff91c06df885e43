"""The import graph of our own modules (kg.*, api.*), read with ast: no cycle, at module level or
through imports inside functions, and no module reaching into another's privates (``from kg.x
import _y``, or ``obj._y`` where ``_y`` is defined only in another of our modules).

Imports under ``if TYPE_CHECKING:`` do not run and are not edges. The few known edges that still
close a cycle, and the known private uses, are listed below with the reason they remain: the test
fails on any new one, and on a listed one that is gone (so the lists only shrink).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "api")

#: edges (importer, imported) that close a cycle today: none (store/remote, cluster/ingest and
#: querypool/sparql were broken apart by kg/backends.py, kg/gate.py and api/answers.py)
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()

#: (module, private name it uses from another module) known today: none (DocEntities'
#: state_entity and gaz_entity and the events' clause_verb, shared by the rules, are public)
KNOWN_PRIVATE_USES: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    in_function: bool
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "_bundled" in path.parts:
                continue
            out[_module_name(path)] = path
    return out


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _ours(name: str) -> bool:
    return name.split(".", 1)[0] in PACKAGES


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


class _Reader(ast.NodeVisitor):
    """The import edges of one module and the private attributes it reads off other objects."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module, self.is_package = module, is_package
        self.depth = 0
        self.edges: list[Edge] = []
        self.private_imports: list[tuple[str, str, int]] = []  # (from module, name, line)
        self.private_attributes: list[tuple[str, int]] = []  # (attribute, line)
        self.defined: set[str] = set()  # private names this module defines (functions, classes, methods)

    # scopes
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.name.startswith("_") and not node.name.startswith("__"):
            self.defined.add(node.name)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if node.name.startswith("_"):
            self.defined.add(node.name)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Attribute) and name.attr.startswith("_"):
                    self.defined.add(name.attr)  # self._x = ...: an attribute of our own objects
                elif isinstance(name, ast.Name) and name.id.startswith("_"):
                    self.defined.add(name.id)
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    # imports
    def _edge(self, target: str, line: int) -> None:
        if _ours(target) and target != self.module:
            self.edges.append(Edge(self.module, target, self.depth > 0, line))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._edge(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        source = _resolve(self.module, self.is_package, node)
        if not _ours(source):
            return
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            if submodule in MODULES:
                self._edge(submodule, node.lineno)
                continue
            self._edge(source, node.lineno)
            if alias.name.startswith("_") and not alias.name.startswith("__") and source != self.module:
                self.private_imports.append((source, alias.name, node.lineno))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = node.attr
        if name.startswith("_") and not name.startswith("__"):
            owner = node.value
            own = isinstance(owner, ast.Name) and owner.id in {"self", "cls"} or (
                isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super")
            if not own:
                self.private_attributes.append((name, node.lineno))
        self.generic_visit(node)


def _read_all() -> dict[str, _Reader]:
    out = {}
    for module, path in MODULES.items():
        reader = _Reader(module, path.name == "__init__.py")
        reader.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        out[module] = reader
    return out


READERS = _read_all()


def _edges(function_level: bool = True) -> dict[tuple[str, str], list[Edge]]:
    out: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for reader in READERS.values():
        for edge in reader.edges:
            if function_level or not edge.in_function:
                out[(edge.source, edge.target)].append(edge)
    return out


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted({a for a, _ in edges} | {b for _, b in edges}):
        if v not in index:
            visit(v)
    return sorted(found)


def _describe(edges: dict[tuple[str, str], list[Edge]], component: list[str]) -> str:
    inside = sorted((a, b) for a, b in edges if a in component and b in component)
    return "; ".join(f"{a} -> {b} ({MODULES[a].relative_to(ROOT)}:{edges[(a, b)][0].line}"
                     f"{', in a function' if all(e.in_function for e in edges[(a, b)]) else ''})"
                     for a, b in inside)


# ------------------------------------------------------------------ the reader itself
def test_the_reader_finds_edges_cycles_and_privates() -> None:
    """The mechanism on modules of our own making: a cycle through a function-level import, a
    private import, a private attribute, and an import under TYPE_CHECKING that is no edge."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from kg.b import public, _hidden\n"
        "from . import c\n"
        "if TYPE_CHECKING:\n"
        "    from kg.d import Thing\n"
        "def f(x):\n"
        "    import kg.e\n"
        "    return x._helper(), self_like._own\n"
        "class K:\n"
        "    def g(self):\n"
        "        return self._mine\n"
    )
    reader = _Reader("kg.a", False)
    reader.visit(ast.parse(source))
    assert {(e.target, e.in_function) for e in reader.edges} == {("kg.b", False), ("kg", False),
                                                                  ("kg.e", True)}
    assert [(m, n) for m, n, _ in reader.private_imports] == [("kg.b", "_hidden")]
    assert sorted(n for n, _ in reader.private_attributes) == ["_helper", "_own"]
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert cycles({("a", "b"), ("b", "c")}) == []


def test_the_graph_is_read() -> None:
    """The real modules are found and their imports read (a reader that finds nothing passes
    every check below)."""
    edges = _edges()
    assert len(MODULES) > 30
    assert ("kg.ingest", "kg.store") in edges
    assert ("api.rest", "kg.store") in edges


# ------------------------------------------------------------------ the rules
def test_no_import_cycle_at_module_level() -> None:
    """Importing any module runs no cycle of imports."""
    edges = _edges(function_level=False)
    found = cycles(set(edges))
    assert not found, "\n".join(_describe(edges, c) for c in found)


def test_no_import_cycle_through_function_level_imports() -> None:
    """Counting the imports inside functions too, the layers point one way (but for the listed
    edges, each the subject of a fix)."""
    edges = _edges()
    found = cycles(set(edges) - KNOWN_CYCLE_EDGES)
    assert not found, "new import cycle: " + "\n".join(_describe(edges, c) for c in found)
    stale = {e for e in KNOWN_CYCLE_EDGES if e not in edges or not any(
        e[0] in c and e[1] in c for c in cycles(set(edges)))}
    assert not stale, f"no longer in a cycle: remove from KNOWN_CYCLE_EDGES: {sorted(stale)}"


def _private_uses() -> dict[tuple[str, str], list[int]]:
    defined_in: dict[str, set[str]] = defaultdict(set)
    for module, reader in READERS.items():
        for name in reader.defined:
            defined_in[name].add(module)
    out: dict[tuple[str, str], list[int]] = defaultdict(list)
    for module, reader in READERS.items():
        for _source, name, line in reader.private_imports:
            out[(module, name)].append(line)
        for name, line in reader.private_attributes:
            owners = defined_in.get(name, set())
            if owners and module not in owners:  # defined only in other modules of ours
                out[(module, name)].append(line)
    return out


def test_no_module_uses_another_modules_privates() -> None:
    uses = _private_uses()
    new = {k: v for k, v in uses.items() if k not in KNOWN_PRIVATE_USES}
    assert not new, "private names used across modules (make them public or move them): " + "; ".join(
        f"{m} uses {n} (lines {', '.join(map(str, lines))})" for (m, n), lines in sorted(new.items()))
    stale = KNOWN_PRIVATE_USES - set(uses)
    assert not stale, f"no longer used: remove from KNOWN_PRIVATE_USES: {sorted(stale)}"
