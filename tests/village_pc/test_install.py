"""install.sh: a clear message when Python is too old (the rest runs in every CI run)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import REPO


def test_too_old_python_gets_a_clear_message(tmp_path: Path) -> None:
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\n[ \"$1\" = -V ] && echo 'Python 3.9.2' && exit 0\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(
        ["bash", str(REPO / "install.sh")],
        env={"PYTHON": str(fake), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "needs Python 3.11 or newer" in result.stderr and "3.9.2" in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_unknown_option_is_refused() -> None:
    result = subprocess.run(
        ["bash", str(REPO / "install.sh"), "--frobnicate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "unknown option" in result.stderr
