"""This installation's identity for sync: a device id, and a counter per change.

Owns `data/device_id` (a random id, kept outside the store) and the counter stored in the
store (`settings/device-<id>`). Every change made here is stamped with (device id, counter),
as Morango does, so two copies of the data never mistake each other's changes. A restored
backup brings back old records and old counters: `renew` then gives this installation a new
id, so its new counters can never collide with the ones in the backup.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from kiosk.activities.model import DEVICE_PREFIX
from kiosk.store import Store
from kiosk.store.durable import atomic_write

FILE_NAME = "device_id"


def device_id(data_dir: Path) -> str:
    path = Path(data_dir) / FILE_NAME
    if not path.exists():
        renew(data_dir)
    return path.read_text().strip()


def renew(data_dir: Path) -> str:
    new = f"{DEVICE_PREFIX}{secrets.token_hex(6)}"
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    atomic_write(Path(data_dir) / FILE_NAME, new.encode())
    return new


def stamp(store: Store, device: str, doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` stamped with this device and its next counter (call under the store lock)."""
    key = f"device-{device}"
    with store.lock():
        counter = int((store.get("settings", key) or {}).get("counter", 0)) + 1
        store.put("settings", {"id": key, "counter": counter})
    return {**doc, "changed_on": device, "change_counter": counter}
