"""The engine stays pure: standard library, numpy, numba and scipy only, nothing else from matcher."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import matcher.engine

ALLOWED_THIRD_PARTY = {"numpy", "numba", "scipy"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_engine_imports_only_the_standard_library_numpy_numba_scipy_and_itself():
    engine_dir = Path(matcher.engine.__file__).parent
    offenders = {}
    for path in sorted(engine_dir.glob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            allowed = (
                top in sys.stdlib_module_names
                or top in ALLOWED_THIRD_PARTY
                or name.startswith("matcher.engine")
            )
            if not allowed:
                offenders.setdefault(path.name, []).append(name)
    assert offenders == {}
