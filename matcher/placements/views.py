"""The applicant's placements and the host's view of the placements at an opportunity."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher import allocation_words
from matcher.extensions import db
from matcher.models import Opportunity, User
from matcher.models.matching import PUBLISHED_OR_LATER, Match, MatchStatus, Suggestion
from matcher.models.user import APPLICANT_ROLES
from matcher.placements import bp
from matcher.placements.calendar import accepted_places, calendar_token, ical, owner_of
from matcher.placements.forms import FeedbackForm, ReasonForm
from matcher.services import calendars
from matcher.services.departure.trips import trip_ids
from matcher.services.impact import feedback as visit_feedback
from matcher.services.matching import outcomes, placements, whatif
from matcher.translate import gettext as _
from matcher.web.access import can_act_for, role_required
from matcher.web.caching import revalidated_privately
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt

VISIBLE = list(PUBLISHED_OR_LATER)  # applicants and hosts see a match once it is published


@bp.app_template_global("calendar_url")
def calendar_url(user: User) -> str:
    """The private calendar feed of the user's accepted placements (emails and pages link to it)."""
    return url_for("placements.calendar", token=calendar_token(user), _external=True)


@bp.get("/placements")
@role_required(*APPLICANT_ROLES)
def mine():
    return _mine_page(FeedbackForm())


def _mine_page(feedback_form: FeedbackForm, feedback_for: int | None = None) -> tuple[str, int]:
    """The applicant's placements; 422 with the feedback form's errors at the match `feedback_for`."""
    matches = db.session.scalars(
        select(Match)
        .where(Match.applicant_id == current_user.id, Match.status.in_(VISIBLE))
        .options(selectinload(Match.opportunity).selectinload(Opportunity.organisation))
        .order_by(Match.created_at.desc())
    ).all()
    latest = db.session.scalar(
        select(Suggestion.run_id)
        .where(Suggestion.applicant_id == current_user.id)
        .order_by(Suggestion.run_id.desc())
    )
    suggestions = (
        db.session.scalars(
            select(Suggestion)
            .where(Suggestion.run_id == latest, Suggestion.applicant_id == current_user.id)
            .options(selectinload(Suggestion.opportunity))
            .order_by(Suggestion.position)
        ).all()
        if latest
        else []
    )
    page = render_template(
        "placements/mine.html",
        matches=matches,
        suggestions=suggestions,
        action_form=EmptyForm(),
        feedback_form=feedback_form,
        feedback_for=feedback_for,
        form=feedback_form,  # the page's title says "Error:" when it has errors
        today=date.today(),
        calendar_url=url_for("placements.calendar", token=calendar_token(current_user), _external=True),
        trip_of=trip_ids(db.session, user=current_user),
        on_reserve=whatif.on_reserved_places(db.session, matches),
        placed_words=allocation_words.placed,
        written=visit_feedback.written_by_visitor(
            db.session,
            current_user.id,
            {m.opportunity_id for m in matches if m.status == MatchStatus.COMPLETED},
        ),
    )
    return page, 422 if feedback_form.errors else 200


@bp.get("/placements/letters/<int:letter_id>")
@role_required(*APPLICANT_ROLES)
def letter(letter_id: int):
    view = outcomes.read_letter(db.session, current_user, letter_id, date.today())
    return render_template("placements/letter.html", view=view)


