"""Coordinator pages for match rounds: create, run, review, decide, publish.

CSV exports are in `exports`, the unmatched applicants of a run in `unmatched_views`, a round's
settings and the comparison of two runs in `whatif_views`.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from matcher import allocation_words
from matcher.extensions import db
from matcher.jobs import lifecycle
from matcher.models import Opportunity, OpportunityType, Role
from matcher.models.matching import Match, MatchRound, MatchRun, MatchStatus, RoundStatus
from matcher.rounds import bp
from matcher.rounds.forms import ConfirmForm, DecisionForm, PublishForm, RoundForm, RunForm
from matcher.services.matching import decisions, previews, reports, rounds
from matcher.services.matching import settings as round_settings
from matcher.services.teams import reports as team_reports
from matcher.translate import gettext as _
from matcher.translate import ngettext
from matcher.web.access import role_required
from matcher.web.converters import as_id, ids_from
from matcher.web.redirects import redirect_back
from matcher.web.usecase import attempt, render_form

STAFF = (Role.COORDINATOR, Role.ADMIN)
PER_PAGE = 50
UNMATCHED_SHOWN = 50  # on the review page; the rest page by page on the unmatched page
_TYPES = {t.value for t in OpportunityType}


def _round(round_id: int) -> MatchRound:
    return db.session.get(MatchRound, round_id) or abort(404)


def get_run(run_id: int) -> MatchRun:
    return db.session.get(MatchRun, run_id, options=[joinedload(MatchRun.round)]) or abort(404)


@bp.get("/rounds")
@role_required(*STAFF)
def index():
    return render_template("rounds/index.html", rounds=reports.rounds_with_runs(db.session))


@bp.route("/rounds/new", methods=["GET", "POST"])
@role_required(*STAFF)
def create():
    form = RoundForm()
    if form.validate_on_submit():
        scope = rounds.Scope(
            regions=tuple(form.regions.data or ()),
            subregions=tuple(form.subregions.data or ()),
            types=tuple(form.types.data or ()),
            starts_after=form.starts_after.data,
            ends_before=form.ends_before.data,
        )
        created = attempt(
            rounds.create_round,
            db.session,
            current_user,
            name=form.name.data,
            mode=form.mode.data,
            scope=scope,
            response_deadline=form.response_deadline.data,
            form=form,
        )
        if created.ok:
            flash(_("The round is created. Run it when the applications are in."), "success")
            return redirect(url_for("rounds.show", round_id=created.value.id))
    return render_form("rounds/new.html", form)


@bp.get("/rounds/<int:round_id>")
@role_required(*STAFF)
def show(round_id: int):
    return _round_page(round_id, RunForm())


def _round_page(round_id: int, run_form: RunForm) -> tuple[str, int]:
    """The round's page; 422 when the run form comes back with errors, shown in its summary."""
    match_round = db.session.get(
        MatchRound, round_id, options=[selectinload(MatchRound.runs).joinedload(MatchRun.ran_by)]
    ) or abort(404)
    scope = rounds.Scope.from_json(match_round.scope)
    in_scope, places = db.session.execute(
        rounds.scope_query(
            scope, func.count(Opportunity.id), func.sum(Opportunity.capacity - Opportunity.places_filled)
        )
    ).one()
    page = render_template(
        "rounds/show.html",
        round=match_round,
        active_run=lifecycle.active_with_key(db.session, rounds.run_key(round_id)),
        run_form=run_form,
        form=run_form,  # the page's title says "Error:" when it has errors
        in_scope=in_scope,
        type_labels=[OpportunityType(t).label.lower() for t in scope.types if t in _TYPES],
        places=places or 0,
        settings=round_settings.of_round(match_round),
    )
    return page, 422 if run_form.errors else 200


@bp.post("/rounds/<int:round_id>/run")
@role_required(*STAFF)
def run(round_id: int):
    match_round = _round(round_id)
    form = RunForm()
    if not form.validate_on_submit():
        return _round_page(round_id, form)
    started = attempt(
        rounds.start_run,
        db.session,
        current_user,
        match_round,
        seed=form.seed.data,
        top_n=form.top_n.data or rounds.DEFAULT_TOP_N,
        form=form,
    )
    if not started.ok:
        return _round_page(round_id, form)
    # The run is queued for the worker; its progress page leads to the review when it is done.
    return redirect(url_for("jobs.show", job_id=started.value.id), 303)


