"""The languages table: which languages the interface speaks, their names and directions.

A plain module (no Flask) that every area reads: the UI languages in the language bar's
order, each named in its own script with its writing direction; the extra spoken languages
an activity may list; how a code from outside (`ar`, `fa-AF`, `prs`, `sv-SE`) maps to ours;
and picking an activity's text in a language with a Swedish fallback. Dari uses the code
`fa_AF`: Babel/CLDR has no `prs` locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from babel import Locale


@dataclass(frozen=True)
class Language:
    code: str  # Babel locale code
    native_name: str  # the language's name in its own script

    @property
    def direction(self) -> str:
        return _direction(self.code)


# Order of the language bar: Swedish first, then the languages of the support groups.
LANGUAGES: tuple[Language, ...] = (
    Language("sv", "Svenska"),
    Language("en", "English"),
    Language("ar", "العربية"),
    Language("fa_AF", "دری"),
    Language("so", "Soomaali"),
    Language("ti", "ትግርኛ"),
)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}
SOURCE_LANGUAGE = "sv"

# Names of spoken languages an activity may list (beyond the UI languages).
SPOKEN_NAMES: dict[str, str] = {
    **{lang.code: lang.native_name for lang in LANGUAGES},
    "fa": "فارسی",
    "ps": "پښتو",
    "ku": "Kurdî",
    "uk": "Українська",
}


@cache
def _direction(code: str) -> str:
    return Locale.parse(code).text_direction


def normalise(code: str | None) -> str | None:
    """Map `ar`, `AR`, `fa-AF`, `prs`, `sv-SE` … to a UI language code, or None."""
    if not code:
        return None
    text = code.strip().replace("-", "_")
    lowered = text.lower()
    if lowered in {"prs", "fa_af"}:
        return "fa_AF"
    for lang in LANGUAGES:
        if lowered == lang.code.lower():
            return lang.code
    base = lowered.split("_", 1)[0]
    return base if base in BY_CODE and base != "fa" else None


def pick_text(texts: Mapping[str, str], lang: str) -> tuple[str, bool]:
    """The text in `lang`, else Swedish, else any; and whether it fell back."""
    if texts.get(lang, "").strip():
        return texts[lang], False
    for fallback in (SOURCE_LANGUAGE, "en", *texts):
        if texts.get(fallback, "").strip():
            return texts[fallback], True
    return "", False
