"""Fixtures of the service tests: a scene of rounds and places, and the audit entries recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from matcher import audit
from matcher.extensions import db
from matcher.models import Match, MatchRound, MatchRun, Opportunity, Organisation, User
from tests.support.factories import UserFactory
from tests.support.rounds import RoundBuilder


@dataclass
class Scene:
    """Road2IR's elective (2 places) and visit (1 place), an open round with one run, and
    bystanders: another organisation's opportunity with places held by another open round."""

    session: Session
    users: UserFactory
    build: RoundBuilder
    coordinator: User
    org: Organisation
    host: User
    elective: Opportunity
    visit: Opportunity
    round: MatchRound
    run: MatchRun
    bystander: Opportunity
    other_round: MatchRound
    other_approved: Match
    other_accepted: Match

    def student(self, name: str) -> User:
        return self.users.create(role="student", name=name, email=f"{name.lower()}@example.org")

    def match(
        self, applicant: User, opportunity: Opportunity, status: str = "proposed", **fields: Any
    ) -> Match:
        """A match in the scene's run."""
        return self.build.match(self.run, applicant, opportunity, status, **fields)


@pytest.fixture
def scene(users: UserFactory) -> Scene:
    build = RoundBuilder(db.session)
    coordinator = users.create(role="coordinator", name="Cora")
    org = users.organisation(name="Road2IR", slug="road2ir")
    host = users.create(role="org_member", organisation=org, name="Hosea")
    match_round = build.round("East Africa 2027", created_by=coordinator)
    other_org = users.organisation(name="RAD-AID", slug="rad-aid")
    bystander = users.opportunity(other_org, title="Kathmandu teaching visit", country_code="NP", capacity=3)
    other_round = build.round("South Asia 2027")
    other_run = build.run(other_round)
    return Scene(
        session=db.session,
        users=users,
        build=build,
        coordinator=coordinator,
        org=org,
        host=host,
        elective=users.opportunity(org, title="Muhimbili elective", capacity=2),
        visit=users.opportunity(org, title="Kenyatta visit", capacity=1),
        round=match_round,
        run=build.run(match_round),
        bystander=bystander,
        other_round=other_round,
        other_approved=build.match(other_run, users.create(role="trainee"), bystander, "approved"),
        other_accepted=build.match(other_run, users.create(role="trainee"), bystander, "accepted"),
    )


@pytest.fixture
def audited(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int | None, dict[str, Any]]]:
    """The audit entries services record, as (action, actor id, details), in order.

    Each must be tied to the service's session: without one, the entry would be written at once,
    even for a decision that is rolled back.
    """
    entries: list[tuple[str, int | None, dict[str, Any]]] = []

    def record(session: Session, action: str, actor: User | None = None, **details: Any) -> None:
        assert session is db.session, f"{action} was not tied to the service's session"
        entries.append((action, actor.id if actor else None, details))

    monkeypatch.setattr(audit, "on_commit", record)
    return entries
