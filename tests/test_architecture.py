"""The house's rule, executable: imports point one way (pyproject.toml's import-linter contracts,
run by `make lint`), no module of ours takes part in an import cycle, and no import of ours hides
inside a function (the way a cycle would be dodged), save Django's own pattern of importing a
signal module in `AppConfig.ready()`."""

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engagiert", "public", "editorial", "accounts", "records", "demo", "events", "networks", "cities", "core")


def our_modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and "geo" not in path.parts
    ]


def strongly_connected(graph, modules) -> list[set[str]]:
    """Tarjan's algorithm over the import graph: the groups of modules that import each other in a ring."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(module):
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(group)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_of_ours_takes_part_in_an_import_cycle():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    # A package imports its own submodules when it re-exports them; that is not a cycle between pieces.
    modules = {module for module in graph.modules if not (ROOT / module.replace(".", "/") / "__init__.py").exists()}
    assert strongly_connected(graph, modules) == []


def test_the_cycle_finder_finds_a_ring():
    class Ring:
        imports = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.imports[module]

    assert strongly_connected(Ring(), set(Ring.imports)) == [{"a", "b", "c"}]


def imports_inside_functions(path: Path) -> list[str]:
    """`file:line module` of every import of our packages that sits inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready" and path.name == "apps.py":
            continue
        for node in ast.walk(function):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in PACKAGES:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_no_import_of_ours_hides_inside_a_function():
    assert [hit for path in our_modules() for hit in imports_inside_functions(path)] == []


def test_the_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
