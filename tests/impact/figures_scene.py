"""A ledger for the impact reports: visits in two countries (Tanzania in Africa, Nepal in Asia)
and two years, each with confirmed and unconfirmed logbook entries of every kind, completions,
local learners and milestones; plus an unverified organisation's visit and a visit with nothing
confirmed, which public figures must leave out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from matcher.models import Opportunity, Organisation, Procedure, Site, User
from matcher.models.impact import LocalLearner, LogEntry, Milestone, VisitCompletion
from tests.support.factories import UserFactory
from tests.support.impact import ImpactScene
from tests.support.teaching import make_site

Y1, Y2 = 2024, 2025
CONFIRMED = datetime(2025, 12, 1, 12, 0)


@dataclass
class FiguresScene:
    base: ImpactScene
    org: Organisation
    unverified: Organisation
    nepal_site: Site
    visits: dict[str, Opportunity] = field(default_factory=dict)
    learners: dict[str, LocalLearner] = field(default_factory=dict)


def _visit(users: UserFactory, org, site, title, starts: date, days: int, country: str) -> Opportunity:
    return users.opportunity(
        org,
        title=title,
        status="closed",
        starts_on=starts,
        ends_on=starts + timedelta(days=days - 1),
        deadline=None,
        site_id=site.id,
        country_code=country,
        places_filled=1,
    )


def _entry(session, visit, author: User, kind: str, *, confirmed: bool = True, **fields) -> LogEntry:
    entry = LogEntry(
        visit_id=visit.id,
        author_id=author.id,
        held_on=visit.starts_on + timedelta(days=1),
        kind=kind,
        confirmed_at=CONFIRMED if confirmed else None,
        **fields,
    )
    session.add(entry)
    return entry


def _complete(session, visit, user, host) -> None:
    session.add(
        VisitCompletion(
            visit_id=visit.id,
            user_id=user.id,
            confirmed_by_id=host.id,
            certificate_code=f"c-{visit.id}-{user.id}",
        )
    )


def build(session: Session, scene: ImpactScene) -> FiguresScene:
    users, p, host = scene.users, scene.procedures, scene.host
    org = scene.org
    unverified = users.organisation(name="Not verified yet", verified=False)
    nepal_site = make_site(session, org, name="Bir Hospital", slug="bir", city="Kathmandu", country_code="NP")
    other_site = make_site(session, unverified, name="Unverified site", slug="unverified-site")
    s = FiguresScene(scene, org, unverified, nepal_site)
    v = s.visits
    v["tz1"] = _visit(users, org, scene.site, "Tanzania 2024", date(Y1, 3, 4), 28, "TZ")
    v["tz2"] = _visit(users, org, scene.site, "Tanzania 2025", date(Y2, 2, 3), 14, "TZ")
    v["np2"] = _visit(users, org, nepal_site, "Nepal 2025", date(Y2, 9, 1), 10, "NP")
    v["nothing"] = _visit(users, org, scene.site, "Nothing confirmed", date(Y2, 5, 5), 7, "TZ")
    v["hidden"] = _visit(users, unverified, other_site, "Unverified", date(Y2, 6, 2), 21, "TZ")
    ln = s.learners
    ln["amani"] = LocalLearner(site_id=scene.site.id, name="Amani K.", level="radiology-residents")
    ln["baraka"] = LocalLearner(site_id=scene.site.id, name="B. M.", level="radiology-residents")
    ln["sita"] = LocalLearner(site_id=nepal_site.id, name="Sita R.", level="radiology-residents")
    ln["hidden"] = LocalLearner(site_id=other_site.id, name="Hidden H.", level="radiology-residents")
    session.add_all(ln.values())
    session.flush()
    student, physician, nurse = scene.student, scene.physician, scene.nurse
    for visit, people in (
        (v["tz1"], [student, physician]),
        (v["tz2"], [student]),
        (v["np2"], [nurse]),
        (v["hidden"], [student]),
    ):
        for person in people:
            _complete(session, visit, person, host)
    proc = "procedure"
    rows = [
        # visit, author, kind, fields, confirmed
        (
            "tz1",
            student,
            proc,
            dict(
                procedure_id=p["pph-embolisation"].id,
                learner_role="observed",
                cases=3,
                learners_present=4,
                local_learner_id=ln["amani"].id,
            ),
            True,
        ),
        (
            "tz1",
            physician,
            proc,
            dict(
                procedure_id=p["nephrostomy"].id,
                learner_role="supervised",
                cases=2,
                learners_present=2,
                local_learner_id=ln["amani"].id,
            ),
            True,
        ),
        (
            "tz1",
            physician,
            proc,
            dict(
                procedure_id=p["nephrostomy"].id,
                learner_role="independent",
                cases=5,
                learners_present=1,
                local_learner_id=ln["baraka"].id,
            ),
            False,
        ),
        ("tz1", student, "lecture", dict(topic="Radiation safety", hours=1.5, learners_present=12), True),
        ("tz1", student, "simulation", dict(topic="Wire skills", hours=2, learners_present=6), True),
        (
            "tz2",
            student,
            proc,
            dict(
                procedure_id=p["image-guided-biopsy"].id,
                learner_role="independent",
                cases=4,
                learners_present=3,
                local_learner_id=ln["baraka"].id,
            ),
            True,
        ),
        (
            "tz2",
            student,
            proc,
            dict(procedure_id=p["abscess-drainage"].id, learner_role="assisted", cases=1, learners_present=2),
            True,
        ),
        ("tz2", student, "lecture", dict(topic="Consent", learners_present=9), True),
        ("tz2", student, "lecture", dict(topic="Not yet", hours=3, learners_present=30), False),
        (
            "np2",
            nurse,
            proc,
            dict(
                procedure_id=p["pph-embolisation"].id,
                learner_role="assisted",
                cases=6,
                learners_present=5,
                local_learner_id=ln["sita"].id,
            ),
            True,
        ),
        ("np2", nurse, "simulation", dict(topic="Sterile field", hours=1, learners_present=7), True),
        (
            "nothing",
            student,
            proc,
            dict(procedure_id=p["nephrostomy"].id, learner_role="observed", cases=9, learners_present=9),
            False,
        ),
        (
            "hidden",
            student,
            proc,
            dict(
                procedure_id=p["nephrostomy"].id,
                learner_role="independent",
                cases=8,
                learners_present=3,
                local_learner_id=ln["hidden"].id,
            ),
            True,
        ),
    ]
    for key, author, kind, fields, confirmed in rows:
        _entry(session, v[key], author, kind, confirmed=confirmed, **fields)
    for learner, code, kind, day in (
        ("amani", "nephrostomy", "first_supervised", date(Y1, 3, 10)),
        ("baraka", "image-guided-biopsy", "first_independent", date(Y2, 2, 5)),
        ("sita", "pph-embolisation", "first_independent", date(Y2, 9, 3)),
        ("sita", "nephrostomy", "first_supervised", date(Y1, 1, 8)),  # before the platform
        ("hidden", "nephrostomy", "first_independent", date(Y2, 6, 4)),
    ):
        session.add(Milestone(learner_id=ln[learner].id, procedure_id=p[code].id, kind=kind, achieved_on=day))
    session.commit()
    return s


def procedure_by_id(procedures: dict[str, Procedure]) -> dict[int, Procedure]:
    return {proc.id: proc for proc in procedures.values()}
