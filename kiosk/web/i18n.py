"""Languages of the interface: which exist, how one is chosen, how text and dates are shown.

Owns the list of UI languages (each named in its own script, with its writing direction),
the locale choice for a request (`?lang=` → cookie → browser's Accept-Language → default),
and helpers that pick an activity's text in the viewer's language with a Swedish fallback.
Dari uses the code `fa_AF`: Babel/CLDR has no `prs` locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from babel import Locale
from flask import Flask, current_app, g, request
from flask_babel import Babel
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import dump_cookie

LANG_COOKIE = "lang"


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


def choose_locale(
    query_lang: str | None, cookie_lang: str | None, accept: LanguageAccept, default: str
) -> str:
    """`?lang=` first, then the remembered cookie, then the browser's languages, then default.

    Pure, so the page cache in front of Flask chooses exactly as Flask does.
    """
    chosen = normalise(query_lang) or normalise(cookie_lang)
    if chosen:
        return chosen
    for code, _quality in accept:
        found = normalise(code)
        if found:
            return found
    return default


def cookie_to_set(query_lang: str | None, cookie_lang: str | None) -> str | None:
    """The language to remember in the cookie, if `?lang=` chose a new one."""
    chosen = normalise(query_lang)
    return chosen if chosen and chosen != cookie_lang else None


def lang_cookie_header(code: str) -> str:
    return dump_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", path="/")


def select_locale() -> str:
    """The locale for this request (flask-babel's selector)."""
    return choose_locale(
        request.args.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.accept_languages,
        default_locale(),
    )


def default_locale() -> str:
    """The meeting place's default language (admin setting, else DEFAULT_LOCALE)."""
    from kiosk.services import default_locale_of

    return default_locale_of(current_app._get_current_object())  # type: ignore[attr-defined]


def current_language() -> Language:
    if "language" not in g:
        from flask_babel import get_locale

        g.language = BY_CODE.get(str(get_locale()), BY_CODE[SOURCE_LANGUAGE])
    return g.language


def pick_text(texts: Mapping[str, str], lang: str) -> tuple[str, bool]:
    """The text in `lang`, else Swedish, else any; and whether it fell back."""
    if texts.get(lang, "").strip():
        return texts[lang], False
    for fallback in (SOURCE_LANGUAGE, "en", *texts):
        if texts.get(fallback, "").strip():
            return texts[fallback], True
    return "", False


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        timezone_selector=lambda: current_app.config["TIMEZONE"],
        default_translation_directories="translations",
    )

    @app.after_request
    def remember_choice(response):  # type: ignore[no-untyped-def]
        chosen = cookie_to_set(request.args.get("lang"), request.cookies.get(LANG_COOKIE))
        if chosen:
            response.headers.add("Set-Cookie", lang_cookie_header(chosen))
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response

    @app.context_processor
    def language_context() -> dict[str, object]:
        return {"languages": LANGUAGES, "language": current_language()}
