"""The package's layout is its architecture: each folder is a layer, and a module imports only
its own layer and the layers below it (type-only imports under TYPE_CHECKING included), with no
import circles at all."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "site_builder"

# From the top down. A module may import modules of its own layer and of every layer below.
LAYERS = [
    ["cli", "programs"],
    ["plugin"],
    ["pipeline"],
    ["pdf"],
    ["renderer"],
    ["checks"],
    ["structure"],
    ["config"],
    ["markup"],
    ["utils", "errors", "i18n"],
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(("site_builder", *parts))] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules a file imports, wherever the import stands."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path.name}: use absolute imports"
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        out |= {n for n in names if n in modules}
    return out


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "package"


def test_every_module_is_in_a_layer():
    modules = _modules()
    assert {_layer(m) for m in modules} - {"package", "data"} <= set(RANK)


def test_no_module_imports_a_higher_layer():
    modules = _modules()
    upward = []
    for module, path in modules.items():
        for target in _imports(path, modules):
            if _layer(module) in RANK and _layer(target) in RANK and \
                    RANK[_layer(target)] < RANK[_layer(module)]:
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_no_import_circles():
    modules = _modules()
    graph = {m: {t for t in _imports(p, modules) if t != m and not modules[t].name ==
                 "__init__.py"} for m, p in modules.items()}
    circles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                circles.append(" -> ".join([*stack[stack.index(target):], target]))
            elif target not in state:
                visit(target, [*stack, target])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_library_below_the_plugin_knows_nothing_of_mkdocs():
    below = [m for m in _modules() if _layer(m) in RANK and RANK[_layer(m)] > RANK["plugin"]]
    knows = [m for m in below
             if any(n.split(".")[0] in ("mkdocs", "material")
                    for n in _all_imports(_modules()[m]))]
    assert knows == []


def _all_imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out
