"""The teams' pages: coordinators build, review, adjust and approve; hosts open visits and confirm
their teams; volunteers apply to visits, say their wish, and answer their offers."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from matcher.extensions import db
from matcher.formatting import day
from matcher.models import (
    MemberStatus,
    Organisation,
    RequestStatus,
    Role,
    RunKind,
    TeachingMode,
    TeachingRequest,
    TeachingWish,
    Team,
    TeamBuild,
    TeamMember,
    TeamStatus,
    User,
)
from matcher.models.teaching import Site
from matcher.services.departure.trips import trip_id_of_member
from matcher.services.teams import builds, decisions, remote, reports, visits
from matcher.services.teams.inputs import is_volunteer, teaching_professions
from matcher.teams import bp, words
from matcher.teams.forms import ApplyForm, BuildForm, MemberForm, OpenVisitsForm, WishForm, month_choices
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.csv_export import csv_response
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form, submitted

bp.add_app_template_global(TeamStatus, "TeamStatus")
bp.add_app_template_global(MemberStatus, "MemberStatus")
bp.add_app_template_global(RunKind, "RunKind")

STAFF = (Role.COORDINATOR, Role.ADMIN)
VOLUNTEERS = (Role.STUDENT, Role.TRAINEE, Role.PROFESSIONAL)


def found_or_404(model, ident: int):
    return db.session.get(model, ident) or abort(404)


def open_requests(organisation: Organisation | None = None) -> list[TeachingRequest]:
    query = (
        select(TeachingRequest)
        .join(Site, TeachingRequest.site_id == Site.id)
        .options(selectinload(TeachingRequest.site), selectinload(TeachingRequest.procedures))
        .where(TeachingRequest.mode == TeachingMode.ON_SITE, TeachingRequest.status == RequestStatus.OPEN)
        .order_by(TeachingRequest.id)
    )
    if organisation is not None:
        query = query.where(Site.organisation_id == organisation.id)
    return list(db.session.scalars(query))


# -- coordinators -------------------------------------------------------------------------------


def _visit_choices(open_visits: list) -> list[SelectChoice]:
    return [
        SelectChoice(str(v.id), f"{v.title} · {v.host_institution} · {day(v.starts_on)}") for v in open_visits
    ]


def _index_page(form: BuildForm):
    open_visits = builds.open_visits_without_team(db.session)
    form.visits.choices = _visit_choices(open_visits)
    return render_form(
        "teams/index.html",
        form,
        counts=reports.counts(db.session),
        builds=db.session.scalars(
            select(TeamBuild).options(selectinload(TeamBuild.teams)).order_by(TeamBuild.id.desc())
        ).all(),
        requests=open_requests(),
        open_form=OpenVisitsForm(formdata=None),
    )


@bp.get("/coordination/teams")
@role_required(*STAFF)
def index():
    return _index_page(BuildForm(formdata=None))


@bp.post("/coordination/teams/builds")
@role_required(*STAFF)
def create_build():
    form = BuildForm()
    form.visits.choices = _visit_choices(builds.open_visits_without_team(db.session))
    if not form.validate_on_submit():
        return _index_page(form)
    visit_ids = [int(v) for v in form.visits.data]

    def create_and_run(session, actor):
        build = builds.create_build(session, actor, form.name.data, visit_ids)
        return builds.start_run(session, actor, build)

    done = attempt(create_and_run, db.session, current_user, form=form)
    if not done.ok:
        return _index_page(form)
    flash(_("The team builder is running; this page follows it."), "success")
    return redirect(url_for("jobs.show", job_id=done.value.id), 303)


@bp.get("/coordination/teams/remote")
@role_required(*STAFF)
def remote_teaching():
    plans = remote.plans(db.session, remote.open_remote_requests(db.session), date.today())
    return render_template("teams/remote.html", plans=plans)


@bp.get("/coordination/teams/builds/<int:build_id>")
@role_required(*STAFF)
def build(build_id: int):
    the_build = found_or_404(TeamBuild, build_id)
    latest = builds.latest_run(db.session, build_id)
    professions = reports.professions(db.session)
    left_out = []
    if latest is not None:
        reasons = latest.plan.get("left_out", {})
        people = {
            u.id: u for u in db.session.scalars(select(User).where(User.id.in_([int(u) for u in reasons])))
        }
        left_out = [
            (people[int(user_id)], words.left_out(reason, professions))
            for user_id, reason in reasons.items()
            if int(user_id) in people
        ]
    return render_template(
        "teams/build.html",
        build=the_build,
        reviews=reports.reviews(db.session, list(the_build.teams), known=professions),
        latest=latest,
        left_out=left_out,
        professions=professions,
        action_form=EmptyForm(),
        words=words,
    )


@bp.post("/coordination/teams/builds/<int:build_id>/run")
@role_required(*STAFF)
def rerun(build_id: int):
    the_build = found_or_404(TeamBuild, build_id)
    if not submitted(EmptyForm()):
        return redirect(url_for("teams.build", build_id=build_id), 303)
    done = attempt(builds.start_run, db.session, current_user, the_build, RunKind.REFILL)
    if not done.ok:
        return redirect(url_for("teams.build", build_id=build_id), 303)
    return redirect(url_for("jobs.show", job_id=done.value.id), 303)


@bp.get("/coordination/teams/builds/<int:build_id>/teams.csv")
@role_required(*STAFF)
def export(build_id: int):
    the_build = found_or_404(TeamBuild, build_id)
    return csv_response(f"teams-{build_id}.csv", reports.CSV_HEADER, reports.csv_rows(db.session, the_build))


def _review_page(team: Team, member_form: MemberForm | None = None, swap_for: int | None = None):
    review = reports.review(db.session, team)
    form = member_form or MemberForm(formdata=None)
    _volunteer_choices(form, review)
    return render_form(
        "teams/review.html",
        form,
        review=review,
        team=team,
        swap_for=swap_for,
        action_form=EmptyForm(),
        words=words,
    )


def _volunteer_choices(form: MemberForm, review: reports.TeamReview) -> None:
    form.volunteer.choices = [(0, _("Choose a volunteer"))] + [
        (
            user.id,
            " · ".join(
                (
                    user.name,
                    words.role_name(user.profession_code or "", review.professions),
                    words.misfit(code),
                )
            ),
        )
        for user, code in review.candidates
    ]


@bp.get("/coordination/teams/<int:team_id>")
@role_required(*STAFF)
def review(team_id: int):
    return _review_page(found_or_404(Team, team_id))


def _chosen_volunteer(form: MemberForm) -> User | None:
    user = db.session.get(User, form.volunteer.data) if form.volunteer.data else None
    if user is None:
        form.volunteer.errors = [*form.volunteer.errors, _("Choose a volunteer.")]
    return user


def _member_form(team: Team) -> MemberForm:
    form = MemberForm()
    _volunteer_choices(form, reports.review(db.session, team))
    return form


@bp.post("/coordination/teams/<int:team_id>/members")
@role_required(*STAFF)
def add_member(team_id: int):
    team = found_or_404(Team, team_id)
    form = _member_form(team)
    user = _chosen_volunteer(form) if form.validate_on_submit() else None
    if user is None or not attempt(decisions.add_member, db.session, current_user, team, user, form=form).ok:
        return _review_page(team, form)
    flash(_("%(name)s is in the team.", name=user.name), "success")
    return redirect(url_for("teams.review", team_id=team_id), 303)


@bp.post("/coordination/teams/members/<int:member_id>/remove")
@role_required(*STAFF)
def remove_member(member_id: int):
    member = found_or_404(TeamMember, member_id)
    if submitted(EmptyForm()) and attempt(decisions.remove_member, db.session, current_user, member).ok:
        flash(_("%(name)s is out of the team.", name=member.user.name), "success")
    return redirect(url_for("teams.review", team_id=member.team_id), 303)


@bp.post("/coordination/teams/members/<int:member_id>/swap")
@role_required(*STAFF)
def swap_member(member_id: int):
    member = found_or_404(TeamMember, member_id)
    team = member.team
    form = _member_form(team)
    user = _chosen_volunteer(form) if form.validate_on_submit() else None
    if (
        user is None
        or not attempt(decisions.swap_member, db.session, current_user, member, user, form=form).ok
    ):
        return _review_page(db.session.get(Team, team.id), form, swap_for=member_id)
    flash(_("%(name)s takes the place.", name=user.name), "success")
    return redirect(url_for("teams.review", team_id=team.id), 303)


@bp.post("/coordination/teams/<int:team_id>/<any(approve, offers, cancel):action>")
@role_required(*STAFF)
def decide(team_id: int, action: str):
    team = found_or_404(Team, team_id)
    if not submitted(EmptyForm()):
        return redirect(url_for("teams.review", team_id=team_id), 303)
    if action == "approve":
        if attempt(decisions.approve, db.session, current_user, team).ok:
            flash(_("The team is approved; the host is asked to confirm it."), "success")
    elif action == "offers":
        done = attempt(decisions.send_offers, db.session, current_user, team, date.today())
        if done.ok:
            flash(_("Places offered: %(num)d.", num=done.value), "success")
    elif attempt(decisions.cancel, db.session, current_user, team).ok:
        flash(_("The team is cancelled."), "success")
    return redirect(url_for("teams.review", team_id=team_id), 303)


# -- volunteers -------------------------------------------------------------------------------


def _mine_page(
    apply_form: ApplyForm | None = None, wish_form: WishForm | None = None, apply_for: int | None = None
):
    wish = db.session.scalar(select(TeachingWish).where(TeachingWish.user_id == current_user.id))
    if wish_form is None:
        wish_form = WishForm(formdata=None)
        if wish is not None:
            wish_form.months.data = [str(m) for m in wish.months]
            wish_form.region.data = wish.region
            wish_form.mentees.data = wish.mentees
    shown_form = apply_form or wish_form
    applications = reports.my_applications(db.session, current_user)
    applied = {a.visit_id for a in applications}
    return render_form(
        "teams/mine.html",
        shown_form,
        places=reports.my_places(db.session, current_user),
        applications=applications,
        visits=[v for v in reports.open_visits(db.session) if v.id not in applied],
        apply_form=apply_form or ApplyForm(formdata=None),
        apply_for=apply_for,
        wish_form=wish_form,
        wish=wish,
        months=dict((c.value, c.label) for c in month_choices()),
        volunteer=is_volunteer(current_user, teaching_professions(db.session)),
        today=date.today(),
        action_form=EmptyForm(),
    )


@bp.get("/teaching/visits")
@role_required(*VOLUNTEERS)
def mine():
    return _mine_page()


@bp.post("/teaching/visits/<int:visit_id>/apply")
@role_required(*VOLUNTEERS)
def apply(visit_id: int):
    form = ApplyForm()
    if not (
        form.validate_on_submit()
        and attempt(visits.apply, db.session, current_user, visit_id, form.rank.data, form=form).ok
    ):
        return _mine_page(apply_form=form, apply_for=visit_id)
    flash(_("You applied to this teaching visit."), "success")
    return redirect(url_for("teams.mine"), 303)


@bp.post("/teaching/applications/<int:application_id>/withdraw")
@role_required(*VOLUNTEERS)
def withdraw(application_id: int):
    if submitted(EmptyForm()) and attempt(visits.withdraw, db.session, current_user, application_id).ok:
        flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("teams.mine"), 303)


@bp.post("/teaching/wish")
@role_required(*VOLUNTEERS)
def wish():
    form = WishForm()
    if not (
        form.validate_on_submit()
        and attempt(
            visits.set_wish,
            db.session,
            current_user,
            [int(m) for m in form.months.data],
            form.region.data,
            form.mentees.data,
            form=form,
        ).ok
    ):
        return _mine_page(wish_form=form)
    flash(_("Saved: we will consider you for any visit in those months in that region."), "success")
    return redirect(url_for("teams.mine"), 303)


@bp.get("/teaching/offers/<int:member_id>")
@role_required(*VOLUNTEERS)
def offer(member_id: int):
    if not _own(member_id):
        abort(404)
    member = decisions.member_of(db.session, current_user, member_id)
    return render_template(
        "teams/offer.html",
        member=member,
        team=member.team,
        review=reports.review(db.session, member.team, with_candidates=False),
        action_form=EmptyForm(),
        today=date.today(),
        trip_id=trip_id_of_member(db.session, member.id),
    )


def _own(member_id: int) -> bool:
    member = db.session.get(TeamMember, member_id)
    return member is not None and member.user_id == current_user.id


@bp.post("/teaching/offers/<int:member_id>/<any(accept, decline):answer>")
@role_required(*VOLUNTEERS)
def answer(member_id: int, answer: str):
    if not _own(member_id):
        abort(404)
    if (
        submitted(EmptyForm())
        and attempt(
            decisions.respond, db.session, current_user, member_id, answer == "accept", date.today()
        ).ok
    ):
        flash(
            _("Thank you: your place is confirmed. We emailed you the team's roster.")
            if answer == "accept"
            else _("You declined the place; the coordinators are told."),
            "success",
        )
    return redirect(url_for("teams.offer", member_id=member_id), 303)
