"""Notification settings, one-click unsubscribe, and the admins' view of the outbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from matcher.extensions import csrf, db
from matcher.mail import preferences
from matcher.mail.outbox import retry_dead as send_dead_again
from matcher.models import OutboxMessage, OutboxStatus, Role, User
from matcher.models.notification import Category, Frequency
from matcher.notifications import bp
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import ngettext
from matcher.web.access import role_required
from matcher.web.converters import ids_from
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt

# The outbox's states, as the admins' page names them.
OUTBOX_STATUS_WORDS = {
    OutboxStatus.PENDING: _l("Waiting to be sent"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed, to be retried"),
    OutboxStatus.DEAD: _l("Dead"),
    OutboxStatus.SKIPPED: _l("Skipped (turned off by the recipient)"),
}


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if attempt(preferences.set_frequencies, db.session, current_user, request.form).ok:
            flash(_("Your email settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        form=form,
        current=preferences.all_for(db.session, current_user),
        allowed=preferences.ALLOWED,
        frequencies=list(Frequency),
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail clients POST here without a session (RFC 8058)
def unsubscribe(token: str):
    found = preferences.read_unsubscribe_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None:
        reason = _("This unsubscribe link is not valid.")
        return render_template("auth/link_problem.html", reason=reason), 404
    category = Category(found[1])
    if request.method == "POST":
        attempt(preferences.set_frequency, db.session, user, category, Frequency.OFF)
        return render_template("notifications/unsubscribed.html", label=category.label, email=user.email)
    return render_template("notifications/unsubscribe.html", label=category.label, email=user.email)


@bp.get("/admin/outbox")
@role_required(Role.ADMIN)
def outbox():
    counts = dict(
        db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    )
    dead = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.DEAD)
        .order_by(OutboxMessage.id.desc())
        .limit(100)
    ).all()
    failing = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(50)
    ).all()
    return render_template(
        "notifications/outbox.html",
        counts=counts,
        statuses=OUTBOX_STATUS_WORDS,
        dead=dead,
        failing=failing,
        form=EmptyForm(),
    )


@bp.post("/admin/outbox/retry")
@role_required(Role.ADMIN)
def retry_dead():
    if not EmptyForm().validate_on_submit():
        abort(400)
    retried = attempt(send_dead_again, db.session, ids_from(request.form.getlist("message_id"))).value
    flash(
        ngettext("%(num)d message will be tried again.", "%(num)d messages will be tried again.", retried),
        "success",
    )
    return redirect(url_for("notifications.outbox"))
