"""Coordinator pages for match rounds: create, run, compare, review, decide, publish.

CSV exports are in `exports`, the unmatched applicants of a run in `unmatched_views`.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from matcher.extensions import db
from matcher.models import Opportunity, Organisation, Role, User
from matcher.models.matching import (
    Match,
    MatchEvent,
    MatchRound,
    MatchRun,
    RoundStatus,
    Suggestion,
)
from matcher.rounds import bp
from matcher.rounds.forms import DecisionForm, PublishForm, RoundForm, RunForm
from matcher.services import bulk_decisions, placements, reference, rounds
from matcher.services import round_reports as reports
from matcher.services.errors import DomainError
from matcher.services.search import SearchPage
from matcher.web.access import role_required
from matcher.web.converters import as_id, ids_from
from matcher.web.forms import show_error

STAFF = (Role.COORDINATOR, Role.ADMIN)
PER_PAGE = 50
UNMATCHED_SHOWN = 50  # on the review page; the rest page by page on the unmatched page


def _round(round_id: int) -> MatchRound:
    return db.session.get(MatchRound, round_id) or abort(404)


def get_run(run_id: int) -> MatchRun:
    return db.session.get(MatchRun, run_id, options=[joinedload(MatchRun.round)]) or abort(404)


@bp.get("/rounds")
@role_required(*STAFF)
def index():
    all_rounds = db.session.scalars(
        select(MatchRound)
        .options(selectinload(MatchRound.runs))
        .order_by(MatchRound.created_at.desc(), MatchRound.id.desc())
    ).all()
    return render_template("rounds/index.html", rounds=all_rounds)


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
        try:
            match_round = rounds.create_round(
                db.session,
                current_user,
                name=form.name.data,
                mode=form.mode.data,
                scope=scope,
                response_deadline=form.response_deadline.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash("The round is created. Run it when the applications are in.", "success")
            return redirect(url_for("rounds.show", round_id=match_round.id))
    return render_template("rounds/new.html", form=form), 422 if form.errors else 200


@bp.get("/rounds/<int:round_id>")
@role_required(*STAFF)
def show(round_id: int):
    match_round = db.session.get(
        MatchRound, round_id, options=[selectinload(MatchRound.runs).joinedload(MatchRun.ran_by)]
    ) or abort(404)
    scope = rounds.Scope.from_json(match_round.scope)
    in_scope, places = db.session.execute(
        rounds.scope_query(
            scope, func.count(Opportunity.id), func.sum(Opportunity.capacity - Opportunity.places_filled)
        )
    ).one()
    return render_template(
        "rounds/show.html", round=match_round, run_form=RunForm(), in_scope=in_scope, places=places or 0
    )


@bp.post("/rounds/<int:round_id>/run")
@role_required(*STAFF)
def run(round_id: int):
    match_round = _round(round_id)
    form = RunForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    try:
        new_run = rounds.run_round(
            db.session,
            current_user,
            match_round,
            seed=form.seed.data,
            top_n=form.top_n.data or rounds.DEFAULT_TOP_N,
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    db.session.commit()
    flash(f"Run {new_run.number} is done (seed {new_run.seed}).", "success")
    return redirect(url_for("rounds.review", run_id=new_run.id))


@bp.get("/runs/<int:run_id>")
@role_required(*STAFF)
def review(run_id: int):
    run = get_run(run_id)
    if run.round.mode == "recommendation":
        suggestions = db.session.scalars(
            select(Suggestion)
            .where(Suggestion.run_id == run.id)
            .options(selectinload(Suggestion.opportunity))
            .order_by(Suggestion.applicant_id, Suggestion.position)
            .limit(500)
        ).all()
        names = dict(
            db.session.execute(
                select(User.id, User.name).where(User.id.in_({s.applicant_id for s in suggestions}))
            ).all()
        )
        return render_template("rounds/suggestions.html", run=run, suggestions=suggestions, names=names)
    filters = _filters(request.args)
    stmt = reports.review_query(run, **filters)
    filters = {k: v for k, v in filters.items() if v}
    page_number = max(request.args.get("page", 1, type=as_id) or 1, 1)
    total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(Match.id).subquery()))
    matches = reports.review_page(db.session, stmt, page_number, PER_PAGE)
    page = SearchPage(items=list(matches), total=total or 0, page=page_number, per_page=PER_PAGE)
    shown = reports.unmatched_slice(db.session, run, 0, UNMATCHED_SHOWN)
    unmatched_users = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_([int(a) for a, _ in shown])))
    }
    unfilled, unfilled_total = reports.unfilled(db.session, run)
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.verified_at.is_not(None)).order_by(Organisation.name)
    ).all()
    regions = list(reference.regions(db.session))
    return render_template(
        "rounds/review.html",
        run=run,
        page=page,
        filters=filters,
        decision_form=DecisionForm(),
        publish_form=PublishForm(response_deadline=run.round.response_deadline),
        unmatched=shown,
        unmatched_total=(run.counts or {}).get("unmatched", len(shown)),
        unmatched_users=unmatched_users,
        unfilled=unfilled,
        unfilled_total=unfilled_total,
        waitlist_lengths=reports.waitlist_lengths(db.session, run, [o.id for o, _ in unfilled]),
        organisations=organisations,
        regions=regions,
    )


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
        flash("Tick at least one match first.", "error")
        return redirect(request.referrer or url_for("rounds.review", run_id=run_id))
    owned = set(db.session.scalars(select(Match.id).where(Match.run_id == run.id, Match.id.in_(ids))))
    if owned != set(ids):
        abort(404)
    result = placements.decide_many(db.session, current_user, ids, action, form.reason.data)
    if run.round.status == RoundStatus.PUBLISHED and action == "approve":
        _publish_waitlist_offers(run, result.done)
    db.session.commit()
    verb = "approved" if action == "approve" else "rejected"
    if result.done:
        flash(f"{len(result.done)} match{'es' if len(result.done) != 1 else ''} {verb}.", "success")
    for match_id, message in result.refused:
        flash(f"Match {match_id} was not {verb}: {message}", "error")
    return redirect(request.referrer or url_for("rounds.review", run_id=run_id))


def _filters(values) -> dict:
    return {
        "region": values.get("region", "").strip(),
        "organisation": values.get("organisation", type=as_id),
        "status": values.get("status", "").strip(),
        "band": values.get("band", "").strip(),
    }


@bp.post("/runs/<int:run_id>/approve-all")
@role_required(*STAFF)
def approve_all(run_id: int):
    """Approve every proposed match the review page's filters select, in a few statements."""
    run = get_run(run_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    filters = _filters(request.form)
    try:
        result = bulk_decisions.approve_all(
            db.session, current_user, run, reports.review_query(run, **filters)
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("rounds.review", run_id=run_id))
    db.session.commit()
    if not result.approved and not result.left_proposed:
        flash("No proposed match fits these filters.", "error")
    else:
        flash(f"{result.approved} match{'es' if result.approved != 1 else ''} approved.", "success")
    if result.left_proposed:
        flash(
            f"{result.left_proposed} proposed at {result.opportunities_short} "
            f"opportunit{'ies' if result.opportunities_short != 1 else 'y'} without enough free places "
            "stay proposed: decide them one by one.",
            "error",
        )
    kept = {k: v for k, v in filters.items() if v}
    return redirect(url_for("rounds.review", run_id=run_id, **kept))


def _publish_waitlist_offers(run: MatchRun, approved_ids: list[int]) -> None:
    """In a published round, an approved waitlist offer goes straight to the applicant."""
    for match_id in approved_ids:
        match = db.session.get(Match, match_id)
        if match.from_waitlist:
            placements.offer_published(db.session, current_user, match, date.today())


@bp.post("/runs/<int:run_id>/publish")
@role_required(*STAFF)
def publish(run_id: int):
    run = get_run(run_id)
    form = PublishForm()
    if not form.validate_on_submit():
        flash("Set the date by which applicants must reply.", "error")
        return redirect(url_for("rounds.review", run_id=run_id))
    try:
        count = placements.publish(db.session, current_user, run, form.response_deadline.data, date.today())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("rounds.review", run_id=run_id))
    db.session.commit()
    flash(f"Published {count} matches; the applicants and hosts are being emailed.", "success")
    return redirect(url_for("rounds.review", run_id=run_id))


