"""The package's shape: imports flow one way, and every module reads in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

import flasksignals_django

PACKAGE = Path(flasksignals_django.__file__).parent
MAX_LINES = 260  # "about 250"


def module_name(path: Path) -> str:
    parts = ["flasksignals_django", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def runtime_imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports when it runs (not for type checking)."""
    tree = ast.parse(path.read_text())
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[
                        : len(package.split(".")) - child.level + 1
                    ]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:  # a submodule, else a name of ``base``
                    submodule = f"{base}.{alias.name}"
                    found.add(submodule if submodule in modules else base)
            visit(child)

    visit(tree)
    return {name for name in found if name in modules and name != this}


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): runtime_imports(path) for path in PACKAGE.rglob("*.py")}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := walk(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := walk(node)):
            return cycle
    return None


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    # A package's __init__ re-exports its modules: an edge into a package is an
    # edge into those modules, so treat packages as what they import.
    assert graph["flasksignals_django.ctx"], "the graph was read"
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_module_reads_in_one_sitting():
    long = {
        module_name(path): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_private_names_of_blinker_and_django_stay_in_their_modules():
    allowed = {
        "flasksignals_django._blinker": "blinker",
        "flasksignals_django._django": "django",
    }
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                top = node.module.split(".")[0]
                private = any(
                    part.startswith("_") for part in node.module.split(".")
                ) or any(alias.name.startswith("_") for alias in node.names)
                if (
                    top in ("blinker", "django")
                    and private
                    and allowed.get(name) != top
                ):
                    offenders.append(f"{name}: from {node.module} import ...")
    assert offenders == []
