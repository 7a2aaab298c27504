"""Completions the host confirms, the visitor's printable certificate, and its public check."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from matcher.extensions import db, limiter
from matcher.impact import bp
from matcher.models import User
from matcher.services.errors import NotFound
from matcher.services.impact import completions, visits
from matcher.translate import gettext as _
from matcher.web import throttle
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt

# Anyone may check a certificate's code: counted per client address, so codes cannot be tried in bulk.
LOOKUP_LIMIT = "60 per hour"


@bp.post("/visits/<int:visit_id>/completions/<int:user_id>")
@login_required
def confirm_completion(visit_id: int, user_id: int):
    visit, _standing = visits.visit_for(db.session, current_user, visit_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    before = completions.find(db.session, visit.id, user_id)
    done = attempt(completions.confirm, db.session, current_user, visit.id, user_id)
    if done.ok:
        person = db.session.get(User, user_id)
        name = person.name if person is not None else ""
        if before is not None:
            flash(
                _("%(name)s's visit was already confirmed as completed: nothing changed.", name=name), "info"
            )
        else:
            flash(
                _("%(name)s's visit is confirmed as completed: they can print the certificate.", name=name),
                "success",
            )
    return redirect(url_for("impact.visit", visit_id=visit.id))


@bp.get("/visits/<int:visit_id>/certificate")
@login_required
def certificate(visit_id: int):
    user_id = request.args.get("user", type=int)
    found = completions.certificate_for(db.session, current_user, visit_id, user_id)
    return render_template(
        "impact/certificate.html",
        certificate=found,
        check_url=url_for(
            "impact.verify_certificate",
            code=completions.printed(found.completion.certificate_code),
            _external=True,
        ),
        own=found.person.id == current_user.id,
    )


@bp.get("/certificates/<code>")
@limiter.limit(LOOKUP_LIMIT, error_message=throttle.worded(LOOKUP_LIMIT))
def verify_certificate(code: str):
    try:
        completion = completions.verify(db.session, code)
    except NotFound:
        return render_template("impact/certificate_check.html", completion=None), 404
    return render_template(
        "impact/certificate_check.html", completion=completion, weeks=completions.weeks(completion.visit)
    )