@bp.get("/compare")
@role_required(*STAFF)
def compare():
    a, b = get_run(request.args.get("a", type=as_id) or 0), get_run(request.args.get("b", type=as_id) or 0)
    if a.round_id != b.round_id:
        abort(400)

    comparison = reports.compare_runs(db.session, a, b)
    return render_template(
        "rounds/compare.html",
        a=a,
        b=b,
        changed=comparison.changed,
        left=comparison.left,
        right=comparison.right,
        users=comparison.users,
        opportunities=comparison.opportunities,
        regions_a=comparison.per_subregion(comparison.left),
        regions_b=comparison.per_subregion(comparison.right),
    )


@bp.get("/matches/<int:match_id>")
@role_required(*STAFF)
def match_history(match_id: int):
    match = db.session.get(
        Match,
        match_id,
        options=[
            joinedload(Match.run),
            joinedload(Match.applicant),
            joinedload(Match.opportunity),
            selectinload(Match.events).joinedload(MatchEvent.actor),
        ],
    ) or abort(404)
    return render_template("rounds/match.html", match=match)


@bp.get("/rounds/<int:round_id>/audit")
@role_required(*STAFF)
def round_audit(round_id: int):
    match_round = _round(round_id)
    events = reports.round_events(db.session, match_round)
    return render_template("rounds/audit.html", round=match_round, events=events)


@bp.get("/dashboard")
@role_required(*STAFF)
def dashboard():
    return render_template("rounds/dashboard.html", **reports.dashboard_figures(db.session))
