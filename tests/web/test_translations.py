"""Every user-facing string is translated in all six languages, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.languages import LANGUAGES, SOURCE_LANGUAGE
from tests.conftest import REPO

CATALOGUES = REPO / "kiosk" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory: pytest.TempPathFactory) -> set[str | tuple[str, ...]]:
    """The msgids in the code and templates right now (not the committed .pot)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            "--no-location",
            "--omit-header",
            ".",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as f:
        return {m.id for m in read_po(f) if m.id}


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES if lang.code != SOURCE_LANGUAGE])
def test_catalogue_translates_every_string(
    lang: str, source_ids: set[str | tuple[str, ...]]
) -> None:
    with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f, locale=lang)
    translated = {m.id: m.string for m in catalogue if m.id}
    missing = sorted(str(i) for i in source_ids if not all(forms(translated.get(i, ""))))
    assert missing == [], f"{lang}: untranslated (run pybabel update, then translate)"
    for msgid in source_ids:
        wanted = set(PLACEHOLDER.findall(forms(msgid)[-1]))
        for form in forms(translated[msgid]):
            # A plural form may spell out the number ("one place left") instead of %(num)s.
            got = set(PLACEHOLDER.findall(form))
            assert got == wanted or (isinstance(msgid, tuple) and got <= wanted), (
                f"{lang}: placeholders differ in {msgid!r}: {form!r}"
            )


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's forms: one, or one per plural form; blank ones count as missing."""
    return tuple(f.strip() for f in text) if isinstance(text, tuple) else (text.strip(),)


def test_sources_have_at_least_the_board_strings(
    source_ids: set[str | tuple[str, ...]],
) -> None:
    assert {"Idag", "Imorgon", "Inställt", "Barnpassning", "(på svenska)"} <= source_ids


def test_compiled_catalogues_exist_for_every_language() -> None:
    for lang in LANGUAGES:
        if lang.code != SOURCE_LANGUAGE:
            assert (CATALOGUES / lang.code / "LC_MESSAGES" / "messages.mo").exists(), lang.code
