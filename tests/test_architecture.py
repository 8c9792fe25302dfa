"""The house's rules, checked on the code itself: import-linter's contracts in pyproject.toml
(domain and sync without Flask, TinyDB only in the store implementation, views above domain
above store, sync below the views), no import cycle between any two modules, one store
opening, one writer of activities."""

from __future__ import annotations

import ast
import subprocess
import tomllib
from pathlib import Path

import grimp

from tests.conftest import REPO, VENV_BIN

CONTRACTS = {
    "Domain modules and sync import no Flask",
    "Only the store implementation imports TinyDB",
    "Views above domain above store",
    "Sync does not import views or the composition root",
}


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "lint-imports"), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )


def test_the_architecture_contracts_hold() -> None:
    settings = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert {c["name"] for c in settings["contracts"]} == CONTRACTS
    result = lint_imports(REPO / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_a_broken_contract_is_reported(tmp_path: Path) -> None:
    """The check can fail: a contract the views cannot keep (they are Flask) is broken."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["kiosk", "sync"]\n'
        "include_external_packages = true\n\n"
        '[[tool.importlinter.contracts]]\nname = "Views without Flask"\ntype = "forbidden"\n'
        'source_modules = ["kiosk.board.views"]\nforbidden_modules = ["flask"]\n'
    )
    result = lint_imports(config)
    assert result.returncode == 1 and "Views without Flask BROKEN" in result.stdout


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a circle (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_round_a_circle() -> None:
    # Imports inside functions count too: a lazy import is still a cycle.
    graph = grimp.build_graph("kiosk", "sync", exclude_type_checking_imports=True)
    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_circle_of_three() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")]:
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["a.x", "a.y", "a.z"]]


def calls(name: str) -> dict[str, int]:
    """Where `name(...)` or `x.name(...)` is called in kiosk/ and sync/: {file: count}."""
    found: dict[str, int] = {}
    for path in [*(REPO / "kiosk").rglob("*.py"), *(REPO / "sync").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    key = str(path.relative_to(REPO))
                    found[key] = found.get(key, 0) + 1
    return found


def test_the_store_is_opened_in_one_place() -> None:
    assert set(calls("open_store")) == {"kiosk/store/opening.py"}


OWNERS = {"activities": "kiosk/activities/book.py", "sync_state": "sync/ledger.py"}


def table_writes(path: Path) -> set[str]:
    """Tables this file writes: `put`/`put_many`/`delete` whose table is a literal or a
    module constant naming one."""
    tree = ast.parse(path.read_text())
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    written = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"put", "put_many", "delete"}
            and node.args
        ):
            table = node.args[0]
            if isinstance(table, ast.Constant):
                written.add(table.value)
            elif isinstance(table, ast.Name) and table.id in constants:
                written.add(constants[table.id])
    return written


def test_activities_and_sync_state_have_one_writer_each() -> None:
    writers: dict[str, set[str]] = {table: set() for table in OWNERS}
    for path in [*(REPO / "kiosk").rglob("*.py"), *(REPO / "sync").rglob("*.py")]:
        for table in table_writes(path) & set(OWNERS):
            writers[table].add(str(path.relative_to(REPO)))
    assert writers == {table: {owner} for table, owner in OWNERS.items()}
