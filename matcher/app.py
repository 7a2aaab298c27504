"""The application factory: configuration, extensions, blueprints, hooks and commands."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, flash, redirect, request, url_for
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from matcher import ROOT
from matcher import config as settings
from matcher.admin import bp as admin_bp
from matcher.api import bp as api_bp
from matcher.api_reference import bp as api_reference_bp
from matcher.api_tokens import bp as api_tokens_bp
from matcher.applications import bp as applications_bp
from matcher.audit import record_denials
from matcher.auth import bp as auth_bp
from matcher.cli import register as register_cli
from matcher.coordination import bp as coordination_bp
from matcher.coordination import reading_bp
from matcher.embeds import bp as embeds_bp
from matcher.errors import register_error_handlers
from matcher.extensions import csrf, db, limiter, login_manager, mail, migrate
from matcher.formatting import (
    by_name,
    country_label,
    country_name,
    country_named,
    day,
    label_for,
    language_in_sentence,
    language_name,
    long_day,
    money,
    number,
    region_label,
)
from matcher.i18n import bp as i18n_bp
from matcher.i18n import init_i18n
from matcher.impact import bp as impact_bp
from matcher.jobs import queue as task_queue
from matcher.jobs.pages import bp as jobs_bp
from matcher.main import bp as main_bp
from matcher.models import User
from matcher.models.matching import MatchStatus
from matcher.notifications import bp as notifications_bp
from matcher.opportunities import bp as opportunities_bp
from matcher.organisations import bp as organisations_bp
from matcher.placements import bp as placements_bp
from matcher.profiles import bp as profiles_bp
from matcher.rounds import bp as rounds_bp
from matcher.sites import bp as sites_bp
from matcher.teams import bp as teams_bp
from matcher.timezones import localtime
from matcher.translate import lazy_gettext as _l
from matcher.trips import bp as trips_bp
from matcher.trips.commands import warn_if_packs_are_broken
from matcher.volunteers import bp as volunteers_bp
from matcher.web.caching import settle_cache_headers
from matcher.web.compression import init_compression
from matcher.web.converters import IdConverter
from matcher.web.forms import csrf_input, error_links
from matcher.web.headers import set_security_headers
from matcher.web.input_guard import RefuseUnknownHosts, limit_request_bodies, refuse_null_characters
from matcher.web.links import MatcherFlask
from matcher.web.reasons import explained, refusal_for
from matcher.web.throttle import warn_if_counts_are_split
from matcher.webhooks import bp as webhooks_bp
from matcher.words import and_list, requirements_to_check

BLUEPRINTS = (
    main_bp,
    auth_bp,
    admin_bp,
    opportunities_bp,
    organisations_bp,
    coordination_bp,
    reading_bp,
    api_bp,
    api_reference_bp,
    api_tokens_bp,
    rounds_bp,
    placements_bp,
    notifications_bp,
    profiles_bp,
    applications_bp,
    jobs_bp,
    volunteers_bp,
    teams_bp,
    trips_bp,
    i18n_bp,
    sites_bp,
    embeds_bp,
    webhooks_bp,
    impact_bp,
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides everything else (tests pass theirs here)."""
    app = MatcherFlask(
        "matcher",
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if config and config.get("TESTING"):
        app.testing = True
    settings.load(app, config)
    register_wsgi_middleware(app)
    register_logging()
    warn_if_counts_are_split(app)
    warn_if_packs_are_broken(app)
    # Before the extensions: the CSRF check is a before-request hook too, and it reads the form.
    app.before_request(limit_request_bodies)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_cli(app)
    return app


def register_wsgi_middleware(app: Flask) -> None:
    """Unknown hosts are refused before Flask sees the request, after ProxyFix has set the host."""
    app.wsgi_app = RefuseUnknownHosts(app, app.wsgi_app)
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    x_host = int(app.config.get("PROXY_FIX_X_HOST") or 0)
    if hops or x_host:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=x_host)


def register_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    # First of the after-request hooks, so that Flask runs it last: compression sees the final response.
    init_compression(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login flashes these; `str` words each in the language of the request it answers.
    login_manager.localize_callback = str
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = _l("For your security, log in again to change this.")
    login_manager.needs_refresh_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.needs_refresh_handler(_needs_refresh)
    login_manager.user_loader(_load_user)
    task_queue.init_app(app)
    init_i18n(app)


def _needs_refresh() -> Response:
    flash(str(login_manager.needs_refresh_message), login_manager.needs_refresh_message_category)
    # After logging in again the user returns to a page; a POST-only URL would give a 405.
    target = request.path if request.method == "GET" else (request.blueprint and url_for("auth.account"))
    return redirect(url_for("auth.login", next=target))


def _load_user(session_token: str) -> User | None:
    return db.session.scalar(select(User).where(User.session_token == session_token))


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def register_hooks(app: Flask) -> None:
    app.add_template_global(csrf_input)
    app.add_template_global(error_links)
    app.add_template_filter(localtime)
    app.add_template_filter(and_list)
    for written in (
        day,
        long_day,
        money,
        number,
        country_name,
        language_name,
        language_in_sentence,
        country_label,
        region_label,
        country_named,
    ):
        app.add_template_filter(written)
    app.add_template_filter(label_for, "label")
    app.add_template_filter(by_name)
    app.add_template_global(label_for)
    app.add_template_global(requirements_to_check)
    app.add_template_global(MatchStatus)
    app.add_template_filter(explained)
    app.add_template_filter(refusal_for)
    app.before_request(refuse_null_characters)
    app.after_request(set_security_headers)
    app.after_request(settle_cache_headers)
    app.after_request(record_denials)
