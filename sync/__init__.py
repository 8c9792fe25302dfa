"""Central-calendar sync: offline-first, through standards (CalDAV two-way, ICS read-only).

Contract (each concern its own module, Radicale-style):
* `sources`  — the calendars an admin configured (`sync_sources` table) and their status.
* `device`   — this installation's device id (outside the store, renewed after a restore)
  and the per-device change counter every record carries (`changed_on`, `change_counter`).
* `outbox`   — local changes waiting for a two-way source, in order, kept in the store
  (fsynced journal): an entry is removed only after the server confirmed it.
* `ledger`   — per source and UID what was last agreed with the server (ETag, a hash of the
  document), deletions as tombstones, and conflicts with both versions.
* `fetch`    — bounded HTTP for ICS feeds (size, time, redirects; conditional requests).
* `remote`   — the two kinds of remote calendar behind one small interface.
* `engine`   — one cycle per source: pull first, then push (as Kolibri's Morango does);
  the background loop and `motesplats sync`.
* `ics`      — iCalendar export and import.
Nothing here blocks a web request: the engine runs in its own thread with short timeouts.
"""
