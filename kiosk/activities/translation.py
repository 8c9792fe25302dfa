"""Which texts of an activity are translated, missing, outdated or unreviewed, per language.

Owns the names of an activity's translatable texts and the rule that keeps their state:
`title`, `description`, `status_note` (the series' note) and `note@<recurrence id>` (one
occurrence's note), each a text per language with Swedish as the source. A translation is
marked `translated_from` with a fingerprint of the Swedish it was made from, so when the
Swedish changes afterwards the translation is *outdated*: still shown, marked, until
someone updates it. `unreviewed` lists translations nobody who reads the language has
checked (machine or demo texts). Works on stored documents (plain dicts), so the activity
book applies the rule to every write, whoever writes.
"""

from __future__ import annotations

import hashlib
from typing import Any

SOURCE = "sv"
SERIES_KEYS = ("title", "description", "status_note")
NOTE_PREFIX = "note@"

Doc = dict[str, Any]
States = dict[str, str]


def fingerprint(text: str) -> str:
    """A short fingerprint of a Swedish text (whitespace at the ends does not count)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


def mark_key(key: str, lang: str) -> str:
    """`title/ar`, `note@20261124T153000Z/ti`: one translation of one text."""
    return f"{key}/{lang}"


def texts_of(doc: Doc | None) -> dict[str, dict[str, str]]:
    """Every translatable text of an activity document, by key."""
    if not doc:
        return {}
    found = {key: dict(doc.get(key) or {}) for key in SERIES_KEYS}
    for rid, override in (doc.get("overrides") or {}).items():
        found[NOTE_PREFIX + rid] = dict(override.get("note") or {})
    return found


def state(doc: Doc, key: str, lang: str) -> str:
    """`none` (no Swedish to translate), `missing`, `outdated`, `unreviewed` or `done`."""
    texts = texts_of(doc).get(key, {})
    source = texts.get(SOURCE, "").strip()
    if not source or lang == SOURCE:
        return "none"
    if not texts.get(lang, "").strip():
        return "missing"
    if lang in outdated_in(key, texts, doc.get("translated_from") or {}):
        return "outdated"
    if mark_key(key, lang) in (doc.get("unreviewed") or []):
        return "unreviewed"
    return "done"


def outdated_in(key: str, texts: dict[str, str], marks: dict[str, str]) -> frozenset[str]:
    """The languages whose translation of `key` (`texts`) was made from an older Swedish
    text, by the marks `marks` (an activity's `translated_from`)."""
    source = texts.get(SOURCE, "").strip()
    if not source or not marks:
        return frozenset()
    now = fingerprint(source)
    return frozenset(
        lang for lang in texts if lang != SOURCE and marks.get(mark_key(key, lang), now) != now
    )


def track(before: Doc | None, after: Doc, *, by_a_reader: bool = True) -> Doc:
    """`after` with its translation marks brought up to date for this write.

    A translation written or changed in this write is marked as made from the Swedish saved
    with it (unless the writer marked it itself, as the translator's page does with the
    Swedish the translator saw) and, when a person wrote it (`by_a_reader`; not seed data
    or an import), counts as reviewed; an unchanged one keeps its mark; an
    unchanged one without a mark (older data, imports) is marked from the Swedish it stood
    beside before this write, so a change of the Swedish now makes it outdated. Marks of
    texts that are gone are dropped."""
    old_texts, new_texts = texts_of(before), texts_of(after)
    given = dict(after.get("translated_from") or {})
    previous = dict((before or {}).get("translated_from") or {})
    unreviewed = list(after.get("unreviewed") or [])
    was_unreviewed = set((before or {}).get("unreviewed") or [])
    marks: dict[str, str] = {}
    for key, texts in new_texts.items():
        source_now = texts.get(SOURCE, "")
        source_before = old_texts.get(key, {}).get(SOURCE, source_now)
        for lang, text in texts.items():
            if lang == SOURCE or not text.strip():
                continue
            name = mark_key(key, lang)
            changed = before is None or text != old_texts.get(key, {}).get(lang)
            if name in given and given[name] != previous.get(name):
                marks[name] = given[name]
            elif changed:
                marks[name] = fingerprint(source_now)
                if by_a_reader and name in was_unreviewed and name in unreviewed:
                    unreviewed.remove(name)
            elif name in previous:
                marks[name] = previous[name]
            else:
                marks[name] = fingerprint(source_before)
    written = {**after}
    written.pop("translated_from", None)
    written.pop("unreviewed", None)
    if marks:
        written["translated_from"] = marks
    kept = [name for name in dict.fromkeys(unreviewed) if name in marks]
    if kept:
        written["unreviewed"] = kept
    return written


def mark_unreviewed(doc: Doc) -> Doc:
    """`doc` with every translation (every text not in Swedish) marked unreviewed."""
    names = [
        mark_key(key, lang)
        for key, texts in texts_of(doc).items()
        for lang, text in texts.items()
        if lang != SOURCE and text.strip()
    ]
    return {**doc, "unreviewed": names} if names else doc
