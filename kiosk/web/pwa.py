"""The board as an installable web app: manifest, service worker, offline page, asset versions.

Owns `/manifest.webmanifest` (in the viewer's language, named after the meeting place),
`/sw.js` (the hand-written worker in `static/js/sw.js`, served from the root so that it may
control every page, preceded by one line naming this deployment's version and app shell),
`/offline/<lang>` (what a phone shows for a page it never saved; the language is in the
path, not in `?lang=`, so that keeping all six leaves the visitor's language cookie alone),
and the `?v=<hash>` that every `url_for('static', …)` carries, so that a new deployment's
CSS is fetched at once and old files may be cached for a year.

Where it works — service workers exist only in a secure context:
1. the kiosk's own browser on http://localhost: the worker keeps the board on screen while
   the server restarts, with its age;
2. phones on the hall's Wi-Fi over plain http://192.168.x.x or http://motesplats.local: no
   worker, and nothing depends on one (pages are plain server-rendered HTML; an unsent signup
   waits in IndexedDB while the page is open);
3. the municipality's public instance over HTTPS: installable, board offline, signups kept
   offline and sent later.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _

from kiosk import services
from kiosk.languages import BY_CODE, LANGUAGES
from kiosk.web.i18n import current_language

bp = Blueprint("pwa", __name__)

THEME_COLOUR = "#0b4f6c"  # --brand in board.css
BACKGROUND_COLOUR = "#f6f3ec"  # --paper
SHORT_NAME_MAX = 12  # what fits under an icon on a home screen
ICONS = (
    ("icons/icon-192.png", "192x192", "image/png", "any"),
    ("icons/icon-512.png", "512x512", "image/png", "any"),
    ("icons/icon-maskable-512.png", "512x512", "image/png", "maskable"),
    ("icons/icon.svg", "any", "image/svg+xml", "any"),
)
# Files every page needs, kept by the worker from its installation on.
SHELL_FILES = (
    "css/board.css",
    "js/board.js",
    "js/signup-queue.js",
    "js/kiosk-links.js",
    "js/kiosk-offline.js",
    "js/keyboard.js",
    "css/keyboard.css",
    "icons/icon.svg",
    "icons/icon-192.png",
)
YEAR = 365 * 24 * 3600


def _static_root() -> Path:
    return Path(current_app.static_folder or "static")


@cache
def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "0"


@cache
def deployment_version(static_root: Path, template_root: Path, translations: Path) -> str:
    """One hash over everything the worker keeps: a new deployment gives a new worker."""
    digest = hashlib.sha256()
    roots = (static_root, template_root, translations)
    for path in sorted(p for root in roots for p in root.rglob("*") if p.is_file()):
        if path.suffix in {".po", ".pot"} or "screenshots" in path.parts:
            continue
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def current_version() -> str:
    app = current_app
    return deployment_version(
        _static_root(),
        Path(app.template_folder or "templates"),
        Path(app.root_path) / "translations",
    )


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    language = current_language()
    site = services.get().catalogue.snapshot().site
    short_name = site.name if len(site.name) <= SHORT_NAME_MAX else "Mötesplats"
    body = {
        "id": "/",
        "name": site.name,
        "short_name": short_name,
        "description": _("Veckans aktiviteter på mötesplatsen – anmäl dig från telefonen."),
        "lang": language.code.replace("_", "-"),
        "dir": language.direction,
        "start_url": url_for("board.index", lang=language.code),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": url_for("static", filename=src),
                "sizes": sizes,
                "type": kind,
                "purpose": purpose,
            }
            for src, sizes, kind, purpose in ICONS
        ],
    }
    response = Response(
        json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    shell = {
        "version": current_version(),
        "precache": [url_for("static", filename=name) for name in SHELL_FILES]
        + [url_for("pwa.offline", code=lang.code) for lang in LANGUAGES],
        "queue": url_for("static", filename="js/signup-queue.js"),
        "languages": [lang.code for lang in LANGUAGES],
        "default": services.default_locale_of(current_app),
    }
    code = (_static_root() / "js" / "sw.js").read_text(encoding="utf-8")
    response = Response(
        f"var SHELL = {json.dumps(shell)};\n{code}", mimetype="text/javascript; charset=utf-8"
    )
    # Browsers check for a new worker on each visit; never let a cache answer for it.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline/<code>")
def offline(code: str):  # type: ignore[no-untyped-def]
    if code not in BY_CODE:
        abort(404)
    with force_locale(code):
        g.pop("language", None)
        return render_template("offline.html")


def init_app(app: Flask) -> None:
    """Version every static URL by content and cache versioned files for a year."""

    @app.url_defaults
    def version_static(endpoint: str, values: dict[str, str]) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            values["v"] = _file_hash(_static_root() / values["filename"])

    @app.after_request
    def cache_static(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code == 200:
            served = _static_root() / (request.view_args or {}).get("filename", "")
            fixed = request.args.get("v") == _file_hash(served)
            response.headers["Cache-Control"] = (
                f"public, max-age={YEAR}, immutable" if fixed else "no-cache"
            )
        return response
