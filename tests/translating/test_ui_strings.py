"""The reviews of the interface's strings (`kiosk.translating.ui_strings`), without a
request: order, correcting and confirming, placeholders, plural forms, the exported .po,
and reviews that outlive the process."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from kiosk.store import Store, open_store
from kiosk.translating.ui_strings import TABLE, Refused, UiStrings, string_key
from kiosk.volunteers.audit import AuditLog
from tests.conftest import FIXED_NOW, REPO, Clock

PLURAL = ("%(num)s plats kvar", "%(num)s platser kvar")
# (msgid, en, ti, ti is fuzzy)
STRINGS = [
    ("Idag", "Today", "ሎሚ", False),
    ("Inställt", "Cancelled", "ተሰሪዙ", True),
    ("Hej %(name)s!", "Hello %(name)s!", "ሰላም %(name)s!", True),
    ("Barnpassning", "Childcare", "", False),  # missing
]


def write_catalogue(
    root: Path, lang: str, rows: list[tuple[str, str, bool]], plural: tuple
) -> None:
    catalog = Catalog(locale=lang, project="Mötesplats")
    for msgid, text, fuzzy in rows:
        catalog.add(msgid, text, flags=("fuzzy",) if fuzzy else ())
    catalog.add(PLURAL, plural, flags=("fuzzy", "python-format"))
    folder = root / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.po", "wb") as f:
        write_po(f, catalog)


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    root = tmp_path / "translations"
    write_catalogue(
        root,
        "en",
        [(m, en, False) for m, en, _ti, _f in STRINGS],
        ("%(num)s place left", "%(num)s places left"),
    )
    write_catalogue(
        root,
        "ti",
        [(m, ti, fuzzy) for m, _en, ti, fuzzy in STRINGS],
        ("%(num)s ቦታ", "%(num)s ቦታታት"),
    )
    write_catalogue(
        root,
        "ar",
        [(m, en, False) for m, en, _ti, _f in STRINGS],
        tuple(f"ar{i} %(num)s" for i in range(6)),
    )
    return root


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def ui(store: Store, translations: Path, tmp_path: Path) -> UiStrings:
    clock = Clock(FIXED_NOW)
    return UiStrings(store, clock, translations, AuditLog(tmp_path / "data", clock))


def audit_lines(tmp_path: Path) -> list[dict]:
    return [
        json.loads(line) for line in (tmp_path / "data" / "audit.jsonl").read_text().splitlines()
    ]


def test_the_unreviewed_come_first_in_the_catalogues_order(ui: UiStrings) -> None:
    entries = ui.entries("ti")
    assert [e.msgid for e in entries] == [
        "Inställt",
        "Hej %(name)s!",
        "Barnpassning",
        PLURAL[0],
        "Idag",
    ]
    assert [e.unreviewed for e in entries] == [True, True, True, True, False]
    first = entries[0]
    assert first.english == ("Cancelled",) and first.texts == ("ተሰሪዙ",) and first.shipped_fuzzy
    assert entries[2].missing
    assert ui.counts("ti") == {"total": 5, "unreviewed": 4, "reviewed": 0}
    assert ui.languages() == ["en", "ar", "ti"]  # the language bar's order; never Swedish
    assert ui.entries("sv") == [] and ui.entries("so") == []


def test_a_correction_is_stored_with_who_and_when_audited_and_laid_over(
    ui: UiStrings, store: Store, tmp_path: Path
) -> None:
    version = ui.version
    entry = ui.correct("ti", "Inställt", ["ተሰሪዙ ኣሎ"], "tina")
    assert entry.texts == ("ተሰሪዙ ኣሎ",) and not entry.unreviewed
    assert entry.review is not None and entry.review.status == "corrected"
    assert (entry.review.by, entry.review.at) == ("tina", "2026-11-24T08:00:00Z")
    assert ui.version != version
    assert ui.overrides("ti") == {"Inställt": "ተሰሪዙ ኣሎ"}
    assert ui.overrides("ar") == {}
    [line] = audit_lines(tmp_path)
    assert (line["who"], line["action"], line["kind"], line["target"]) == (
        "tina",
        "reviewed",
        TABLE,
        "ti:Inställt",
    )
    assert line["before"] is None and line["after"]["texts"] == ["ተሰሪዙ ኣሎ"]
    # a second correction: the audit has the first as "before"
    ui.correct("ti", "Inställt", ["ተሰሪዙ"], "tina")
    assert audit_lines(tmp_path)[-1]["before"]["texts"] == ["ተሰሪዙ ኣሎ"]
    assert [e.msgid for e in ui.entries("ti")][-2:] == ["Idag", "Inställt"]  # reviewed: last


def test_confirming_keeps_the_text_and_marks_it_reviewed(ui: UiStrings) -> None:
    entry = ui.confirm("ti", "Hej %(name)s!", "tina")
    assert entry.texts == ("ሰላም %(name)s!",) and entry.review.status == "confirmed"  # type: ignore[union-attr]
    assert ui.counts("ti") == {"total": 5, "unreviewed": 3, "reviewed": 1}
    with pytest.raises(Refused) as refused:  # nothing to confirm where the text is missing
        ui.confirm("ti", "Barnpassning", "tina")
    assert refused.value.code == "empty"
    saved_unchanged = ui.correct("ti", "Inställt", ["ተሰሪዙ"], "tina")
    assert saved_unchanged.review.status == "confirmed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "ሰላም!",  # the placeholder left out
        "ሰላም %(namn)s!",  # misspelt
        "ሰላም %(name)s %(who)s!",  # one more
        "ሰላም %(name)s 100%!",  # a stray percent sign: formatting would fail
        "ሰላም %s!",
    ],
)
def test_a_correction_with_other_placeholders_is_refused_and_nothing_is_lost(
    ui: UiStrings, store: Store, text: str
) -> None:
    ui.correct("ti", "Hej %(name)s!", ["ሰላም ኣቦ %(name)s!"], "tina")
    stored = store.get(TABLE, f"ti:{string_key('Hej %(name)s!')}")
    with pytest.raises(Refused) as refused:
        ui.correct("ti", "Hej %(name)s!", [text], "tina")
    assert refused.value.code == "placeholders"
    assert refused.value.details["expected"] == ("%(name)s",)
    assert store.get(TABLE, f"ti:{string_key('Hej %(name)s!')}") == stored
    assert ui.overrides("ti")["Hej %(name)s!"] == "ሰላም ኣቦ %(name)s!"


def test_a_percent_sign_is_refused_even_where_the_msgid_has_no_placeholder(ui: UiStrings) -> None:
    # templates format every string (Jinja's new-style gettext), so a lone % would break a page
    with pytest.raises(Refused):
        ui.correct("ti", "Idag", ["100% ሎሚ"], "tina")
    with pytest.raises(Refused) as refused:
        ui.correct("ti", "Idag", ["   "], "tina")
    assert refused.value.code == "empty"
    with pytest.raises(Refused) as refused:
        ui.correct("ti", "Finns inte", ["x"], "tina")
    assert refused.value.code == "unknown"


def test_plural_entries_take_one_text_per_plural_form_of_the_language(ui: UiStrings) -> None:
    [arabic] = [e for e in ui.entries("ar") if e.msgid_plural]
    assert len(arabic.shipped) == 6 and arabic.english == (
        "%(num)s place left",
        "%(num)s places left",
    )
    assert ui.num_plurals("ar") == 6 and ui.num_plurals("ti") == 2
    assert ui.plural_examples("ar")[:3] == [[0], [1], [2]]
    assert ui.plural_examples("ti") == [[0, 1], [2, 3, 4]]  # ti: plural=(n > 1)
    with pytest.raises(Refused) as refused:
        ui.correct("ar", PLURAL[0], ["%(num)s", "%(num)s"], "anna")
    assert refused.value.code == "forms" and refused.value.details["expected"] == 6
    # a form may spell the number out ("no place left"), but not lose another placeholder
    forms = ["لا مكان", "مكان واحد", *(f"{i} %(num)s" for i in range(2, 6))]
    ui.correct("ar", PLURAL[0], forms, "anna")
    overrides = ui.overrides("ar")
    assert overrides[(PLURAL[0], 0)] == "لا مكان" and overrides[(PLURAL[0], 5)] == "5 %(num)s"
    with pytest.raises(Refused):
        ui.correct("ar", PLURAL[0], ["%(num)s %(x)s", *forms[1:]], "anna")


def test_a_change_made_meanwhile_is_refused_and_a_second_tap_is_harmless(ui: UiStrings) -> None:
    seen = next(e for e in ui.entries("ti") if e.msgid == "Inställt").fingerprint
    ui.correct("ti", "Inställt", ["ተሰሪዙ 1"], "tina", seen=seen)
    ui.correct("ti", "Inställt", ["ተሰሪዙ 1"], "tina", seen=seen)  # the same again: fine
    with pytest.raises(Refused) as refused:
        ui.correct("ti", "Inställt", ["ተሰሪዙ 2"], "anna", seen=seen)
    assert refused.value.code == "changed" and refused.value.details["who"] == "tina"
    with pytest.raises(Refused):
        ui.confirm("ti", "Inställt", "anna", seen=seen)
    assert ui.overrides("ti")["Inställt"] == "ተሰሪዙ 1"


def test_the_export_is_a_po_file_with_the_reviews_applied(ui: UiStrings) -> None:
    ui.correct("ti", "Inställt", ["ተሰሪዙ ኣሎ"], "tina")
    ui.confirm("ti", PLURAL[0], "tina")
    ui.correct("ti", "Barnpassning", ["ምሕላው ቆልዑ"], "tina")
    exported = read_po(io.BytesIO(ui.export_po("ti")), locale="ti")
    assert exported["Inställt"].string == "ተሰሪዙ ኣሎ" and not exported["Inställt"].fuzzy
    assert exported["Barnpassning"].string == "ምሕላው ቆልዑ"
    assert exported[PLURAL[0]].string == ("%(num)s ቦታ", "%(num)s ቦታታት")
    assert not exported[PLURAL[0]].fuzzy and "python-format" in exported[PLURAL[0]].flags
    assert exported["Hej %(name)s!"].fuzzy  # not reviewed: keeps its flags
    assert not exported["Idag"].fuzzy and exported["Idag"].string == "ሎሚ"
    assert exported.num_plurals == 2
    with pytest.raises(Refused):
        ui.export_po("sv")


def test_reviews_survive_reopening_the_store(
    store: Store, translations: Path, tmp_path: Path
) -> None:
    clock = Clock(FIXED_NOW)
    UiStrings(store, clock, translations).correct("ti", "Inställt", ["ተሰሪዙ ኣሎ"], "tina")
    store.close()
    reopened = open_store(tmp_path / "data")
    try:
        again = UiStrings(reopened, clock, translations)
        assert again.overrides("ti") == {"Inställt": "ተሰሪዙ ኣሎ"}
        assert next(e for e in again.entries("ti") if e.msgid == "Inställt").review is not None
    finally:
        reopened.close()
    store.close = lambda: None  # type: ignore[method-assign] - closed above


def test_a_new_catalogue_is_read_again_and_a_review_of_a_string_gone_is_dropped(
    ui: UiStrings, translations: Path
) -> None:
    ui.correct("ti", "Inställt", ["ተሰሪዙ ኣሎ"], "tina")
    po = translations / "ti" / "LC_MESSAGES" / "messages.po"
    text = po.read_text("utf-8").replace('msgid "Inställt"', 'msgid "Inställd"')
    po.write_text(text, "utf-8")
    import os

    os.utime(po, ns=(po.stat().st_atime_ns, po.stat().st_mtime_ns + 1_000_000))
    assert "Inställd" in [e.msgid for e in ui.entries("ti")]
    assert ui.overrides("ti") == {}


def test_the_shipped_catalogues_can_be_reviewed() -> None:
    """The real catalogues: every target language, Arabic with its six plural forms."""

    class NoStore:
        def all(self, table: str) -> list:
            return []

        def get(self, table: str, doc_id: str) -> None:
            return None

    ui = UiStrings(NoStore(), lambda: FIXED_NOW, REPO / "kiosk" / "translations")  # type: ignore[arg-type]
    assert ui.languages() == ["en", "ar", "fa_AF", "so", "ti"]
    for lang in ui.languages():
        entries = ui.entries(lang)
        assert len(entries) > 400, lang
        assert all(e.english for e in entries) or lang == "en"
    assert {len(e.shipped) for e in ui.entries("ar") if e.msgid_plural} == {6}
    assert ui.counts("ti")["unreviewed"] > 300  # machine-translated, so far


def test_reviews_travel_in_backups_and_a_restore_is_seen_at_once(
    ui: UiStrings, store: Store
) -> None:
    ui.correct("ti", "Inställt", ["ተሰሪዙ ኣሎ"], "tina")
    backup = store.backup().read_bytes()
    assert store.inspect_backup(backup)[TABLE] == 1
    ui.correct("ti", "Inställt", ["ተሰሪዙ ደጊሙ"], "tina")
    version = ui.version
    store.restore(backup)
    assert ui.version != version  # the board's overlay is laid again
    assert ui.overrides("ti") == {"Inställt": "ተሰሪዙ ኣሎ"}
