"""The test suite collects whichever of its directories run together.

pytest imports the test directories without packages (rootdir-less "prepend" imports): each
directory's ``conftest.py`` is the module ``conftest`` and each helper is a top-level module
named after its file. So ``from conftest import X`` gets whichever conftest was imported last
(``pytest tests/exchange tests/store`` broke seven exchange modules that way), and two helper
files of one name in different directories shadow each other. Shared test code lives in
uniquely named support modules instead.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def _imports_conftest(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.module == "conftest"
    return isinstance(node, ast.Import) and any(a.name == "conftest" for a in node.names)


def test_no_module_imports_from_a_conftest() -> None:
    offenders = [
        f"{path.relative_to(TESTS)}:{node.lineno}"
        for path in _python_files()
        for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path)))
        if _imports_conftest(node) and isinstance(node, ast.stmt)
    ]
    assert offenders == [], "import shared test code from a uniquely named support module"


def test_no_two_test_modules_share_a_name() -> None:
    """Every module except conftest.py has a name no other directory uses."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in _python_files():
        if path.name not in ("conftest.py", "__init__.py"):
            by_name[path.name].append(str(path.parent.relative_to(TESTS)))
    assert {name: dirs for name, dirs in by_name.items() if len(dirs) > 1} == {}
