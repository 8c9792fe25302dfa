"""Translatable names for the model's codes: audiences, statuses, kinds of place.

Owns the words shown for stored codes, so every template and the API say them the same way.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AUDIENCE_LABELS = {
    "everyone": _l("Alla"),
    "women": _l("Kvinnor"),
    "men": _l("Män"),
    "youth": _l("Unga"),
    "children": _l("Barn"),
    "families": _l("Familjer"),
    "asylum_seekers": _l("Asylsökande"),
    "seniors": _l("Äldre"),
}

STATUS_LABELS = {
    "scheduled": _l("Som planerat"),
    "cancelled": _l("Inställt"),
    "changed": _l("Ändrat"),
}

# What kind of place (kiosk.activities.model.PLACE_KINDS), beside its pictogram.
PLACE_KIND_LABELS = {
    "library": _l("Bibliotek"),
    "swimming_hall": _l("Simhall"),
    "sports_ground": _l("Idrottsplats"),
    "church": _l("Kyrka eller församlingshem"),
    "school": _l("Skola"),
    "village_hall": _l("Byahus"),
    "municipal_office": _l("Kommunens kontor"),
    "outdoors": _l("Utomhus"),
    "other": _l("Annan plats"),
}

# What the audit log says was done (kiosk.volunteers.audit), in the viewer's language.
AUDIT_ACTIONS = {
    "created": _l("skapade"),
    "changed": _l("ändrade"),
    "deleted": _l("tog bort"),
    "settled": _l("löste en krock med kalendern"),
    "loaded": _l("läste in"),
    "restored": _l("återställde från en säkerhetskopia"),
    "reviewed": _l("granskade"),
    "sent": _l("skickade"),
    "invited": _l("bjöd in"),
    "approved": _l("godkände"),
    "declined": _l("sa nej till"),
}

AUDIT_KINDS = {
    "activities": _l("aktivitet"),
    "accounts": _l("konto"),
    "places": _l("plats"),
    "organisers": _l("förening"),
    "settings": _l("inställningar"),
    "sync_sources": _l("kalender"),
    "sync_conflicts": _l("krock med kalendern"),
    "invitations": _l("inbjudan"),
    "ui_strings": _l("text i programmet"),
    "sms": _l("sms"),
    "store": _l("hela tavlan"),
    "door_counts": _l("antal vid dörren"),
    "signups": _l("anmälan"),
}


def audit_action(action: str) -> str:
    """ "settled (remote)" → the words for "settled"; an unknown code as it is."""
    return str(AUDIT_ACTIONS.get(action.split(" ", 1)[0], action))


def audit_kind(kind: str) -> str:
    return str(AUDIT_KINDS.get(kind, kind))
