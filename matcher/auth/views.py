"""Account views: each parses a form, calls one service, commits, then redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import refresh
from flask_login import (
    current_user,
    fresh_login_required,
    login_fresh,
    login_required,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm

from matcher import audit
from matcher.auth import bp
from matcher.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LocaleForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
    TimezoneForm,
)
from matcher.extensions import db, limiter
from matcher.i18n import IN_A_SENTENCE
from matcher.models import Role
from matcher.services import accounts
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.web import throttle
from matcher.web.client import client_ip
from matcher.web.forms import EmptyForm
from matcher.web.redirects import is_safe_next, redirect_next
from matcher.web.throttle import check_login_allowed, record_failed_login
from matcher.web.usecase import attempt, render_form


def _start_session(user, remember: bool) -> None:
    # A fresh session at login: nothing carried over from before (session fixation).
    session.clear()
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignupForm(role=request.args.get("as"))
    if form.validate_on_submit():
        data = accounts.SignUp(
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            role=Role(form.role.data) if form.role.data else None,
            organisation_name=form.organisation_name.data if form.for_organisation else None,
            profession_code=None if form.for_organisation else form.profession.data or None,
        )
        if throttle.exhausted("SIGNUP_RATE_LIMIT", "signup", client_ip()):
            throttle.refuse(
                form,
                _(
                    "Too many accounts were created from your network recently, so we cannot send "
                    "another confirmation email now. Try again in an hour; what you typed is kept."
                ),
                field="email",
            )
            return render_form("auth/signup.html", form)
        signed_up = attempt(accounts.sign_up, db.session, data, form=form)
        if signed_up.ok:
            throttle.count("SIGNUP_RATE_LIMIT", "signup", client_ip())
            # The same answer whether or not the address had an account (its owner is emailed),
            # so sign-up tells nobody who is registered: nobody is logged in here.
            flash(
                _(
                    "Thank you. We sent a message to %(email)s: "
                    "follow its link to confirm your address, and log in here.",
                    email=accounts.normalise_email(form.email.data),
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_form("auth/signup.html", form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    # A session restored from "remember me" logs in again to become fresh (re-authentication).
    if current_user.is_authenticated and login_fresh():
        return redirect_next()
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "GET" and current_user.is_authenticated:
        form.email.data = current_user.email
    if form.validate_on_submit():
        check_login_allowed(form.email.data)
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            record_failed_login(form.email.data)
            audit.record("login_failed", email=form.email.data)
            form.password.errors = [_("The email or the password is not right.")]
        else:
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            audit.record("login", user, remember=bool(form.remember.data))
            target = form.next.data
            response = redirect(target if is_safe_next(target) else url_for("main.dashboard"))
            return throttle.remember_device(response, user.email)
    return render_form("auth/login.html", form)


@bp.post("/logout")
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit() and attempt(accounts.log_out, current_user).ok:
        logout_user()
        session.clear()
        flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.get("/verify/<token>")
def verify_email(token: str):
    try:
        attempt(accounts.verify_email, db.session, token)
    except accounts.AlreadyVerified:
        flash(_("This link was already used: your email address is confirmed."), "info")
    else:
        flash(_("Thank you: your email address is confirmed."), "success")
    return redirect(url_for("main.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.post("/verify/resend")
@login_required
@limiter.limit(
    "3 per hour", key_func=lambda: f"resend:{current_user.id}", error_message=throttle.worded("3 per hour")
)
def resend_verification():
    form = EmptyForm()
    if (
        form.validate_on_submit()
        and not current_user.is_verified
        and attempt(accounts.send_verification, db.session, current_user).ok
    ):
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect_next()


RESET_SENT = _l(
    "If an account uses that address, we have sent it a link to reset the password. "
    "The link works for two hours."
)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], error_message=throttle.worded("10 per hour"))
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # Counted per address asked for, whoever asks and whether or not it has an account (so the
        # refusal tells nothing either): one mailbox cannot be flooded from many client addresses.
        address = accounts.normalise_email(form.email.data)
        if throttle.exhausted("RESET_RATE_LIMIT", "reset", address):
            throttle.refuse(
                form,
                _(
                    "We have already sent several reset links to this address recently. Use the "
                    "newest one in your inbox (check the spam folder too), or try again in an hour."
                ),
                field="email",
            )
        elif attempt(accounts.request_password_reset, db.session, form.email.data, form=form).ok:
            throttle.count("RESET_RATE_LIMIT", "reset", address)
            flash(str(RESET_SENT), "success")
            return redirect(url_for("auth.login"))
    return render_form("auth/forgot.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    accounts.user_for_reset_token(db.session, token)  # a TokenError shows the link-problem page
    form = ResetPasswordForm()
    if (
        form.validate_on_submit()
        and attempt(accounts.reset_password, db.session, token, form.password.data, form=form).ok
    ):
        logout_user()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/reset.html", form)


def _account_page(**forms):
    """The account page; `forms` replaces the blank form of the section that was sent."""
    blank = {
        "password_form": lambda: ChangePasswordForm(prefix="pw"),
        "email_form": lambda: ChangeEmailForm(prefix="em"),
        "timezone_form": lambda: TimezoneForm(prefix="tz", formdata=None, timezone=current_user.timezone),
        "locale_form": lambda: LocaleForm(prefix="lang", formdata=None, locale=current_user.locale or ""),
    }
    context = {name: forms[name] if name in forms else make() for name, make in blank.items()}
    return render_template("auth/account.html", **context)


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return _account_page()


def _save_section(
    section: str, form: FlaskForm, call: Callable[..., Any], *args: Any, done: Callable[[], None]
):
    """Save one section of the account page: `done` says what changed; errors show in that section."""
    if form.validate_on_submit() and attempt(call, *args, form=form).ok:
        done()
        return redirect(url_for("auth.account"))
    return _account_page(**{section: form}), 422


@bp.post("/account/timezone")
@login_required
def change_timezone():
    form = TimezoneForm(prefix="tz")

    def done() -> None:
        flash(
            _("Dates and times are now shown in the %(zone)s time zone.", zone=form.timezone.data),
            "success",
        )

    return _save_section(
        "timezone_form", form, accounts.set_timezone, current_user, form.timezone.data, done=done
    )


@bp.post("/account/language")
@login_required
def change_locale():
    form = LocaleForm(prefix="lang")

    def done() -> None:
        refresh()  # the message in the language just chosen
        if form.locale.data in IN_A_SENTENCE:
            language = IN_A_SENTENCE[form.locale.data]
            flash(_("Pages are now shown in %(language)s.", language=language), "success")
        else:
            flash(_("Pages are now shown in your browser's language."), "success")

    return _save_section(
        "locale_form", form, accounts.set_locale, current_user, form.locale.data or None, done=done
    )


@bp.post("/account/password")
@fresh_login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")

    def done() -> None:
        # Every other session is now invalid; keep this one by logging in again.
        _start_session(current_user._get_current_object(), remember=False)
        flash(_("Your password is changed. Other devices have been logged out."), "success")

    return _save_section(
        "password_form",
        form,
        accounts.change_password,
        current_user,
        form.current_password.data,
        form.password.data,
        done=done,
    )


@bp.post("/account/email")
@fresh_login_required
def change_email():
    form = ChangeEmailForm(prefix="em")

    def done() -> None:
        flash(
            _(
                "We sent a confirmation link to %(email)s. Your address changes when you follow it.",
                email=accounts.normalise_email(form.new_email.data),
            ),
            "success",
        )

    return _save_section(
        "email_form",
        form,
        accounts.request_email_change,
        db.session,
        current_user,
        form.password.data,
        form.new_email.data,
        done=done,
    )


@bp.get("/account/email/confirm/<token>")
def confirm_email_change(token: str):
    attempt(accounts.confirm_email_change, db.session, token)
    logout_user()
    flash(_("Your email address is changed. Log in with the new one."), "success")
    return redirect(url_for("auth.login"))


@bp.app_context_processor
def _forms_for_layout() -> dict:
    # The layout's forms never read the request body: on a 413 page, reading it raises again.
    return {"logout_form": lambda: EmptyForm(formdata=None)}
