"""Teaching teams' flow: visits from a request, builds as background jobs, the coordinator's
changes under the builder's rules, approval, the host's confirmation, offers, answers and
replacements; after each step the invariants hold (members per role within their bounds, one
team per volunteer in a build, the places counted by the database) and nothing else moved."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import (
    BackgroundJob,
    JobStatus,
    MemberStatus,
    OutboxMessage,
    Team,
    TeamBuild,
    TeamBuildRun,
    TeamEvent,
    TeamMember,
    TeamSlot,
    TeamStatus,
)
from matcher.models.teams import HOLDING
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.teams import builds, decisions, places, reports, visits
from tests.support.jobs import run_queued_jobs
from tests.support.teams import NEEDS, ROLES, TeamScene, build_scene, two_weeks

TODAY = date.today()


@pytest.fixture
def scene(app, users) -> TeamScene:
    return build_scene(db.session, users, TODAY)


def check_invariants(build_id: int) -> None:
    """Members per role within [0, max] (min once formed), filled == members holding, one team a volunteer."""
    teams = db.session.scalars(select(Team).where(Team.build_id == build_id)).all()
    seen: Counter[int] = Counter()
    for team in teams:
        db.session.refresh(team)
        holding = Counter(m.role for m in team.members if m.status in HOLDING)
        for slot in team.slots:
            assert slot.filled == holding.get(slot.role, 0), (team.id, slot.role)
            assert 0 <= slot.filled <= slot.maximum
        assert set(holding) <= {s.role for s in team.slots}
        seen.update(m.user_id for m in team.members if m.status in HOLDING)
    assert all(n == 1 for n in seen.values()), seen


def snapshot(build_id: int, but: int | None = None) -> dict[int, set[tuple[int, str]]]:
    """(user, status) of every member of each team of the build, except team `but`."""
    teams = db.session.scalars(select(Team).where(Team.build_id == build_id)).all()
    return {t.id: {(m.user_id, m.status) for m in t.members} for t in teams if t.id != but}


def build_and_run(scene: TeamScene, app, name: str = "Spring") -> Team:
    build = builds.create_build(db.session, scene.coordinator, name, [v.id for v in scene.visits])
    builds.start_run(db.session, scene.coordinator, build)
    db.session.commit()
    assert run_queued_jobs(app) == 1
    job = db.session.scalars(select(BackgroundJob).order_by(BackgroundJob.id.desc())).first()
    assert job.status == JobStatus.DONE, job.error
    db.session.expire_all()
    return build


def team_of(build, visit) -> Team:
    return next(t for t in build.teams if t.visit_id == visit.id)


def holders(team: Team) -> dict[int, str]:
    db.session.refresh(team)
    return {m.user_id: m.status for m in team.members if m.status in HOLDING}


# -- visits -------------------------------------------------------------------------------------


def test_a_request_opens_one_visit_per_preferred_month_of_its_weeks(scene):
    assert [(v.starts_on, v.ends_on) for v in scene.visits] == [
        two_weeks(scene.year, 3),
        two_weeks(scene.year, 6),
    ]
    for visit in scene.visits:
        assert visit.type == "teaching_visit" and visit.status == "published"
        assert visit.site_id == scene.site.id and visit.teaching_request_id == scene.request.id
        assert visit.starts_on.weekday() == 0 and visit.capacity == sum(hi for _, hi in ROLES.values())
        assert visit.contact_email == "hana.host@example.org"
    with pytest.raises(Conflict):
        visits.open_visits(db.session, scene.host, scene.request, TODAY)


def test_only_the_hosts_members_and_coordinators_open_visits(scene, users):
    stranger = users.create("org_member")
    with pytest.raises(PermissionDenied):
        visits.open_visits(db.session, stranger, scene.request, TODAY)


def test_volunteers_apply_with_a_rank_and_bad_ranks_are_refused_at_the_field(scene):
    nurse = scene.volunteer("Nia Nurse", "ir-nurse", apply=())
    application = visits.apply(db.session, nurse, scene.visits[1].id, None)
    assert application.rank == 1
    assert visits.apply(db.session, nurse, scene.visits[0].id, None).rank == 2
    for bad in (0, 51):
        with pytest.raises(DomainError) as refused:
            visits.apply(db.session, nurse, scene.visits[0].id, bad)
        assert refused.value.field == "rank"
    assert visits.apply(db.session, nurse, scene.visits[0].id, 1).rank == 1
    with pytest.raises(NotFound):
        visits.apply(db.session, nurse, 999_999, 1)


def test_a_wish_names_months_and_a_known_region(scene):
    nurse = scene.volunteer("Nia Nurse", "ir-nurse", apply=())
    with pytest.raises(DomainError) as refused:
        visits.set_wish(db.session, nurse, [], "Eastern Africa")
    assert refused.value.field == "months"
    with pytest.raises(DomainError) as refused:
        visits.set_wish(db.session, nurse, [3], "Atlantis")
    assert refused.value.field == "region"
    wish = visits.set_wish(db.session, nurse, [6, 3, 3], "Eastern Africa")
    assert wish.months == [3, 6]


def test_people_who_do_not_teach_cannot_apply(scene, users):
    student = users.create("student", profession_code="medical-student")
    with pytest.raises(PermissionDenied):
        visits.apply(db.session, student, scene.visits[0].id, 1)


# -- builds -------------------------------------------------------------------------------------


def test_a_build_forms_the_best_teams_in_a_background_job_and_explains_who_is_left_out(scene, app):
    march, june = scene.visits
    pia = scene.volunteer("Pia Physician", "ir-physician", {"pph-embolisation": "teach"}, apply=(march, june))
    pat = scene.volunteer("Pat Physician", "ir-physician", {"nephrostomy": "teach"}, apply=(june, march))
    tia = scene.volunteer("Tia Trainee", "ir-trainee", {"ultrasound-skills": "assist"})
    tom = scene.volunteer("Tom Trainee", "ir-trainee", {"nephrostomy": "assist"})
    # Available only in May: fits neither visit.
    may = scene.volunteer(
        "May Trainee", "ir-trainee", windows=[(date(scene.year, 5, 1), date(scene.year, 5, 31))]
    )
    # Teaches only in French: the visits are in English.
    fred = scene.volunteer("Fred Nurse", "ir-nurse", {"ultrasound-skills": "teach"}, instructs=("fr",))

    build = build_and_run(scene, app)
    check_invariants(build.id)
    in_march, in_june = holders(team_of(build, march)), holders(team_of(build, june))
    # Each physician gets their first choice; each team gets one trainee.
    assert pia.id in in_march and pat.id in in_june
    assert {tia.id, tom.id} == ({tia.id, tom.id} & (set(in_march) | set(in_june)))
    assert may.id not in set(in_march) | set(in_june) and fred.id not in set(in_march) | set(in_june)
    run = db.session.scalar(select(TeamBuildRun).where(TeamBuildRun.build_id == build.id))
    assert run.plan["left_out"][str(may.id)]["code"] == "dates"
    assert run.plan["left_out"][str(fred.id)]["code"] == "language"
    assert run.objective["teams_formed"] == 2
    assert all(m.status == MemberStatus.PROPOSED and not m.fixed for t in build.teams for m in t.members)


def test_volunteers_join_only_visits_they_applied_to_or_wished_for_and_their_ranks_count(scene, app, users):
    # A team of another build takes the first team id, so team ids and visit ids differ here.
    elsewhere = users.opportunity(scene.org, type="teaching_visit", title="Elsewhere")
    other_build = TeamBuild(name="Other", created_by_id=scene.coordinator.id)
    db.session.add_all([other_build, Team(visit=elsewhere, build=other_build)])
    db.session.commit()
    march, june = scene.visits
    pia = scene.volunteer("Pia Physician", "ir-physician", apply=(june,))
    pat = scene.volunteer("Pat Physician", "ir-physician", apply=())
    visits.set_wish(db.session, pat, [3], "Eastern Africa")
    tia = scene.volunteer("Tia Trainee", "ir-trainee", apply=(june, march))
    tom = scene.volunteer("Tom Trainee", "ir-trainee", apply=(june,))
    ned = scene.volunteer("Ned Nurse", "ir-nurse", apply=())  # neither applied nor wished
    build = build_and_run(scene, app)
    check_invariants(build.id)
    assert team_of(build, march).id != march.id
    assert set(holders(team_of(build, march))) == {pat.id, tia.id}
    assert set(holders(team_of(build, june))) == {pia.id, tom.id}
    run = builds.latest_run(db.session, build.id)
    assert str(ned.id) not in run.plan["left_out"]  # not even a candidate
    assert set(run.volunteer_ids) == {pia.id, pat.id, tia.id, tom.id}


def test_a_trainees_first_choice_wins_when_the_rest_is_equal(scene, app):
    march, june = scene.visits
    scene.volunteer("Pia Physician", "ir-physician", apply=(march,))
    scene.volunteer("Pat Physician", "ir-physician", apply=(june,))
    tia = scene.volunteer("Tia Trainee", "ir-trainee", apply=(june, march))
    tom = scene.volunteer("Tom Trainee", "ir-trainee", apply=(march, june))
    build = build_and_run(scene, app)
    assert set(holders(team_of(build, march))) >= {tom.id} and tia.id in holders(team_of(build, june))


def test_the_weeks_budget_keeps_a_volunteer_out_of_a_visit_longer_than_their_weeks(scene, app):
    pia = scene.volunteer("Pia Physician", "ir-physician", weeks=1)
    tia = scene.volunteer("Tia Trainee", "ir-trainee")
    build = build_and_run(scene, app)
    run = builds.latest_run(db.session, build.id)
    assert run.plan["left_out"][str(pia.id)] == {
        "code": "weeks",
        "params": {"weeks": 1, "shortest": 2, "teams": [t.id for t in build.teams]},
    }
    assert run.plan["left_out"][str(tia.id)]["code"] == "not_formed"
    assert all(not holders(t) for t in build.teams)  # no physician: no team can form


def test_a_visit_already_in_a_build_cannot_join_another(scene, app):
    builds.create_build(db.session, scene.coordinator, "First", [scene.visits[0].id])
    with pytest.raises(DomainError) as refused:
        builds.create_build(db.session, scene.coordinator, "Second", [scene.visits[0].id])
    assert refused.value.field == "visits"
    with pytest.raises(DomainError) as refused:
        builds.create_build(db.session, scene.coordinator, "  ", [scene.visits[1].id])
    assert refused.value.field == "name"
    with pytest.raises(PermissionDenied):
        builds.create_build(db.session, scene.host, "Host's", [scene.visits[1].id])


# -- the coordinator's changes ------------------------------------------------------------------


@pytest.fixture
def built(scene, app):
    """March wants the PPH teacher and gets two of three trainees; June gets the others."""
    march, june = scene.visits
    y = scene.year
    in_march, in_june = [(date(y, 2, 15), date(y, 3, 31))], [(date(y, 5, 15), date(y, 6, 30))]

    def make(name, profession, skills=None, windows=in_march):
        return scene.volunteer(name, profession, skills, windows=windows, apply=(march, june))

    people = {
        "pia": make("Pia Physician", "ir-physician", {"pph-embolisation": "teach"}),
        "pat": make("Pat Physician", "ir-physician", {"nephrostomy": "teach"}, in_june),
        "tia": make("Tia Trainee", "ir-trainee", {"ultrasound-skills": "assist"}),
        "tom": make("Tom Trainee", "ir-trainee", {"nephrostomy": "assist"}, in_june),
        "ted": make("Ted Trainee", "ir-trainee"),
        "sam": make("Sam Trainee", "ir-trainee"),
        "nia": make("Nia Nurse", "ir-nurse", {"ultrasound-skills": "teach"}),
        "may": make("May Physician", "ir-physician", windows=[(date(y, 5, 1), date(y, 5, 31))]),
    }
    build = build_and_run(scene, app)
    return scene, build, people


def test_adding_by_hand_checks_the_builders_rules_and_moves_nobody_else(built):
    scene, build, p = built
    march = team_of(build, scene.visits[0])
    before = snapshot(build.id)
    # Physician: one place, taken.
    with pytest.raises(Conflict) as refused:
        decisions.add_member(db.session, scene.coordinator, march, p["pat"])
    assert refused.value.field == "volunteer"
    # Dates.
    with pytest.raises(DomainError) as refused:
        decisions.add_member(db.session, scene.coordinator, team_of(build, scene.visits[1]), p["may"])
    assert refused.value.field == "volunteer" and "availability" in refused.value.message
    db.session.rollback()
    assert snapshot(build.id) == before
    check_invariants(build.id)


def test_a_volunteer_holds_a_place_in_one_team_of_a_build_only(built):
    scene, build, _p = built
    march, june = team_of(build, scene.visits[0]), team_of(build, scene.visits[1])
    trainee = next(m.user for m in june.members if m.role == "ir-trainee" and m.status in HOLDING)
    with pytest.raises(Conflict):
        decisions.add_member(db.session, scene.coordinator, march, trainee)
    assert trainee.id in holders(june) and trainee.id not in holders(march)
    # The database refuses it too, whatever the service would say.
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(TeamMember(team_id=march.id, build_id=build.id, user_id=trainee.id, role="ir-trainee"))
        db.session.flush()


def test_removing_frees_the_place_and_a_refill_keeps_everyone_placed_and_does_not_bring_them_back(built, app):
    scene, build, _p = built
    march = team_of(build, scene.visits[0])
    nurse = next(m for m in march.members if m.role == "ir-nurse")
    decisions.remove_member(db.session, scene.coordinator, nurse)
    db.session.commit()
    check_invariants(build.id)
    assert next(s for s in march.slots if s.role == "ir-nurse").filled == 0
    kept = holders(march)
    builds.start_run(db.session, scene.coordinator, build, kind="refill")
    db.session.commit()
    run_queued_jobs(app)
    db.session.expire_all()
    assert holders(march) == kept  # the removed nurse is not proposed again; nobody else moved
    check_invariants(build.id)
    assert [e.action for e in march.events][-2:] == ["removed", "run_refill"]


def test_a_swap_is_all_or_nothing(built):
    scene, build, p = built
    march = team_of(build, scene.visits[0])
    trainee = next(m for m in march.members if m.role == "ir-trainee" and m.status in HOLDING)
    other = next(p[k] for k in ("tia", "ted", "sam") if p[k].id not in holders(march))
    decisions.swap_member(db.session, scene.coordinator, trainee, other)
    db.session.commit()
    assert other.id in holders(march) and trainee.user_id not in holders(march)
    check_invariants(build.id)
    # Swapping a physician for one not available then: refused, and the physician stays.
    physician = next(m for m in march.members if m.role == "ir-physician")
    before = snapshot(build.id)
    with pytest.raises(DomainError):
        decisions.swap_member(db.session, scene.coordinator, physician, p["may"])
    db.session.rollback()
    assert snapshot(build.id) == before


def test_the_database_keeps_a_role_within_its_maximum(built):
    scene, build, _p = built
    march = team_of(build, scene.visits[0])
    with pytest.raises(Conflict):
        places.take(db.session, march, "ir-physician")
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            update(TeamSlot).where(TeamSlot.team_id == march.id).values(filled=TeamSlot.maximum + 1)
        )


# -- approval, confirmation, answers ------------------------------------------------------------


def test_approve_needs_every_minimum_and_tells_the_host(built):
    scene, build, _p = built
    june = team_of(build, scene.visits[1])
    physician = next(m for m in june.members if m.role == "ir-physician")
    decisions.remove_member(db.session, scene.coordinator, physician)
    with pytest.raises(Conflict):
        decisions.approve(db.session, scene.coordinator, june)
    march = team_of(build, scene.visits[0])
    decisions.approve(db.session, scene.coordinator, march)
    db.session.commit()
    assert march.status == TeamStatus.APPROVED
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "team_to_confirm")).all()
    assert [m.to_address for m in mail] == ["hana.host@example.org"]
    assert "Pia Physician" in mail[0].body_text
    assert "Needs covered: Post-partum haemorrhage embolisation" in mail[0].body_text


def test_the_host_confirms_then_members_are_offered_with_a_reply_by_date(built, users):
    scene, build, _p = built
    march = team_of(build, scene.visits[0])
    with pytest.raises(Conflict):
        decisions.confirm(db.session, scene.host, march, TODAY)  # not approved yet
    decisions.approve(db.session, scene.coordinator, march)
    with pytest.raises(PermissionDenied):
        decisions.confirm(db.session, users.create("org_member"), march, TODAY)
    decisions.confirm(db.session, scene.host, march, TODAY)
    db.session.commit()
    members = [m for m in march.members if m.status in HOLDING]
    assert members and all(m.status == MemberStatus.OFFERED and m.fixed for m in members)
    assert all(m.reply_by == TODAY + timedelta(days=decisions.REPLY_DAYS) for m in members)
    offers = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "team_offer")).all()
    assert sorted(o.to_address for o in offers) == sorted(m.user.email for m in members)
    assert all(o.category == "offers" for o in offers)


def _confirmed(scene, build, visit):
    team = team_of(build, visit)
    decisions.approve(db.session, scene.coordinator, team)
    decisions.confirm(db.session, scene.host, team, TODAY)
    db.session.commit()
    return team


def test_accepting_sends_the_roster_and_only_the_member_answers(built):
    scene, build, p = built
    march = _confirmed(scene, build, scene.visits[0])
    pia = next(m for m in march.members if m.user_id == p["pia"].id)
    with pytest.raises(NotFound):
        decisions.respond(db.session, p["tia"], pia.id, True, TODAY)
    decisions.respond(db.session, p["pia"], pia.id, True, TODAY)
    db.session.commit()
    assert pia.status == MemberStatus.ACCEPTED
    roster = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "team_roster"))
    assert roster.to_address == p["pia"].email
    for name in [m.user.name for m in march.members if m.status in HOLDING]:
        assert name in roster.body_text
    assert "Muhimbili National Hospital" in roster.body_text and "hana.host@example.org" in roster.body_text
    assert "/placements/calendar/" in roster.body_text
    with pytest.raises(Conflict):
        decisions.respond(db.session, p["pia"], pia.id, False, TODAY)


def test_a_late_answer_is_refused(built):
    scene, build, p = built
    march = _confirmed(scene, build, scene.visits[0])
    pia = next(m for m in march.members if m.user_id == p["pia"].id)
    with pytest.raises(Conflict):
        decisions.respond(db.session, p["pia"], pia.id, True, pia.reply_by + timedelta(days=1))
    db.session.rollback()
    assert db.session.get(TeamMember, pia.id).status == MemberStatus.OFFERED


def test_a_decline_reopens_the_place_and_the_builder_proposes_a_replacement_for_that_team_only(built):
    scene, build, p = built
    march = _confirmed(scene, build, scene.visits[0])
    trainee = next(m for m in march.members if m.role == "ir-trainee" and m.status in HOLDING)
    others = snapshot(build.id, but=march.id)
    spare = {p["tia"].id, p["ted"].id, p["sam"].id} - set(holders(march))
    assert len(spare) == 1
    decisions.respond(db.session, trainee.user, trainee.id, False, TODAY)
    db.session.commit()
    check_invariants(build.id)
    assert snapshot(build.id, but=march.id) == others
    now = holders(march)
    assert trainee.user_id not in now
    replacement = set(now) & spare
    assert len(replacement) == 1 and now[replacement.pop()] == MemberStatus.PROPOSED
    assert (
        db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "team_replacement"))
        is not None
    )
    # The coordinator offers the place to the replacement.
    assert decisions.send_offers(db.session, scene.coordinator, march, TODAY) == 1
    actions = [e.action for e in db.session.scalars(select(TeamEvent).where(TeamEvent.team_id == march.id))]
    assert actions[-3:] == ["declined", "run_replace", "offered"]


def test_counts_and_csv_follow_the_teams(built):
    scene, build, _p = built
    counts = reports.counts(db.session)
    assert counts.teams == 2 and counts.formed == 2
    march, june = team_of(build, scene.visits[0]), team_of(build, scene.visits[1])
    covered = [
        set(c for m in t.members if m.status in HOLDING for c in m.reasons["covers"]) for t in (march, june)
    ]
    assert counts.needs == 2 * len(NEEDS) and counts.needs_covered == sum(len(c) for c in covered)
    rows = reports.csv_rows(db.session, build)
    assert len(rows) == sum(len(t.members) for t in (march, june))
    assert {r[7] for r in rows} == {m.user.name for t in (march, june) for m in t.members}
