"""Pictures volunteers upload (the meeting place's logo, a place's map): checked and kept.

Owns the folder `uploads/` in the data folder and its file names (`<kind>-<8 hex>.<ext>`).
A picture is accepted only as PNG, JPEG or WebP by its first bytes (never by its name or
the browser's word), within a size bound, and written atomically; names are random, so an
old page never shows a newer picture under the same address. Plain: no Flask.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from kiosk.store.durable import atomic_write

FOLDER = "uploads"
MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def picture_type(data: bytes) -> str | None:
    """`png`, `jpg` or `webp` by the file's first bytes; None for anything else."""
    for magic, ext in MAGIC.items():
        if data.startswith(magic):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def keep(data_dir: Path, kind: str, data: bytes, ext: str) -> str:
    """Write a checked picture under a new random name; return the name."""
    name = f"{kind}-{secrets.token_hex(4)}.{ext}"
    folder = data_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / name, data)
    return name


def path_of(data_dir: Path, kind: str, name: str) -> Path | None:
    """The file of an uploaded picture of `kind`, or None for a name that is not one."""
    if not re.fullmatch(rf"{re.escape(kind)}-[0-9a-f]{{8}}\.(png|jpg|webp)", name):
        return None
    path = data_dir / FOLDER / name
    return path if path.is_file() else None
