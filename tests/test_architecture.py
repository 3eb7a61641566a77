"""The layers of the code (README, Architecture) hold: the import-linter contracts in
pyproject.toml, no import cycle, and no module importing another module's underscore names."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "factlint"
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(no_cache=True, no_logo=True))")


def lint_imports(cwd: Path, source: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.run([sys.executable, "-c", LINT], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_import_contracts_hold():
    run = lint_imports(ROOT, ROOT / "src")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 kept, 0 broken" in run.stdout


def test_an_import_against_the_layers_breaks_the_contract(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "src" / "factlint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    facts = tmp_path / "src" / "factlint" / "facts.py"
    with facts.open("a", encoding="utf-8") as stream:  # the model reaching up to the engine
        stream.write("\n\ndef checked(path):\n    from factlint.engine import run\n\n"
                     "    return run\n")
    registry = tmp_path / "src" / "factlint" / "registry.py"
    with registry.open("a", encoding="utf-8") as stream:
        stream.write("\n\nimport click  # noqa: E402\n")
    run = lint_imports(tmp_path, tmp_path / "src")
    assert run.returncode == 1, run.stdout
    assert "factlint.facts -> factlint.engine" in run.stdout
    assert "factlint.registry -> click" in run.stdout
    assert "1 kept, 2 broken" in run.stdout


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The import graph's cycles: its strongly connected parts of more than one module
    (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            following = next(imported, None)
            if following is not None:
                if following not in index:
                    index[following] = low[following] = len(index)
                    stack.append(following)
                    on_stack.add(following)
                    work.append((following, iter(sorted(
                        graph.find_modules_directly_imported_by(following)))))
                elif following in on_stack:
                    low[module] = min(low[module], index[following])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == module:
                        break
                if len(part) > 1:
                    parts.append(sorted(part))
    return parts


def test_the_import_graph_has_no_cycle():
    graph = grimp.build_graph("factlint", cache_dir=None)
    assert strongly_connected(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for importer, imported in (("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")):
        graph.add_import(importer=importer, imported=imported)
    assert strongly_connected(graph) == [["a", "b", "c"]]


def underscore_imports(path: Path) -> list[str]:
    """``from factlint.x import _y`` and ``x._y`` (x a factlint module imported) in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    modules: set[str] = set()  # local names bound to factlint modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("factlint"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} imports {node.module}.{alias.name}")
                    continue
                where = PACKAGE.parent.joinpath(*node.module.split("."), alias.name)
                if where.with_suffix(".py").exists() or where.is_dir():
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("factlint.") and alias.asname:
                    modules.add(alias.asname)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            found.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_imports_another_modules_underscore_names():
    found = [f for path in sorted(PACKAGE.rglob("*.py")) for f in underscore_imports(path)]
    assert found == []


def test_the_underscore_check_sees_both_forms(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from factlint.engine import _key, run\nfrom factlint import facts\n"
                      "facts._verify(1)\nfacts.verify(1)\n", encoding="utf-8")
    assert underscore_imports(sample) == ["sample.py:1 imports factlint.engine._key",
                                          "sample.py:3 uses facts._verify"]
