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
