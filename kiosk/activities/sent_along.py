"""Places and organisers that arrive with another board's events: matched or adopted here.

Owns turning the place and organiser a calendar event carried (`X-MOTESPLATS-PLACE`,
`X-MOTESPLATS-ORGANISER`, read by `kiosk.ical.read` into `IcsImport.places` and
`.organisers`) into this board's own records, so that an imported activity shows its place
and association, and an edit here keeps them:

* a record with the same id here: that one (this board's version of it is kept);
* else one with the same name (and the same address, where both have one), compared without
  case and spaces: that one, and the activity names it by this board's id;
* else the sent record is added here under its own id (audited as the calendar's).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.activities.book import AuditSink
from kiosk.activities.model import Organiser, Place
from kiosk.store import Store


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _matching(
    store: Store, table: str, sent: Place | Organiser, address: bool
) -> dict[str, Any] | None:
    sent_address = str(getattr(sent, "address", "")) if address else ""
    for doc in store.all(table):
        if not _same(str(doc.get("name", "")), sent.name):
            continue
        here = str(doc.get("address") or "")
        if here and sent_address and not _same(here, sent_address):
            continue  # two places of one name in different streets
        return doc
    return None


def adopt(
    store: Store,
    audit: AuditSink,
    actor: str,
    doc: dict[str, Any],
    places: Mapping[str, Place],
    organisers: Mapping[str, Organiser],
) -> dict[str, Any]:
    """`doc` (an imported activity) naming this board's place and organiser for the ones
    sent along with it; records this board lacks are added. Call under the store's lock."""
    doc = dict(doc)
    for field, table, sent_records, address in (
        ("place_id", "places", places, True),
        ("organiser_id", "organisers", organisers, False),
    ):
        wanted = doc.get(field)
        sent = sent_records.get(wanted or "")
        if not wanted or sent is None or store.get(table, wanted) is not None:
            continue
        match = _matching(store, table, sent, address)
        if match is not None:
            doc[field] = match["id"]
            continue
        record = sent.to_doc()
        store.put(table, record)
        audit.record(actor, "created", table, record["id"], None, record)
    return doc
