"""`/healthz`: is this server well, for a watchdog, `motesplats doctor` and the municipality.

Owns the health answer: 200 when the store answers reads and the data folder takes writes,
503 otherwise; with the age of the newest backup and of the last successful sync (a stale
calendar is reported, not unhealthy: the board works offline). No personal data.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Blueprint, current_app, jsonify

from kiosk import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    svc = services.get()
    problems = []
    try:
        activities = svc.store.count("activities")
    except Exception as exc:  # a store that cannot answer is exactly what this reports
        activities = None
        problems.append(f"storage: {exc.__class__.__name__}")
    data_dir = Path(current_app.config["DATA_DIR"])
    if not os.access(data_dir, os.W_OK):
        problems.append("data folder not writable")
    backups = svc.store.list_backups()
    backup_age = round(time.time() - backups[0].stat().st_mtime) if backups else None  # newest
    fresh = svc.sync.freshness(current_app.config["SYNC_STALE_HOURS"])
    now = svc.now()
    sync = (
        {"configured": False}
        if fresh is None
        else {
            "configured": True,
            "last_success_age_s": round((now - fresh["last"]).total_seconds())
            if fresh["last"]
            else None,
            "stale": fresh["stale"],
        }
    )
    response = jsonify(
        ok=not problems,
        problems=problems,
        activities=activities,
        last_backup_age_s=backup_age,
        sync=sync,
    )
    response.status_code = 200 if not problems else 503
    response.headers["Cache-Control"] = "no-store"
    return response