@bp.get("/runs/<int:run_id>")
@role_required(*STAFF)
def review(run_id: int):
    run = get_run(run_id)
    if run.round.mode == "recommendation":
        suggestions, names = reports.run_suggestions(db.session, run)
        return render_template("rounds/suggestions.html", run=run, suggestions=suggestions, names=names)
    filters = _filters(request.args)
    page_number = max(request.args.get("page", 1, type=as_id) or 1, 1)
    review_data = reports.run_review(db.session, run, filters, page_number, PER_PAGE, UNMATCHED_SHOWN)
    return render_template(
        "rounds/review.html",
        run=run,
        published_run=_published_run(run) if run.round.status != RoundStatus.OPEN else None,
        why_empty=previews.why_empty(run),
        decidable={m.id for m in review_data.page.items if _decidable(run, m)},
        filters={k: v for k, v in filters.items() if v},
        decision_form=DecisionForm(),
        reserve_holders=frozenset((run.parameters or {}).get("reserve_holders", [])),
        placed_words=allocation_words.placed,
        **vars(review_data),
    )


def _decidable(run: MatchRun, match: Match) -> bool:
    """Whether the review page offers approve / reject for the match: any undecided one while the
    round is open; once published, only the waitlist offers still to approve."""
    if run.round.status == RoundStatus.OPEN:
        return match.status in (MatchStatus.PROPOSED, MatchStatus.APPROVED)
    return run.published_at is not None and match.from_waitlist and match.status == MatchStatus.PROPOSED


def _published_run(run: MatchRun) -> MatchRun | None:
    """The run of this run's round that was published, if any (this one or another)."""
    return next((r for r in run.round.runs if r.published_at is not None), None)


@bp.post("/runs/<int:run_id>/decide")
@role_required(*STAFF)
def decide(run_id: int):
    run = get_run(run_id)
    form = DecisionForm()
    action = request.form.get("action", "")
    ids = ids_from(request.form.getlist("match_id"))
    if not form.validate_on_submit() or action not in ("approve", "reject"):
        abort(400)
    if not ids:
        flash(_("Tick at least one match first."), "error")
        return redirect_back(url_for("rounds.review", run_id=run_id))
    decided = attempt(
        decisions.decide_many, db.session, current_user, run, ids, action, form.reason.data, date.today()
    )
    if not decided.ok:  # the refusal is flashed
        return redirect_back(url_for("rounds.review", run_id=run_id))
    result = decided.value
    approve = action == "approve"
    if result.done:
        done = len(result.done)
        if approve:
            flash(ngettext("%(num)d match approved.", "%(num)d matches approved.", done), "success")
        else:
            flash(ngettext("%(num)d match rejected.", "%(num)d matches rejected.", done), "success")
    for match_id, message in result.refused:
        if approve:
            flash(_("Match %(id)s was not approved: %(why)s", id=match_id, why=message), "error")
        else:
            flash(_("Match %(id)s was not rejected: %(why)s", id=match_id, why=message), "error")
    return redirect_back(url_for("rounds.review", run_id=run_id))


def _filters(values) -> dict:
    return {
        "region": values.get("region", "").strip(),
        "organisation": values.get("organisation", type=as_id),
        "status": values.get("status", "").strip(),
        "band": values.get("band", "").strip(),
    }


@bp.get("/runs/<int:run_id>/approve-all")
@role_required(*STAFF)
def confirm_approve_all(run_id: int):
    """The confirmation page of "Approve every proposed match": how many, where, and who is told."""
    run = get_run(run_id)
    if run.round.status != "open":
        flash(_("This round is already published; approve waitlist offers one by one."), "error")
        return redirect(url_for("rounds.review", run_id=run_id))
    filters = _filters(request.args)
    preview = previews.approval_preview(db.session, run, reports.review_query(run, **filters))
    return render_template(
        "rounds/confirm_approve.html",
        run=run,
        filters={k: v for k, v in filters.items() if v},
        preview=preview,
        form=ConfirmForm(),
    )


