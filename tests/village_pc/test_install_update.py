"""install.sh in a clean copy of the repository, run twice; then --update to a good new
version, and to one whose data migration fails (the old version and data stay)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def run(*command: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTESPLATS_")}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        list(command),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**env, **GIT_ENV},
    )


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "motesplats.lock"
    }


def publish(publisher: Path, path: str, text: str, message: str) -> str:
    with open(publisher / path, "a", encoding="utf-8") as f:
        f.write(text)
    assert run("git", "commit", "-qam", message, cwd=publisher).returncode == 0
    assert run("git", "push", "-q", "origin", "HEAD", cwd=publisher).returncode == 0
    return run("git", "rev-parse", "HEAD", cwd=publisher).stdout.strip()


def test_clean_install_then_update_and_a_refused_update(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of the project")
    origin, work, publisher = tmp_path / "origin.git", tmp_path / "work", tmp_path / "publisher"
    assert run("git", "clone", "-q", "--bare", str(REPO), str(origin), cwd=tmp_path).returncode == 0
    assert run("git", "clone", "-q", str(origin), str(work), cwd=tmp_path).returncode == 0
    assert run("git", "clone", "-q", str(origin), str(publisher), cwd=tmp_path).returncode == 0

    first = run("bash", "install.sh", cwd=work)
    assert first.returncode == 0, first.stderr
    again = run("bash", "install.sh", cwd=work)  # twice is harmless
    assert again.returncode == 0, again.stderr
    motesplats = str(work / ".venv/bin/motesplats")
    assert "activity board" in run(motesplats, "--help", cwd=work).stdout
    assert run(motesplats, "demo", "--data-dir", str(work / "data"), cwd=work).returncode == 0
    assert any(p.suffix == ".mo" for p in (work / "kiosk/translations").rglob("*"))

    good = publish(publisher, "README.md", "\nA new version.\n", "A new version")
    updated = run("bash", "install.sh", "--update", cwd=work)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "Updated to" in updated.stdout
    assert run("git", "rev-parse", "HEAD", cwd=work).stdout.strip() == good

    before = files(work / "data")
    broken_step = (
        "\n\nSCHEMA_VERSION = 3\n\n\ndef _broken(tables: Tables) -> Tables:\n"
        "    raise ValueError('a step that fails')\n\n\nMIGRATIONS[3] = _broken\n"
    )
    publish(publisher, "kiosk/store/migrations.py", broken_step, "A version whose migration fails")
    refused = run("bash", "install.sh", "--update", cwd=work)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Going back to the old version; nothing was changed." in refused.stdout
    assert "a step that fails" in refused.stderr
    assert run("git", "rev-parse", "HEAD", cwd=work).stdout.strip() == good
    assert files(work / "data") == before
    assert "activity board" in run(motesplats, "--help", cwd=work).stdout
