"""iCalendar (RFC 5545) for Mötesplats: activities to VEVENTs and back, with no I/O.

* `common` — what both directions share: PRODID, the `X-MOTESPLATS-` prefix, `IcsError`.
* `write`  — export: `activity_to_events`, `calendar_bytes` (the public feeds, the push),
  `vtimezone` (a zone as yearly RRULEs from zoneinfo).
* `read`   — import: `read_calendar`, `activities_from_ics`, `IcsImport` (sync, uploads).
A plain package: no Flask, no store; `sync` and `kiosk.api` use it.
"""
