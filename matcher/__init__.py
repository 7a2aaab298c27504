"""The opportunity matcher: pairs IR electives and teaching visits with students and trainees."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

# The register_* steps import lazily so that `import matcher.engine` (pure, used by benchmarks)
# does not pull in Flask, SQLAlchemy and every blueprint.


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides everything else (tests pass theirs here)."""
    from flask import Flask

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if config and config.get("TESTING"):
        app.testing = True
    from matcher import config as settings

    settings.load(app, config)
    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from matcher.extensions import csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = "For your security, log in again to change this."
    login_manager.needs_refresh_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.needs_refresh_handler
    def needs_refresh():
        from flask import flash, redirect, request, url_for

        flash(login_manager.needs_refresh_message, login_manager.needs_refresh_message_category)
        # After logging in again the user returns to a page; a POST-only URL would give a 405.
        target = request.path if request.method == "GET" else (request.blueprint and url_for("auth.account"))
        return redirect(url_for("auth.login", next=target))

    @login_manager.user_loader
    def load_user(session_token: str):
        from sqlalchemy import select

        from matcher.models import User

        return db.session.scalar(select(User).where(User.session_token == session_token))


def register_blueprints(app: Flask) -> None:
    from matcher.web.converters import IdConverter

    app.url_map.converters["int"] = IdConverter
    from matcher.admin.views import bp as admin_bp
    from matcher.api.views import bp as api_bp
    from matcher.applications.views import bp as applications_bp
    from matcher.auth.views import bp as auth_bp
    from matcher.coordination.reading import bp as reading_bp
    from matcher.coordination.views import bp as coordination_bp
    from matcher.errors import register_error_handlers
    from matcher.main.views import bp as main_bp
    from matcher.notifications.views import bp as notifications_bp
    from matcher.opportunities.views import bp as opportunities_bp
    from matcher.organisations.views import bp as organisations_bp
    from matcher.placements.views import bp as placements_bp
    from matcher.profiles.views import bp as profiles_bp
    from matcher.rounds.views import bp as rounds_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(opportunities_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(coordination_bp)
    app.register_blueprint(reading_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(placements_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(profiles_bp)
    app.register_blueprint(applications_bp)
    register_error_handlers(app)


def register_hooks(app: Flask) -> None:
    from matcher.audit import record_denials
    from matcher.timezones import localtime
    from matcher.web.forms import csrf_input
    from matcher.web.headers import set_security_headers

    app.add_template_global(csrf_input)
    app.add_template_filter(localtime)
    from matcher.web.input_guard import limit_urlencoded_forms, refuse_null_characters

    app.before_request(limit_urlencoded_forms)  # first: before anything parses the form
    app.before_request(refuse_null_characters)
    app.after_request(set_security_headers)
    app.after_request(record_denials)

    if app.config["MAIL_DELIVER_ON_COMMIT"]:

        @app.after_request
        def deliver_queued_mail(response):
            # Only the development server does this; production runs `flask mail worker`.
            from flask import g

            if g.pop("outbox_queued", False):
                from matcher.extensions import db
                from matcher.notifications.delivery import deliver_due

                try:
                    deliver_due(db.session, limit=20)
                except Exception:  # delivery must never break the page; the row stays due
                    app.logger.exception("in-process mail delivery failed")
            return response


def register_commands(app: Flask) -> None:
    from matcher.cli import register

    register(app)