@bp.post("/placements/<int:match_id>/<any(accept, decline):answer>")
@role_required(*APPLICANT_ROLES)
def respond(match_id: int, answer: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(placements.respond, db.session, current_user, match_id, answer == "accept", date.today()).ok:
        flash(
            _(
                "Thank you: your place is confirmed. Your other applications are now closed; "
                "we emailed you what to do before you leave."
            )
            if answer == "accept"
            else _("You declined the place. The host is told, and it will not be offered to you again."),
            "success",
        )
    return redirect(url_for("placements.mine"))


@bp.post("/placements/<int:match_id>/feedback")
@role_required(*APPLICANT_ROLES)
def feedback(match_id: int):
    form = FeedbackForm()
    if not (
        form.validate_on_submit()
        and attempt(
            placements.give_feedback,
            db.session,
            current_user,
            match_id,
            form.rating.data,
            form.feedback.data or "",
            date.today(),
            form=form,
        ).ok
    ):
        return _mine_page(form, match_id)
    flash(_("Thank you for your feedback."), "success")
    return redirect(url_for("placements.mine"))


@bp.get("/placements/calendar/<token>.ics")
@revalidated_privately
def calendar(token: str):
    user = owner_of(db.session, token) or abort(404)
    matches = db.session.scalars(
        select(Match)
        .where(Match.applicant_id == user.id, Match.status.in_([MatchStatus.ACCEPTED, MatchStatus.COMPLETED]))
        .options(selectinload(Match.opportunity).selectinload(Opportunity.organisation))
    ).all()
    return Response(
        ical(matches, accepted_places(db.session, user)),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="placements.ics"'},
    )


@bp.post("/placements/calendar/new")
@role_required(*APPLICANT_ROLES)
def new_calendar_link():
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(calendars.renew_calendar_link, db.session, current_user).ok:
        flash(_("Here is your new calendar link. The old one no longer works."), "success")
    return redirect(url_for("placements.mine", _anchor="calendar"))


@bp.get("/opportunities/<int:opportunity_id>/placements")
@login_required
def for_opportunity(opportunity_id: int):
    opportunity = db.session.get(Opportunity, opportunity_id) or abort(404)
    if not can_act_for(current_user, opportunity.organisation):
        abort(403)
    return _host_page(opportunity)


def _host_page(opportunity: Opportunity, refused: ReasonForm | None = None, refused_id: int | None = None):
    """The host's placements of one opportunity; with a refused cancellation, 422 and its reason."""
    matches = db.session.scalars(
        select(Match)
        .where(Match.opportunity_id == opportunity.id, Match.status.in_(VISIBLE))
        .options(selectinload(Match.applicant))
        .order_by(Match.status, Match.id)
    ).all()
    page = render_template(
        "placements/host.html",
        opportunity=opportunity,
        matches=matches,
        reason_form=ReasonForm(formdata=None),
        refused=refused,
        refused_id=refused_id,
        form=refused,  # the page's title says "Error:" when it has errors
        action_form=EmptyForm(),
        today=date.today(),
        trip_of=trip_ids(db.session, opportunity=opportunity),
        # Double-blind (issue 22): a visitor's feedback shows once the pair is released.
        readable=visit_feedback.readable_by_host(db.session, opportunity, date.today()),
    )
    return page, 422 if refused is not None else 200


def _hosted_match(match_id: int) -> Match:
    """The match, if the current user hosts it (404 when there is none, 403 when not theirs)."""
    match = db.session.get(Match, match_id) or abort(404)
    if not can_act_for(current_user, match.opportunity.organisation):
        abort(403)
    return match


@bp.post("/placements/<int:match_id>/cancel")
@login_required
def cancel(match_id: int):
    match = _hosted_match(match_id)
    form = ReasonForm()
    if not (
        form.validate_on_submit()
        and attempt(placements.cancel, db.session, current_user, match.id, form.reason.data, form=form).ok
    ):
        if "csrf_token" in form.errors:
            abort(400)
        return _host_page(match.opportunity, form, match.id)
    flash(_("The placement is cancelled; the applicant is told why."), "success")
    return redirect(url_for("placements.for_opportunity", opportunity_id=match.opportunity_id))


@bp.post("/placements/<int:match_id>/confirm")
@login_required
def confirm(match_id: int):
    match = _hosted_match(match_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(placements.confirm_attendance, db.session, current_user, match.id, date.today()).ok:
        flash(_("Attendance is confirmed: the placement is completed."), "success")
    return redirect(url_for("placements.for_opportunity", opportunity_id=match.opportunity_id))
