"""The translators' queue: the texts of the coming weeks, and how far each language has come.

Plain (no Flask): from the activities and a window of days, every text a visitor will see
(title, description, the series' note, each occurrence's note in the window) with the
Swedish source and its state in one language (`kiosk.activities.translation.state`):
missing and outdated first, then unreviewed, then done, each group in the order the
activities next happen. `coverage` says how much of a window is translated per language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kiosk.activities import translation
from kiosk.activities.model import Activity
from kiosk.activities.recurrence import Occurrence, expand

ORDER = ("missing", "outdated", "unreviewed", "done")
TO_DO = ("missing", "outdated")


@dataclass(frozen=True)
class Slot:
    """One text of one activity in one language."""

    activity: Activity
    key: str  # title / description / status_note / note@<recurrence id>
    lang: str
    source: str  # the Swedish
    text: str  # the translation as stored ("" when missing)
    state: str  # missing / outdated / unreviewed / done
    first: Occurrence  # the first occurrence in the window (for the note: its own date)

    @property
    def made_from(self) -> str:
        """The fingerprint of the Swedish shown with this slot (saved with a translation)."""
        return translation.fingerprint(self.source)

    @property
    def field(self) -> str:
        """`title`, `description`, `status_note` or `note`."""
        return "note" if self.key.startswith(translation.NOTE_PREFIX) else self.key


def _visible_texts(
    activities: Iterable[Activity], window_start: datetime, window_end: datetime
) -> list[tuple[Activity, dict, str, Occurrence]]:
    """(activity, its document, text key, first occurrence it shows on) for every visible
    text of the activities that happen in the window; each series expanded once."""
    found = []
    for activity in activities:
        occurrences = expand(activity, window_start, window_end)
        if not occurrences:
            continue
        doc = activity.to_doc()
        texts = translation.texts_of(doc)
        firsts: dict[str, Occurrence] = {key: occurrences[0] for key in translation.SERIES_KEYS}
        for occurrence in occurrences:
            key = translation.NOTE_PREFIX + occurrence.recurrence_id
            if key in texts:
                firsts[key] = occurrence
        if not any(o.status != "scheduled" for o in occurrences):
            firsts.pop("status_note")  # a series' note shows only on a changed series
        found += [(activity, doc, key, first) for key, first in firsts.items()]
    return found


def _slots_in(visible: list[tuple[Activity, dict, str, Occurrence]], lang: str) -> list[Slot]:
    found: list[Slot] = []
    for activity, doc, key, first in visible:
        state = translation.state(doc, key, lang)
        if state == "none":
            continue
        texts = translation.texts_of(doc)[key]
        found.append(
            Slot(activity, key, lang, texts[translation.SOURCE], texts.get(lang, ""), state, first)
        )
    found.sort(key=lambda s: (ORDER.index(s.state), s.first.start, s.activity.id, s.key))
    return found


def slots(
    activities: Iterable[Activity], lang: str, window_start: datetime, window_end: datetime
) -> list[Slot]:
    """Every visible text of the activities that happen in the window, in `lang`."""
    return _slots_in(_visible_texts(activities, window_start, window_end), lang)


@dataclass(frozen=True)
class Coverage:
    """How many texts of a window one language has, by state."""

    lang: str
    counts: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def translated(self) -> int:
        """Translated from the current Swedish (reviewed or not)."""
        return self.counts["done"] + self.counts["unreviewed"]

    @property
    def percent(self) -> int:
        return round(100 * self.translated / self.total) if self.total else 100


def coverage(
    activities: list[Activity], langs: Iterable[str], window_start: datetime, window_end: datetime
) -> list[Coverage]:
    """Per language, how much of the window's texts is translated (the window's texts
    found once, then judged per language)."""
    visible = _visible_texts(activities, window_start, window_end)
    return [Coverage(lang, Counter(s.state for s in _slots_in(visible, lang))) for lang in langs]
