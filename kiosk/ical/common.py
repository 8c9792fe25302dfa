"""What reading and writing iCalendar share: our PRODID and X- prefix, the names of things.

Owns the constants both directions agree on (`PRODID`, the `X-MOTESPLATS-` prefix `X`,
`FOREIGN_SOURCE` for events from elsewhere, `CATEGORY_AUDIENCES`), `IcsError`, and the two
helpers both use: which language goes into SUMMARY/DESCRIPTION (`primary_language`) and
wall-clock arithmetic in an event's zone (`wall_add`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.activities.model import Texts

PRODID = "-//Mötesplats//Mötesplats aktivitetstavla//SV"
X = "X-MOTESPLATS-"
FOREIGN_SOURCE = "ics"  # `Activity.source` of events that did not come from a Mötesplats
# Swedish category names some municipal calendars use, mapped to our audiences.
CATEGORY_AUDIENCES = {
    "alla": "everyone",
    "kvinnor": "women",
    "män": "men",
    "ungdom": "youth",
    "unga": "youth",
    "barn": "children",
    "familj": "families",
    "familjer": "families",
    "asylsökande": "asylum_seekers",
    "seniorer": "seniors",
    "äldre": "seniors",
}


class IcsError(ValueError):
    """The data cannot be read as iCalendar events; the message says why."""


def primary_language(texts: Texts) -> str | None:
    """The language shown in SUMMARY/DESCRIPTION: Swedish, else English, else the first."""
    for code in ("sv", "en", *texts):
        if texts.get(code, "").strip():
            return code
    return next(iter(texts), None)


def wall_add(start: datetime, length: timedelta) -> datetime:
    """`start` plus a wall-clock length, resolved to a real instant in start's zone."""
    moved = (start.replace(tzinfo=None) + length).replace(tzinfo=start.tzinfo)
    return moved.astimezone(UTC).astimezone(start.tzinfo)
