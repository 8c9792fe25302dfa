"""The translation marks: which Swedish each translation was made from, and its state."""

from __future__ import annotations

from kiosk.activities import translation


def _doc(**texts: object) -> dict:
    return {"id": "a", "title": {"sv": "Simning", "ar": "سباحة"}, "overrides": {}, **texts}


def test_a_new_translation_is_marked_with_the_swedish_saved_beside_it() -> None:
    written = translation.track(None, _doc())
    assert written["translated_from"] == {"title/ar": translation.fingerprint("Simning")}
    assert translation.state(written, "title", "ar") == "done"
    assert translation.state(written, "title", "ti") == "missing"
    assert translation.state(written, "description", "ar") == "none"  # no Swedish


def test_changing_the_swedish_makes_the_translation_outdated_and_keeps_it() -> None:
    first = translation.track(None, _doc())
    second = translation.track(
        first, {**first, "title": {"sv": "Simning för kvinnor", "ar": "سباحة"}}
    )
    assert second["title"]["ar"] == "سباحة"
    assert translation.state(second, "title", "ar") == "outdated"
    assert translation.outdated_in("title", second["title"], second["translated_from"]) == {"ar"}
    # updating the translation makes it current again
    third = translation.track(
        second, {**second, "title": {"sv": "Simning för kvinnor", "ar": "سباحة للنساء"}}
    )
    assert translation.state(third, "title", "ar") == "done"


def test_older_data_without_marks_becomes_outdated_when_the_swedish_changes() -> None:
    old = _doc()  # written before marks existed
    changed = translation.track(old, {**old, "title": {"sv": "Simhall", "ar": "سباحة"}})
    assert translation.state(changed, "title", "ar") == "outdated"
    unchanged = translation.track(old, dict(old))
    assert translation.state(unchanged, "title", "ar") == "done"


def test_unreviewed_stays_for_seed_data_and_goes_when_a_person_rewrites_it() -> None:
    seeded = translation.track(None, translation.mark_unreviewed(_doc()), by_a_reader=False)
    assert translation.state(seeded, "title", "ar") == "unreviewed"
    reseeded = translation.track(
        seeded, {**seeded, "title": {"sv": "Simning", "ar": "السباحة"}}, by_a_reader=False
    )
    assert translation.state(reseeded, "title", "ar") == "unreviewed"
    by_hand = translation.track(seeded, {**seeded, "title": {"sv": "Simning", "ar": "السباحة"}})
    assert translation.state(by_hand, "title", "ar") == "done"


def test_occurrence_notes_are_texts_too_and_marks_of_removed_texts_go() -> None:
    doc = _doc(overrides={"20261126T173000Z": {"note": {"sv": "Inställt", "ti": "ተሰሪዙ"}}})
    written = translation.track(None, doc)
    assert "note@20261126T173000Z/ti" in written["translated_from"]
    gone = translation.track(written, {**written, "overrides": {}})
    assert "note@20261126T173000Z/ti" not in gone["translated_from"]


def test_an_import_from_a_calendar_keeps_the_boards_translation_marks(app) -> None:  # type: ignore[no-untyped-def]
    from kiosk import services

    book = services.get_for(app).activities
    before = book.get("demo-simning-kvinnor@motesplats")
    assert translation.state(before, "title", "ar") == "unreviewed"
    imported = {k: v for k, v in before.items() if k not in ("translated_from", "unreviewed")}
    written = book.save(imported, before, actor="calendar:x", actor_name="x", origin="x")
    assert written["unreviewed"] == before["unreviewed"]
    assert written["translated_from"] == before["translated_from"]
