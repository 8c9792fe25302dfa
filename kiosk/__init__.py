"""Mötesplats: the Flask application factory, and nothing else of weight.

`create_app(config)` resolves the settings table (`kiosk.config`), has the composition root
(`kiosk.services`) build and install the services, wires languages and formatting, and
registers the blueprints of each area (board, signups, help, volunteers, municipality, api,
and the shared web plumbing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides settings (tests pass DATA_DIR, CLOCK, …)."""
    from kiosk import config as settings
    from kiosk import services
    from kiosk.api import views as api
    from kiosk.board import digest_views as digest
    from kiosk.board import views as board
    from kiosk.help import directory_views as directory
    from kiosk.help import views as help_views
    from kiosk.municipality import views as municipality
    from kiosk.signups import views as signup
    from kiosk.translating import ui_review_views as ui_review
    from kiosk.translating import views as translate
    from kiosk.volunteers import auth
    from kiosk.volunteers import organiser_views as organiser
    from kiosk.volunteers import poster_views as poster
    from kiosk.volunteers.admin import bp as admin_bp
    from kiosk.web import csrf, formatting, health, i18n, proxies, pwa, request_log, security

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings.resolve(config))
    security.init_app(app)
    request_log.init_app(app)
    services.init_app(app)
    i18n.init_app(app, services.default_locale_of, services.get_for(app).ui_strings)
    formatting.init_app(app)
    csrf.init_app(app)
    pwa.init_app(app)
    app.register_blueprint(board.bp)
    app.register_blueprint(poster.bp)
    app.register_blueprint(signup.bp)
    app.register_blueprint(organiser.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api.ics)
    app.register_blueprint(admin_bp)
    app.register_blueprint(municipality.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(directory.bp)
    app.register_blueprint(digest.bp)
    app.register_blueprint(help_views.bp)
    app.register_blueprint(ui_review.bp)
    app.register_blueprint(translate.bp)
    trusted = proxies.parse_networks(app.config["TRUSTED_PROXIES"])
    app.wsgi_app = proxies.ForwardedFor(app.wsgi_app, trusted)  # type: ignore[method-assign]
    app.wsgi_app = request_log.AccessLog(app.wsgi_app)  # type: ignore[method-assign]
    app.jinja_env.globals.update(
        current_account=auth.current_account, default_locale=i18n.default_locale
    )
    return app
