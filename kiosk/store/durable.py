"""Crash-safe file primitives: whole-file replacement and moving damaged files aside.

Owns the one recipe for writing a file so that a power cut leaves either the old or the new
content, never a mix: write a temporary file in the same folder, fsync it, `os.replace` it
over the target, then fsync the folder so the rename itself is durable. Never deletes a
file it did not create.
"""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make renames and new names in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def keep_private(folder: Path) -> None:
    """The data folder and everything in it readable by its owner only: names, phones,
    help texts, password hashes and calendar passwords live there (folders 0700, files
    0600; a folder made by an older version or copied in is tightened)."""
    for path in [folder, *folder.rglob("*")]:
        try:
            if path.is_symlink():
                continue
            wanted = 0o700 if path.is_dir() else 0o600
            if path.stat().st_mode & 0o777 != wanted:
                os.chmod(path, wanted)
        except OSError:  # a file that went away meanwhile, or not ours: left as it is
            continue


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` atomically and durably.

    On failure (a full disk, say) the temporary file is removed, the old file is untouched,
    and the OSError is raised.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def timestamp() -> str:
    """A UTC timestamp safe in file names, e.g. 20261124T101500Z."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def move_aside(path: Path, reason: str = "damaged") -> Path:
    """Rename `path` to `<name>.<reason>-<timestamp>` beside it and return the new path."""
    target = path.with_name(f"{path.name}.{reason}-{timestamp()}")
    os.replace(path, target)
    fsync_dir(path.parent)
    return target


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)
