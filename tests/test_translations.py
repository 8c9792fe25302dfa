"""Every user-facing string is translated in all six languages, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, SOURCE_LANGUAGE
from tests.conftest import REPO

CATALOGUES = REPO / "kiosk" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
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
def test_catalogue_translates_every_string(lang: str, source_ids: set[str]) -> None:
    with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f, locale=lang)
    translated = {m.id: m.string for m in catalogue if m.id}
    missing = sorted(i for i in source_ids if not translated.get(i, "").strip())
    assert missing == [], f"{lang}: untranslated (run pybabel update, then translate)"
    for msgid in source_ids:
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(translated[msgid])), (
            f"{lang}: placeholders differ in {msgid!r}"
        )


def test_sources_have_at_least_the_board_strings(source_ids: set[str]) -> None:
    assert {"Idag", "Imorgon", "Inställt", "Barnpassning", "(på svenska)"} <= source_ids


def test_compiled_catalogues_exist_for_every_language() -> None:
    for lang in LANGUAGES:
        if lang.code != SOURCE_LANGUAGE:
            assert (CATALOGUES / lang.code / "LC_MESSAGES" / "messages.mo").exists(), lang.code
