"""The volunteers' area `/admin`: one blueprint, its views split by concern.

Contract: every view except login and joining by invitation is behind
`kiosk.auth.login_required` (or `admin_required` for people, settings, audit and backups);
every form carries the CSRF token (`kiosk.csrf` checks every POST); every write goes through
`kiosk.editing.Editor` or `kiosk.accounts.AccountBook`, never to the store directly.

Modules: `sessions` (log in and out), `activities` (list, edit, series and single
occurrences, delete, week view by place), `people` (invitations, accounts), `site`
(meeting-place settings and logo, audit log, backup download and restore), `reports_page`
(participation for the funders), `help_queue` (help requests), `organisations` (the
directory entries).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from kiosk.admin import (  # noqa: E402,F401
    activities,
    help_queue,
    organisations,
    people,
    present,
    reports_page,
    sessions,
    site,
    sync_page,
)
