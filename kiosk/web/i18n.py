"""The interface's language for a request, wired into flask-babel.

Owns the locale choice for a request (`?lang=` → cookie → browser's Accept-Language → the
meeting place's default), the cookie that remembers it, and the template context
(`languages`, `language`). The languages themselves are the plain table `kiosk.languages`;
the meeting place's default comes from the function `init_app` is given (no import of the
services: they are built above this module). Strings reviewed in the app
(`kiosk.translating.ui_strings`, handed in as an `Overlay`) are laid over the compiled
catalogue by `OverlaidDomain`, once per (locale, reviews' version): a request costs a dict
lookup, and the next page after a review shows it, with no restart and no recompiling.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Protocol

from babel import support
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, Domain, get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import dump_cookie

from kiosk.languages import BY_CODE, LANGUAGES, SOURCE_LANGUAGE, Language, normalise

LANG_COOKIE = "lang"


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


DEFAULT_LOCALE_OF = "motesplats.default_locale"
TRANSLATIONS_MEMO = "_motesplats_translations"  # on flask.g: (overlay version, locale, result)


def default_locale() -> str:
    """The meeting place's default language (admin setting, else DEFAULT_LOCALE)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions[DEFAULT_LOCALE_OF](app)


def current_language() -> Language:
    if "language" not in g:
        from flask_babel import get_locale

        g.language = BY_CODE.get(str(get_locale()), BY_CODE[SOURCE_LANGUAGE])
    return g.language


class Overlay(Protocol):
    """Texts to lay over the compiled catalogues (`kiosk.translating.ui_strings.UiStrings`)."""

    @property
    def version(self) -> Hashable:
        """Changes whenever `overrides` may have changed; cheap."""

    def overrides(self, lang: str) -> Mapping[Any, str]:
        """Entries in the keys of a gettext `_catalog` (msgid, or (msgid, plural form))."""


class OverlaidDomain(Domain):
    """flask-babel's domain, with the overlay's texts laid over the compiled catalogue."""

    def __init__(self, overlay: Overlay) -> None:
        super().__init__()
        self.overlay = overlay
        self._laid: dict[str, tuple[Hashable, support.NullTranslations]] = {}

    def get_translations(self) -> support.NullTranslations:
        # A page asks for every string it shows (40-90 per page): worked out once per
        # request, not once per string (was a fifth of a page's render).
        # Kept per locale object, so `force_locale` (a text message in the person's language
        # composed during another's request) gets its own.
        version = self.overlay.version
        locale = get_locale()
        memo = g.get(TRANSLATIONS_MEMO) if has_request_context() else None
        if memo is not None and memo[0] == version and memo[1] is locale:
            return memo[2]  # type: ignore[no-any-return]
        result = self._laid_over(version)
        if has_request_context():
            setattr(g, TRANSLATIONS_MEMO, (version, locale, result))
        return result

    def _laid_over(self, version: Hashable) -> support.NullTranslations:
        compiled = super().get_translations()  # flask-babel caches it per locale
        locale = str(get_locale())
        laid = self._laid.get(locale)
        if laid is not None and laid[0] == version:
            return laid[1]
        overrides = self.overlay.overrides(locale)
        result = compiled
        if overrides and isinstance(compiled, support.Translations):
            result = copy.copy(compiled)
            result._catalog = {**compiled._catalog, **overrides}  # type: ignore[attr-defined]
        self._laid[locale] = (version, result)
        return result


def init_app(
    app: Flask, default_locale_of: Callable[[Flask], str], overlay: Overlay | None = None
) -> None:
    """Languages for `app`; `default_locale_of(app)` says the meeting place's default;
    `overlay` has the texts reviewed in the app."""
    app.extensions[DEFAULT_LOCALE_OF] = default_locale_of
    babel = Babel(
        app,
        locale_selector=select_locale,
        timezone_selector=lambda: current_app.config["TIMEZONE"],
        default_translation_directories="translations",
    )
    if overlay is not None:
        babel.domain_instance = OverlaidDomain(overlay)

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
