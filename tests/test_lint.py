"""The code is formatted and linted with ruff (a dev dependency)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

RUFF = Path(sys.executable).parent / "ruff"


def test_ruff_check_passes() -> None:
    result = subprocess.run([str(RUFF), "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_starts_with_a_docstring() -> None:
    import ast

    missing = [
        str(path.relative_to(REPO))
        for folder in ("kiosk", "sync", "bench")
        for path in (REPO / folder).rglob("*.py")
        if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text())) is None
    ]
    assert missing == []
