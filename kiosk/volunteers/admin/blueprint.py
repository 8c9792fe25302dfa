"""The `/admin` blueprint itself; every module of `kiosk.volunteers.admin` adds its views to it
(kept apart from the package's `__init__`, which imports those modules, so none of them
imports its own package)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
