"""Double-blind feedback: the visitor on the placement, the host on each visitor.

`impact.feedback` is the visitor's own page (when the form opens, their form, then what they wrote
and, once released, the host's); hosts and staff opening it see the visit's visitors with each
side's state. `impact.host_feedback` is a host member's page on one visitor (staff read both sides).
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from matcher.extensions import db, limiter
from matcher.impact import bp
from matcher.impact.feedback_forms import FeedbackForm, HostFeedbackForm, VisitorFeedbackForm
from matcher.models import Opportunity, User
from matcher.models.impact import FeedbackSide
from matcher.services.impact import feedback as rules
from matcher.services.impact import visits
from matcher.translate import gettext as _
from matcher.web import throttle
from matcher.web.usecase import attempt, render_form

# Writing feedback may email the other side: a person's posts are limited per hour.
FEEDBACK_LIMIT = "30 per hour"


def _limited(view):
    return limiter.limit(
        FEEDBACK_LIMIT,
        methods=["POST"],
        key_func=lambda: f"visit-feedback:{current_user.get_id()}",
        error_message=throttle.worded(FEEDBACK_LIMIT),
    )(view)


def _dates(visit: Opportunity, today: date) -> dict:
    return {
        "visit": visit,
        "is_open": rules.is_open(visit, today),
        "opens_on": rules.opens_on(visit),
        "release_on": rules.release_on(visit),
    }


def _written(form: FeedbackForm, visit: Opportunity, visitor_id: int, side: FeedbackSide, today: date):
    """Validate and write one side; False (the page again, with why) when refused."""
    ok = (
        form.validate_on_submit()
        and attempt(
            rules.write,
            db.session,
            current_user,
            visit.id,
            visitor_id,
            side,
            **form.answer(),
            today=today,
            form=form,
        ).ok
    )
    if not ok and "csrf_token" in form.errors:
        abort(400)
    return ok


@bp.route("/visits/<int:visit_id>/feedback", methods=["GET", "POST"])
@login_required
@_limited
def feedback(visit_id: int):
    today = date.today()
    visit, standing = visits.visit_for(db.session, current_user, visit_id)
    if not standing.visitor:  # a host or staff: the visit's visitors, each side's state
        if request.method == "POST":
            abort(403)
        return render_form(
            "impact/feedback.html",
            VisitorFeedbackForm(formdata=None),
            pairs=rules.pairs(db.session, visit, today),
            staff=standing.staff,
            listing=True,
            **_dates(visit, today),
        )
    form = VisitorFeedbackForm()
    if form.is_submitted() and _written(form, visit, current_user.id, FeedbackSide.VISITOR, today):
        flash(_("Thank you: your feedback is saved."), "success")
        return redirect(url_for("impact.feedback", visit_id=visit.id))
    pair = rules.pair_for(db.session, visit, current_user, today)
    return render_form("impact/feedback.html", form, pair=pair, listing=False, **_dates(visit, today))


@bp.route("/visits/<int:visit_id>/feedback/<int:user_id>", methods=["GET", "POST"])
@login_required
@_limited
def host_feedback(visit_id: int, user_id: int):
    today = date.today()
    visit, standing = visits.visit_for(db.session, current_user, visit_id)
    if not standing.host:
        abort(403)  # a visitor knows the visit, not the host's side of it
    visitor: User = rules.visitor_of(db.session, visit, user_id)
    may_write = rules.may_write_host_side(standing)
    form = HostFeedbackForm()
    if form.is_submitted():
        if not may_write:
            abort(403)
        if _written(form, visit, visitor.id, FeedbackSide.HOST, today):
            flash(_("Thank you: your feedback on %(name)s is saved.", name=visitor.name), "success")
            return redirect(url_for("impact.host_feedback", visit_id=visit.id, user_id=visitor.id))
    return render_form(
        "impact/host_feedback.html",
        form,
        pair=rules.pair_for(db.session, visit, visitor, today),
        staff=standing.staff,
        may_write=may_write,
        **_dates(visit, today),
    )
