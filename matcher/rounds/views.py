"""Coordinator pages for match rounds: create, run, compare, review, decide, publish, export."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.models import Country, Opportunity, Organisation, Role, User
from matcher.models.matching import (
    Match,
    MatchEvent,
    MatchRound,
    MatchRun,
    MatchStatus,
    RoundStatus,
    Suggestion,
)
from matcher.rounds.forms import DecisionForm, PublishForm, RoundForm, RunForm
from matcher.services import placements, rounds
from matcher.services.errors import DomainError
from matcher.services.search import SearchPage
from matcher.web.access import role_required
from matcher.web.converters import as_id, ids_from
from matcher.web.csv_export import csv_response
from matcher.web.forms import show_error

bp = Blueprint("rounds", __name__, url_prefix="/coordination")
STAFF = (Role.COORDINATOR, Role.ADMIN)
PER_PAGE = 50


def _round(round_id: int) -> MatchRound:
    return db.session.get(MatchRound, round_id) or abort(404)


def _run(run_id: int) -> MatchRun:
    return db.session.get(MatchRun, run_id) or abort(404)


@bp.get("/rounds")
@role_required(*STAFF)
def index():
    all_rounds = db.session.scalars(select(MatchRound).order_by(MatchRound.created_at.desc())).all()
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
    match_round = _round(round_id)
    opportunities = rounds.opportunities_in_scope(db.session, rounds.Scope.from_json(match_round.scope))
    return render_template(
        "rounds/show.html",
        round=match_round,
        run_form=RunForm(),
        in_scope=len(opportunities),
        places=sum(o.places_left for o in opportunities),
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


def _review_query(run: MatchRun):
    stmt = (
        select(Match)
        .where(Match.run_id == run.id)
        .join(Opportunity, Match.opportunity_id == Opportunity.id)
        .join(Country, Opportunity.country_code == Country.iso2)
    )
    region = request.args.get("region", "").strip()
    organisation = request.args.get("organisation", type=as_id)
    status = request.args.get("status", "").strip()
    band = request.args.get("band", "").strip()
    if region:
        stmt = stmt.where((Country.region == region) | (Country.subregion == region))
    if organisation:
        stmt = stmt.where(Opportunity.organisation_id == organisation)
    if status in {s.value for s in MatchStatus}:
        stmt = stmt.where(Match.status == status)
    bands = {"high": (0.75, 1.01), "medium": (0.5, 0.75), "low": (0.0, 0.5)}
    if band in bands:
        low, high = bands[band]
        stmt = stmt.where(Match.score >= low, Match.score < high)
    filters = {"region": region, "organisation": organisation, "status": status, "band": band}
    return stmt, {k: v for k, v in filters.items() if v}


@bp.get("/runs/<int:run_id>")
@role_required(*STAFF)
def review(run_id: int):
    run = _run(run_id)
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
    stmt, filters = _review_query(run)
    page_number = max(request.args.get("page", 1, type=as_id) or 1, 1)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    matches = db.session.scalars(
        stmt.options(
            selectinload(Match.applicant),
            selectinload(Match.opportunity).selectinload(Opportunity.organisation),
            selectinload(Match.opportunity).selectinload(Opportunity.country),
        )
        .order_by(Match.from_waitlist.desc(), Match.score.desc(), Match.id)
        .limit(PER_PAGE)
        .offset((page_number - 1) * PER_PAGE)
    ).all()
    page = SearchPage(items=list(matches), total=total or 0, page=page_number, per_page=PER_PAGE)
    unmatched_ids = [int(a) for a in (run.unmatched or {})][:200]
    unmatched_users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(unmatched_ids)))}
    unfilled = _unfilled(run)
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.verified_at.is_not(None)).order_by(Organisation.name)
    ).all()
    regions = db.session.scalars(select(Country.region).distinct().order_by(Country.region)).all()
    return render_template(
        "rounds/review.html",
        run=run,
        page=page,
        filters=filters,
        decision_form=DecisionForm(),
        publish_form=PublishForm(response_deadline=run.round.response_deadline),
        unmatched=run.unmatched or {},
        unmatched_users=unmatched_users,
        unfilled=unfilled,
        organisations=organisations,
        regions=regions,
        titles=dict(db.session.execute(select(Opportunity.id, Opportunity.title)).all())
        if unmatched_ids
        else {},
    )


def _unfilled(run: MatchRun) -> list[tuple[Opportunity, int]]:
    """Opportunities of the run with places that neither a held place nor a proposal covers."""
    proposed = dict(
        db.session.execute(
            select(Match.opportunity_id, func.count())
            .where(Match.run_id == run.id, Match.status == MatchStatus.PROPOSED)
            .group_by(Match.opportunity_id)
        ).all()
    )
    ids = [int(o) for o in (run.waitlists or {})]
    found = db.session.scalars(select(Opportunity).where(Opportunity.id.in_(ids)).order_by(Opportunity.title))
    rows = [(o, o.capacity - o.places_filled - proposed.get(o.id, 0)) for o in found]
    return [(o, free) for o, free in rows if free > 0]


@bp.post("/runs/<int:run_id>/decide")
@role_required(*STAFF)
def decide(run_id: int):
    run = _run(run_id)
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


def _publish_waitlist_offers(run: MatchRun, approved_ids: list[int]) -> None:
    """In a published round, an approved waitlist offer goes straight to the applicant."""
    for match_id in approved_ids:
        match = db.session.get(Match, match_id)
        if match.from_waitlist:
            placements.offer_published(db.session, current_user, match, date.today())


@bp.post("/runs/<int:run_id>/publish")
@role_required(*STAFF)
def publish(run_id: int):
    run = _run(run_id)
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


def _matches_for_export(condition):
    return db.session.scalars(
        select(Match)
        .where(condition)
        .options(
            selectinload(Match.applicant),
            selectinload(Match.opportunity).selectinload(Opportunity.organisation),
        )
        .order_by(Match.id)
    )


@bp.get("/runs/<int:run_id>/matches.csv")
@role_required(*STAFF)
def export_run(run_id: int):
    run = _run(run_id)
    matches = _matches_for_export(Match.run_id == run.id)
    rows = (
        [
            m.id,
            m.status,
            m.applicant.name if m.applicant else "(deleted account)",
            m.applicant.email if m.applicant else "",
            m.opportunity.title,
            m.opportunity.organisation.name,
            m.opportunity.country_code,
            f"{m.score:.3f}",
            m.applicant_rank,
            m.host_rank,
            m.reason or "",
        ]
        for m in matches
    )
    header = [
        "match",
        "status",
        "applicant",
        "email",
        "opportunity",
        "organisation",
        "country",
        "score",
        "applicant_rank",
        "host_rank",
        "reason",
    ]
    return csv_response(f"round-{run.round_id}-run-{run.number}.csv", header, rows)


@bp.get("/placements.csv")
@role_required(*STAFF)
def export_placements():
    held = [
        MatchStatus.PUBLISHED,
        MatchStatus.ACCEPTED,
        MatchStatus.COMPLETED,
        MatchStatus.DECLINED,
        MatchStatus.EXPIRED,
        MatchStatus.CANCELLED,
    ]
    matches = _matches_for_export(Match.status.in_(held))
    rows = (
        [
            m.id,
            m.status,
            m.applicant.name if m.applicant else "(deleted account)",
            m.opportunity.title,
            m.opportunity.organisation.name,
            m.opportunity.starts_on,
            m.opportunity.ends_on,
            m.response_deadline,
        ]
        for m in matches
    )
    header = [
        "match",
        "status",
        "applicant",
        "opportunity",
        "organisation",
        "starts_on",
        "ends_on",
        "reply_by",
    ]
    return csv_response("placements.csv", header, rows)


@bp.get("/compare")
@role_required(*STAFF)
def compare():
    a, b = _run(request.args.get("a", type=as_id) or 0), _run(request.args.get("b", type=as_id) or 0)
    if a.round_id != b.round_id:
        abort(400)

    def pairs(run: MatchRun) -> dict[int, int]:
        return dict(
            db.session.execute(
                select(Match.applicant_id, Match.opportunity_id).where(Match.run_id == run.id)
            ).all()
        )

    left, right = pairs(a), pairs(b)
    changed = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k) and k is not None)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(changed)))}
    ids = set(left.values()) | set(right.values())
    opportunities = {
        o.id: o
        for o in db.session.scalars(
            select(Opportunity).where(Opportunity.id.in_(ids)).options(selectinload(Opportunity.country))
        )
    }

    def per_region(run_pairs: dict[int, int]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for opportunity_id in run_pairs.values():
            region = opportunities[opportunity_id].country.subregion
            counts[region] = counts.get(region, 0) + 1
        return counts

    return render_template(
        "rounds/compare.html",
        a=a,
        b=b,
        changed=changed,
        left=left,
        right=right,
        users=users,
        opportunities=opportunities,
        regions_a=per_region(left),
        regions_b=per_region(right),
    )


@bp.get("/matches/<int:match_id>")
@role_required(*STAFF)
def match_history(match_id: int):
    match = db.session.get(Match, match_id) or abort(404)
    return render_template("rounds/match.html", match=match)


@bp.get("/rounds/<int:round_id>/audit")
@role_required(*STAFF)
def round_audit(round_id: int):
    match_round = _round(round_id)
    events = db.session.scalars(
        select(MatchEvent)
        .join(Match, MatchEvent.match_id == Match.id)
        .join(MatchRun, Match.run_id == MatchRun.id)
        .where(MatchRun.round_id == match_round.id)
        .order_by(MatchEvent.id)
        .limit(2000)
        .options(selectinload(MatchEvent.actor), selectinload(MatchEvent.match))
    ).all()
    return render_template("rounds/audit.html", round=match_round, events=events)


@bp.get("/dashboard")
@role_required(*STAFF)
def dashboard():
    by_status = dict(db.session.execute(select(Match.status, func.count()).group_by(Match.status)).all())
    by_region = db.session.execute(
        select(Country.region, func.sum(Opportunity.capacity), func.sum(Opportunity.places_filled))
        .join(Opportunity, Opportunity.country_code == Country.iso2)
        .where(Opportunity.status.in_(["published", "closed"]))
        .group_by(Country.region)
        .order_by(Country.region)
    ).all()
    open_rounds = db.session.scalars(
        select(MatchRound).where(MatchRound.status == RoundStatus.OPEN).order_by(MatchRound.created_at.desc())
    ).all()
    pending_orgs = db.session.scalar(
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.verified_at.is_(None), Organisation.rejected_at.is_(None))
    )
    return render_template(
        "rounds/dashboard.html",
        by_status=by_status,
        statuses=[s.value for s in MatchStatus],
        by_region=[(region, int(capacity or 0), int(filled or 0)) for region, capacity, filled in by_region],
        open_rounds=open_rounds,
        pending_orgs=pending_orgs,
    )
