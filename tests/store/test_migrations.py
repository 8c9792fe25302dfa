"""Versioned data: a folder written by schema 1 opens and migrates; a failing step changes
nothing, byte for byte; the old data goes to a backup first."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk import create_app, services
from kiosk.store import migrations, open_store
from kiosk.store.migrations import SCHEMA_VERSION, MigrationError
from tests.conftest import REPO, VENV_BIN

FIXTURE = Path(__file__).parents[1] / "fixtures" / "schema_v1" / "motesplats.json"
RAW_KEY = "k3y-made-on-the-phone-0123456789"


def old_folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURE, data / "motesplats.json")
    return data


def files(data: Path) -> dict[str, bytes]:
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in data.rglob("*") if p.is_file()}


def test_schema_1_data_opens_and_is_migrated(tmp_path: Path) -> None:
    data = old_folder(tmp_path)
    before = json.loads(FIXTURE.read_text())
    app = create_app({"TESTING": True, "DATA_DIR": str(data)})
    store = services.get_for(app).store
    try:
        assert store.get("meta", "schema") == {"id": "schema", "version": SCHEMA_VERSION}
        signup = store.get("signups", "0123456789abcdef0123456789abcdef")
        assert signup["idempotency_key"] == hashlib.sha256(RAW_KEY.encode()).hexdigest()
        assert signup["name"] == "Saba" and signup["adults"] == 2
        count = sum(len(t) for name, t in before.items() if name.startswith("activities/"))
        assert store.count("activities") == count > 10
        # The data as it was is kept in a backup, raw key and all.
        kept = [json.loads(p.read_text()) for p in store.list_backups()]
        assert any(RAW_KEY in json.dumps(b) and "meta/00" not in json.dumps(b) for b in kept)
    finally:
        store.close()
    # Opening again migrates nothing more (the key is not hashed twice).
    again = open_store(data, migrate=migrations.migrate)
    try:
        assert again.get("signups", "0123456789abcdef0123456789abcdef")["idempotency_key"] == (
            hashlib.sha256(RAW_KEY.encode()).hexdigest()
        )
    finally:
        again.close()


def test_a_failing_migration_leaves_every_file_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = old_folder(tmp_path)
    (data / "motesplats.journal").write_bytes(b"")
    (data / "backups").mkdir()
    before = files(data)

    def broken(tables: migrations.Tables) -> migrations.Tables:
        tables["signups"][0]["idempotency_key"] = "half-done"  # on the copy only
        raise KeyError("a field this step expected")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, broken)
    with pytest.raises(MigrationError, match="nothing was changed"):
        create_app({"TESTING": True, "DATA_DIR": str(data)})
    after = files(data)
    after.pop("motesplats.lock", None)  # the lock on the folder, empty
    after.pop("secret_key", None)  # the session key, made before the store is opened
    assert after == before
    monkeypatch.undo()  # the fixed version opens the same folder fine
    store = open_store(data, migrate=migrations.migrate)
    store.close()


def test_data_from_a_newer_version_is_refused_unchanged(tmp_path: Path) -> None:
    tables = {"meta": [{"id": "schema", "version": SCHEMA_VERSION + 1}], "activities": []}
    with pytest.raises(MigrationError, match="newer Mötesplats"):
        migrations.migrate(tables)
    assert migrations.migrate({"meta": [{"id": "schema", "version": SCHEMA_VERSION}]}) is None
    assert migrations.migrate({})["meta"] == [{"id": "schema", "version": SCHEMA_VERSION}]


def test_migrate_dry_run_works_on_a_copy(tmp_path: Path) -> None:
    data = old_folder(tmp_path)
    before = files(data)
    result = subprocess.run(
        [str(VENV_BIN / "motesplats"), "migrate", "--dry-run", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert f"schema 1 → {SCHEMA_VERSION}" in result.stdout
    assert files(data) == before


def test_a_new_store_gets_its_schema_without_a_migration_note(tmp_path: Path) -> None:
    """Issue 22: every kiosk logged "data migrated" at its first start after create-admin
    (the new store's schema record was written, and taken for a migration of data)."""
    data = tmp_path / "data"
    result = subprocess.run(
        [
            str(VENV_BIN / "motesplats"),
            "create-admin",
            "--username",
            "anna",
            "--data-dir",
            str(data),
        ],
        input="ett långt lösenord\nett långt lösenord\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert "migrated" not in result.stdout + result.stderr
    backups = list((data / "backups").glob("*.json"))
    assert len(backups) <= 1, "only the start's backup: none of an empty store 'migrated'"
    store = open_store(data, migrate=migrations.migrate)
    try:
        assert store.get("meta", "schema") == {"id": "schema", "version": SCHEMA_VERSION}
        assert store.get("accounts", "anna") is not None
        assert not [note for note in store.recovery_notes if "migrated" in str(note)]
    finally:
        store.close()
