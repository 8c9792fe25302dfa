"""The volunteers' area `/admin`: one blueprint, its views split by concern.

Contract: every view except login and joining by invitation is behind
`kiosk.volunteers.auth.login_required` (or `admin_required` for people, settings, audit
and backups); every form carries the CSRF token (`kiosk.web.csrf` checks every POST); every
write goes through `kiosk.volunteers.editing.Editor` or `kiosk.volunteers.accounts.AccountBook`,
never to the store directly. The report pages are the municipality's
(`kiosk.municipality.views`).

Modules: `sessions` (log in and out), `activities` (list, edit, series and single
occurrences, delete, week view by place), `people` (invitations, accounts), `site`
(meeting-place settings and logo, audit log, backup download and restore), `help_queue`
(help requests), `organisations` (the directory entries), `places` (kinds, names per
language, how to get there), `present` (who came), `sync_page` (the central calendars),
`sms_page` (text messages: the modem, the day's count, the outbox).
"""

from __future__ import annotations

from kiosk.volunteers.admin import (  # noqa: F401 (each module adds its views to `bp`)
    activities,
    blueprint,
    help_queue,
    organisations,
    people,
    places,
    present,
    sessions,
    site,
    sms_page,
    sync_page,
)

bp = blueprint.bp