@bp.post("/runs/<int:run_id>/approve-all")
@role_required(*STAFF)
def approve_all(run_id: int):
    """Approve every proposed match the review page's filters select, in a few statements.

    Only from the confirmation page: a post without ``confirm=yes`` decides nothing and goes there.
    """
    run = get_run(run_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    filters = _filters(request.form)
    kept = {k: v for k, v in filters.items() if v}
    if not form.confirmed():
        return redirect(url_for("rounds.confirm_approve_all", run_id=run_id, **kept), 303)
    done = attempt(decisions.approve_all, db.session, current_user, run, reports.review_query(run, **filters))
    if not done.ok:
        return redirect(url_for("rounds.review", run_id=run_id))
    result = done.value
    if not result.approved and not result.left_proposed:
        flash(_("No proposed match fits these filters."), "error")
    else:
        flash(ngettext("%(num)d match approved.", "%(num)d matches approved.", result.approved), "success")
    if result.left_proposed:
        opportunities = ngettext("%(num)d opportunity", "%(num)d opportunities", result.opportunities_short)
        flash(
            ngettext(
                "%(num)d proposed at %(opportunities)s without enough free places stays proposed: "
                "decide it separately.",
                "%(num)d proposed at %(opportunities)s without enough free places stay proposed: "
                "decide them one by one.",
                result.left_proposed,
                opportunities=opportunities,
            ),
            "error",
        )
    return redirect(url_for("rounds.review", run_id=run_id, **kept))


def _publish_page(run: MatchRun, form: PublishForm):
    return render_form(
        "rounds/confirm_publish.html",
        form,
        run=run,
        preview=previews.publication_preview(db.session, run),
        unmatched=(run.counts or {}).get("unmatched", 0),
    )


@bp.get("/runs/<int:run_id>/publish")
@role_required(*STAFF)
def confirm_publish(run_id: int):
    """The confirmation page of "Publish": the matches offered and the people emailed."""
    run = get_run(run_id)
    if run.round.status != "open":
        flash(_("This round is already published."), "error")
        return redirect(url_for("rounds.review", run_id=run_id))
    given = request.args.get("response_deadline")
    form = PublishForm(
        formdata=request.args if given else None, response_deadline=run.round.response_deadline
    )
    return _publish_page(run, form)


@bp.post("/runs/<int:run_id>/publish")
@role_required(*STAFF)
def publish(run_id: int):
    run = get_run(run_id)
    form = PublishForm()
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    if not form.confirmed():
        given = request.form.get("response_deadline", "")[:20]
        back = url_for("rounds.confirm_publish", run_id=run_id, response_deadline=given or None)
        return redirect(back, 303)
    if not valid:
        return _publish_page(run, form)
    published = attempt(
        decisions.publish, db.session, current_user, run, form.response_deadline.data, date.today(), form=form
    )
    if not published.ok:
        return _publish_page(run, form)
    flash(
        ngettext(
            "Published %(num)d match; the applicants and hosts are being emailed.",
            "Published %(num)d matches; the applicants and hosts are being emailed.",
            published.value,
        ),
        "success",
    )
    return redirect(url_for("rounds.review", run_id=run_id))


@bp.get("/matches/<int:match_id>")
@role_required(*STAFF)
def match_history(match_id: int):
    match = reports.match_with_history(db.session, match_id) or abort(404)
    return render_template(
        "rounds/match.html", match=match, left_out_by=reports.runs_leaving_out(db.session, match)
    )


@bp.get("/rounds/<int:round_id>/audit")
@role_required(*STAFF)
def round_audit(round_id: int):
    match_round = _round(round_id)
    events = reports.round_events(db.session, match_round)
    return render_template("rounds/audit.html", round=match_round, events=events)


@bp.get("/dashboard")
@role_required(*STAFF)
def dashboard():
    return render_template(
        "rounds/dashboard.html",
        **reports.dashboard_figures(db.session),
        team_counts=team_reports.counts(db.session),
    )
