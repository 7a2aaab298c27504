"""Match rounds for tests: the East Africa world and its HTTP steps, and rounds built row by row.

`east_africa(users)` is the small world of the core-loop web tests; `create_round`, `run` and
`approve_all` drive it through the coordinator's pages. `RoundBuilder` writes rounds, runs and
matches straight to the database (places_filled kept in step), for service tests that need an
exact situation: a given waitlist, a second run, another round holding places.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.extensions import db
from matcher.models import Application, Match, MatchRound, MatchRun, Opportunity, User
from matcher.models.matching import HOLDS_PLACE, MatchStatus, RoundStatus
from tests.support.factories import UserFactory
from tests.support.jobs import run_queued_jobs


def east_africa(users: UserFactory) -> dict[str, Any]:
    """Two electives in East Africa and four students who applied to them in different orders."""
    org = users.organisation(name="Road2IR", slug="road2ir")
    host = users.create(role="org_member", organisation=org, email="host@road2ir.example")
    muhimbili = users.opportunity(
        org, title="Muhimbili elective", capacity=1, interests=("pph-embolisation",)
    )
    kenyatta = users.opportunity(
        org, title="Kenyatta elective", capacity=2, country_code="KE", interests=("biliary-drainage",)
    )
    students = {}
    for name, choices in {
        "amina": [muhimbili, kenyatta],
        "lucas": [muhimbili, kenyatta],
        "neema": [kenyatta],
        "david": [muhimbili],
    }.items():
        student = users.create(role="student", email=f"{name}@example.org", name=name.capitalize())
        users.profile(student, interests=("pph-embolisation", "biliary-drainage"))
        for rank, opportunity in enumerate(choices, start=1):
            users.application(student, opportunity, rank=rank)
        students[name] = student
    return {"org": org, "host": host, "muhimbili": muhimbili, "kenyatta": kenyatta, **students}


def reserve_world(users: UserFactory) -> tuple[Opportunity, dict[str, User]]:
    """One elective with 2 places; its host ranks two applicants from the UK above one from Kenya."""
    org = users.organisation(name="Road2IR", slug="road2ir")
    elective = users.opportunity(org, title="Muhimbili elective", capacity=2)
    people = {}
    for name, home in (("oliver", "GB"), ("harry", "GB"), ("neema", "KE")):
        person = users.create(role="student", email=f"{name}@example.org", name=name.capitalize())
        users.profile(person, home_country_code=home)
        users.application(person, elective, rank=1)
        people[name] = person
    host_orders(db.session, {elective: [people["oliver"], people["harry"], people["neema"]]})
    return elective, people


def host_orders(session: Session, order: dict[Opportunity, list[User]]) -> None:
    """The hosts rank their applicants, so the run's outcome no longer hangs on the lottery."""
    for opportunity, applicants in order.items():
        for place, applicant in enumerate(applicants, start=1):
            application = session.scalars(
                select(Application).where(
                    Application.opportunity_id == opportunity.id, Application.applicant_id == applicant.id
                )
            ).one()
            application.host_rank = place
    session.commit()


def create_round(client: FlaskClient, **extra: Any) -> MatchRound:
    data = {"name": "East Africa 2027", "mode": "ranked", "regions": ["Africa"], **extra}
    response = client.post("/coordination/rounds/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()


def run(client: FlaskClient, match_round: MatchRound, seed: int = 7) -> MatchRun:
    """Start a run from the round's page, let the worker run it, and return it."""
    response = client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": str(seed)})
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    assert run_queued_jobs(client.application) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    latest = db.session.scalars(select(MatchRun).order_by(MatchRun.id.desc())).first()
    assert f"/coordination/runs/{latest.id}" in page, page[:2000]  # the progress page leads to it
    return latest


CONFIRM = {"confirm": "yes"}  # what a bulk decision's confirmation page posts


def approve_all(client: FlaskClient, run_: MatchRun) -> None:
    """Tick every match of the run and approve them on the review page."""
    ids = [str(i) for i in db.session.scalars(select(Match.id).where(Match.run_id == run_.id))]
    response = client.post(
        f"/coordination/runs/{run_.id}/decide", data={"match_id": ids, "action": "approve"}
    )
    assert response.status_code == 302


class RoundBuilder:
    """Rounds, runs and matches written directly, each place-holding match counted in places_filled."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def round(
        self,
        name: str = "Round",
        *,
        status: str = RoundStatus.OPEN,
        response_deadline: date | None = None,
        created_by: User | None = None,
    ) -> MatchRound:
        match_round = MatchRound(
            name=name,
            mode="ranked",
            scope={},
            status=status,
            response_deadline=response_deadline,
            created_by_id=created_by.id if created_by else None,
        )
        self.session.add(match_round)
        self.session.flush()
        return match_round

    def run(
        self, match_round: MatchRound, *, waitlists: dict[Opportunity, list[User]] | None = None
    ) -> MatchRun:
        number = len(match_round.runs) + 1
        run = MatchRun(
            round=match_round,
            number=number,
            algorithm_version="test",
            seed=number,
            inputs_hash="test",
            waitlists={str(o.id): [u.id for u in people] for o, people in (waitlists or {}).items()},
        )
        self.session.add(run)
        self.session.flush()
        return run

    def match(
        self,
        run: MatchRun,
        applicant: User,
        opportunity: Opportunity,
        status: str = MatchStatus.PROPOSED,
        **fields: Any,
    ) -> Match:
        match = Match(
            run=run, applicant_id=applicant.id, opportunity_id=opportunity.id, status=status, **fields
        )
        self.session.add(match)
        if status in HOLDS_PLACE:
            opportunity.places_filled += 1
        self.session.commit()
        return match
