"""Two-way sync without loss: a board edit rewrites only what the edit changed.

Owns `merge(original, before, after)`. `original` is the calendar object as the server last
held it (central staff may have written LOCATION, CATEGORIES, URL, ATTENDEE, ATTACH, VALARM,
X- properties, other components: things the board does not model). `before` and `after`
are the board's own export (`kiosk.ical.write`) of the activity before and after the edit.
A property whose lines differ between `before` and `after` is the edit: its lines in the
original are replaced by the new ones (or removed); every other line of the original stays
as it was, byte for byte, folding included. Occurrences (RECURRENCE-ID) the edit added are
appended, the ones it removed are removed, the ones the board never knew are kept. DTSTAMP
is always the new one (RFC 5545: the object changed). Text in, text out, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from icalendar import Calendar, vText
from icalendar.parser import Contentline, Parameters

SET_ASIDE = "X-MOTESPLATS-SET-ASIDE"  # a version a board's conflict set aside (JSON TEXT)
# Rewritten by every board edit: the stamp, and the set-aside versions (an edit settles them)
ALWAYS_NEW = frozenset({"DTSTAMP", SET_ASIDE})
_NAME = re.compile(r"^([A-Za-z0-9-]+)[;:]")


@dataclass
class _Line:
    raw: list[str]  # the physical lines as written (a folded line is several)

    @property
    def text(self) -> str:
        return "".join([self.raw[0], *(r[1:] for r in self.raw[1:])])

    @property
    def name(self) -> str:
        match = _NAME.match(self.text)
        return match.group(1).upper() if match else ""


@dataclass
class _Component:
    name: str
    lines: list[_Line] = field(default_factory=list)  # BEGIN ... END, sub-components inside

    def properties(self) -> dict[str, list[_Line]]:
        """The component's own properties (not those of its VALARMs), by name."""
        found: dict[str, list[_Line]] = {}
        depth = 0
        for line in self.lines:
            text = line.text.upper()
            if text.startswith("BEGIN:"):
                depth += 1
                continue
            if text.startswith("END:"):
                depth -= 1
                continue
            if depth == 1:
                found.setdefault(line.name, []).append(line)
        return found


def _lines(text: str) -> list[_Line]:
    found: list[_Line] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and found:
            found[-1].raw.append(raw)
        elif raw.strip():
            found.append(_Line([raw]))
    return found


def _split(text: str) -> tuple[list[_Line], list[_Component]]:
    """The calendar's own lines (VERSION, PRODID…) and its top-level components."""
    header: list[_Line] = []
    components: list[_Component] = []
    depth = 0
    for line in _lines(text):
        upper = line.text.upper()
        if upper in ("BEGIN:VCALENDAR", "END:VCALENDAR"):
            continue
        if upper.startswith("BEGIN:"):
            if depth == 0:
                components.append(_Component(upper[6:].strip()))
            depth += 1
        if depth == 0:
            header.append(line)
        else:
            components[-1].lines.append(line)
        if upper.startswith("END:"):
            depth -= 1
    return header, components


def _key(component: _Component) -> str:
    """Which occurrence a VEVENT is: "" for the master, else its RECURRENCE-ID as an
    instant (UTC) or, floating, as written."""
    found = component.properties().get("RECURRENCE-ID")
    if not found:
        return ""
    text = "\r\n".join(
        ["BEGIN:VCALENDAR", "BEGIN:VEVENT", found[0].text, "END:VEVENT", "END:VCALENDAR"]
    )
    try:
        value = Calendar.from_ical(text).walk("VEVENT")[0]["RECURRENCE-ID"].dt
    except Exception:  # noqa: BLE001 - an unreadable id is kept as written
        return found[0].text.split(":", 1)[-1]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.isoformat()


def _events(components: list[_Component]) -> dict[str, _Component]:
    return {_key(c): c for c in components if c.name == "VEVENT"}


def _patch(original: _Component, before: _Component | None, after: _Component) -> _Component:
    old = before.properties() if before else {}
    new = after.properties()
    changed = {
        name
        for name in set(old) | set(new)
        if name in ALWAYS_NEW
        or sorted(line.text for line in old.get(name, []))
        != sorted(line.text for line in new.get(name, []))
    }
    if before is None:  # nothing to compare with: every property the board writes
        changed = set(new)
    changed |= ALWAYS_NEW  # rewritten even where neither version has them
    lines: list[_Line] = []
    placed: set[str] = set()
    depth = 0
    for line in original.lines:
        upper = line.text.upper()
        if upper.startswith("BEGIN:"):
            depth += 1
        own = depth == 1 and not upper.startswith(("BEGIN:", "END:"))
        if own and line.name in changed:
            if line.name not in placed:
                lines.extend(new.get(line.name, []))
                placed.add(line.name)
        elif upper.startswith("END:") and depth == 1:
            for name in sorted(changed - placed):
                lines.extend(new.get(name, []))
            lines.append(line)
        else:
            lines.append(line)
        if upper.startswith("END:"):
            depth -= 1
    return _Component(original.name, lines)


def merge(original: str, before: str | None, after: str) -> str:
    """`after`, written into `original` so that only what changed since `before` changes."""
    header, components = _split(original)
    before_events = _events(_split(before)[1]) if before else {}
    _after_header, after_components = _split(after)
    after_events = _events(after_components)
    kept: list[_Component] = []
    seen: set[str] = set()
    for component in components:
        if component.name != "VEVENT":
            kept.append(component)
            continue
        key = _key(component)
        seen.add(key)
        if key in after_events:
            kept.append(_patch(component, before_events.get(key), after_events[key]))
        elif key in before_events:
            continue  # the edit removed this occurrence's change
        else:
            kept.append(component)  # an occurrence the board never knew: kept
    for key, component in after_events.items():
        if key not in seen:
            kept.append(component)
    zones = {
        c.properties().get("TZID", [_Line([""])])[0].text for c in kept if c.name == "VTIMEZONE"
    }
    for component in after_components:  # a zone the new lines need and the original lacks
        tzid = component.properties().get("TZID", [_Line([""])])[0].text
        if component.name == "VTIMEZONE" and tzid not in zones:
            kept.insert(0, component)
    return _joined(header, kept)


def _joined(header: list[_Line], components: list[_Component]) -> str:
    """A calendar's text from its own lines and its components, as they were written."""
    out = ["BEGIN:VCALENDAR"]
    out += [raw for line in header for raw in line.raw]
    out += [raw for component in components for line in component.lines for raw in line.raw]
    out.append("END:VCALENDAR")
    return "\r\n".join(out) + "\r\n"


def with_set_aside(original: str, notes: list[str]) -> str:
    """`original` (an object's text) with its master VEVENT's set-aside versions replaced by
    `notes` (each a JSON text; [] removes them); every other line stays as it was."""
    header, components = _split(original)
    kept: list[_Component] = []
    for component in components:
        if component.name != "VEVENT" or _key(component) != "":
            kept.append(component)
            continue
        lines = [line for line in component.lines if line.name != SET_ASIDE]
        added = [
            _Line(
                Contentline.from_parts(SET_ASIDE, Parameters(), vText(note))
                .to_ical()
                .decode()
                .split("\r\n")
            )
            for note in notes
        ]
        kept.append(_Component(component.name, lines[:-1] + added + lines[-1:]))
    return _joined(header, kept)
