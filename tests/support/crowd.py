"""A world that grows: the same people and pages, with as many rows behind each page as asked.

`Crowd(session)` makes the fixed cast (organisation A and its member, an applicant, a coordinator,
an admin, match rounds and runs); each `grow(n)` adds n more of every kind of row a page lists:
organisations, opportunities (in many countries), applicants who applied to A's first opportunity
and were matched in its runs, placements, suggestions, match events, outbox messages. Rows are
added in bulk with one commit, so a test can build hundreds of them quickly.

The related rows are distinct on purpose (each opportunity its own country, each event its own
actor): a page that loads a relation per row then sends one more statement per row, which a
test that compares a small crowd with a big one sees.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import date, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import uploads
from matcher.db import utcnow
from matcher.models import (
    Application,
    AvailabilityWindow,
    Country,
    Interest,
    Match,
    MatchEvent,
    MatchRound,
    MatchRun,
    Membership,
    MembershipRole,
    Opportunity,
    OpportunityLanguage,
    Organisation,
    OutboxMessage,
    OutcomeLetter,
    PlaceOfInterest,
    Profile,
    ProfileLanguage,
    Role,
    Suggestion,
    User,
)
from matcher.models.application import MAX_APPLICATIONS
from matcher.models.departure import TravelAdvisory, Trip
from matcher.security import hash_password
from matcher.services.matching.rounds import Scope
from tests.support.factories import UserFactory
from tests.support.pdf import minimal_pdf

TODAY = date.today()
_serial = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(UserFactory.PASSWORD)


class Crowd:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.countries = list(
            session.scalars(select(Country).where(Country.region == "Africa").order_by(Country.iso2))
        )
        self.interests = list(session.scalars(select(Interest).order_by(Interest.position)))
        self.size = 0
        self.org_a = self._organisation("Organisation A")
        self.member = self._user(Role.ORG_MEMBER, "Member of A")
        self.session.add(
            Membership(
                user=self.member, organisation=self.org_a, role=MembershipRole.OWNER, approved_at=utcnow()
            )
        )
        self.applicant = self._user(Role.STUDENT, "The applicant")
        self.coordinator = self._user(Role.COORDINATOR, "The coordinator")
        self.admin = self._user(Role.ADMIN, "The admin")
        self.opp_a = self._opportunity(self.org_a, "Opportunity A", self.countries[0])
        profile = self._profile(self.applicant)
        self._store_cv(profile)
        self.session.add(profile)
        self.round = self._round("Open round", "open")
        self.run = self._run(self.round, 1)
        self.run_b = self._run(self.round, 2)
        self.recommendations = self._round("Recommendation round", "open", mode="recommendation")
        self.recommendation_run = self._run(self.recommendations, 1)
        self.earlier = self._round("Earlier round", "published")
        self.earlier_run = self._run(self.earlier, 1, published=True)
        self.session.flush()
        self.history = Match(
            run=self.run, applicant_id=self.applicant.id, opportunity_id=self.opp_a.id, score=0.9
        )
        self.session.add(self.history)
        self.letter = OutcomeLetter(
            run=self.earlier_run,
            applicant_id=self.applicant.id,
            choices=[
                {
                    "opportunity_id": self.opp_a.id,
                    "title": self.opp_a.title,
                    "kind": "ranked_higher",
                    "reason": "Its places went to applicants the host ranked higher than you.",
                }
            ],
        )
        self.session.add(self.letter)
        self.held_trip: Trip | None = None  # the first held trip (issue 21's advisories)
        self.session.commit()

    # -- growing ------------------------------------------------------------------------------

    def grow(self, n: int) -> Crowd:
        """Add n more of every kind of listed row; one commit."""
        for _ in range(n):
            self._add_one()
        self.session.commit()
        return self

    def _add_one(self) -> None:
        i = self.size = self.size + 1
        country = self.countries[i % len(self.countries)]
        session = self.session
        organisation = self._organisation(f"Organisation {i:03}", country=country)
        organisation.countries = [country, self.countries[(i + 7) % len(self.countries)]]
        pending = self._organisation(f"Pending organisation {i:03}", verified=False)
        owner = self._user(Role.ORG_MEMBER, f"Owner of pending {i:03}")
        claimant = self._user(Role.ORG_MEMBER, f"Claimant {i:03}")
        session.add_all(
            [
                Membership(user=owner, organisation=pending, role=MembershipRole.OWNER, approved_at=utcnow()),
                Membership(user=claimant, organisation=self.org_a, role=MembershipRole.MEMBER),
            ]
        )
        opportunity = self._opportunity(self.org_a, f"Opportunity {i:03}", country)
        elsewhere = self._opportunity(organisation, f"Elsewhere {i:03}", country)
        self._opportunity(self.org_a, f"Draft {i:03}", country, status="draft")
        staff = self._user(Role.COORDINATOR, f"Coordinator {i:03}")
        person = self._user(Role.STUDENT if i % 2 else Role.TRAINEE, f"Applicant {i:03}")
        session.add(self._profile(person))
        session.flush()
        # The applicant's own list (at most ten), their placements (one per round) and suggestions.
        # Half to A (whose member sees them), half elsewhere: each of another organisation.
        if i <= MAX_APPLICATIONS:
            chosen = opportunity if i % 2 else elsewhere
            session.add(Application(applicant_id=self.applicant.id, opportunity=chosen, rank=i))
        self._round(f"Next round {i:03}", "open", by=staff)  # not run yet
        own_round = self._round(f"Round {i:03}", "published", by=staff)
        own_run = self._run(own_round, 1, published=True, by=staff)
        # Each of those rounds covered the applicant's choice, and wrote them an outcome letter.
        if i <= MAX_APPLICATIONS:
            own_run.waitlists = {str(chosen.id): []}
            session.add(
                OutcomeLetter(
                    run=own_run,
                    applicant_id=self.applicant.id,
                    choices=[
                        {
                            "opportunity_id": chosen.id,
                            "title": chosen.title,
                            "kind": "not_ranked",
                            "reason": "The host did not rank you among its applicants.",
                        }
                    ],
                )
            )
        status = ("published", "accepted", "completed")[i % 3]
        session.add(
            Match(
                run=own_run,
                applicant_id=self.applicant.id,
                opportunity=elsewhere,
                status=status,
                response_deadline=TODAY + timedelta(days=10),
            )
        )
        session.add(
            Suggestion(
                run_id=self.recommendation_run.id,
                applicant_id=self.applicant.id,
                opportunity_id=opportunity.id,
                position=i,
                score=0.5,
                breakdown=[],
            )
        )
        # The new person applied to A's first opportunity and was matched in the runs of the round.
        session.add(Application(applicant_id=person.id, opportunity=self.opp_a, rank=1, motivation=f"M{i}"))
        proposed = Match(
            run=self.run,
            applicant_id=person.id,
            opportunity=elsewhere,
            score=(i % 10) / 10,
            breakdown=[{"name": "region", "value": 1.0, "weight": 1.0, "reason": "Eastern Africa"}],
            applicant_rank=1,
        )
        session.add(proposed)
        session.add(Match(run=self.run_b, applicant_id=person.id, opportunity=opportunity, score=0.4))
        accepted = Match(
            run=self.earlier_run, applicant_id=person.id, opportunity=self.opp_a, status="accepted"
        )
        session.add(accepted)
        # Each accepted place's trip is held for a travel advisory; each country has one (issue 21).
        trip = Trip(user=person, opportunity=self.opp_a, match=accepted, hold_level=3, hold_since=utcnow())
        session.add(trip)
        self.held_trip = self.held_trip or trip
        session.add(
            TravelAdvisory(
                country_code=country.iso2,
                source="us-state",
                level=i % 4 + 1,
                issued_on=TODAY - timedelta(days=i),
            )
        )
        session.add(
            Suggestion(
                run_id=self.recommendation_run.id,
                applicant_id=person.id,
                opportunity_id=elsewhere.id,
                position=1,
                score=0.3,
                breakdown=[],
            )
        )
        session.add(MatchEvent(match=proposed, actor=staff, from_status=None, to_status="proposed"))
        session.add(MatchEvent(match=self.history, actor=staff, from_status="proposed", to_status="approved"))
        self.run.unmatched = {
            **(self.run.unmatched or {}),
            str(owner.id): [[opportunity.id, "No place left"]],
        }
        self.run.waitlists = {**(self.run.waitlists or {}), str(opportunity.id): [person.id]}
        for status in ("dead", "failed", "sent"):
            session.add(self._mail(status, i))

    def people(self, n: int, role: Role = Role.STUDENT) -> list[User]:
        """n more users of the role, in bulk; one commit."""
        users = [self._user(role, f"Person {next(_serial)}") for _ in range(n)]
        self.session.commit()
        return users

    @property
    def first_application_id(self) -> int:
        return self.session.scalar(
            select(Application.id).where(Application.applicant_id == self.applicant.id, Application.rank == 1)
        )

    # -- rows ---------------------------------------------------------------------------------

    def _user(self, role: Role, name: str) -> User:
        n = next(_serial)
        user = User(
            email=f"crowd{n}.{role.value}@example.org",
            name=name,
            role=role,
            password_hash=_password_hash(),
            email_verified_at=utcnow(),
        )
        self.session.add(user)
        return user

    def _organisation(
        self, name: str, *, verified: bool = True, country: Country | None = None
    ) -> Organisation:
        organisation = Organisation(
            name=name,
            slug=f"crowd-{next(_serial)}",
            description="A test organisation.",
            country_code=country.iso2 if country else None,
            verified_at=utcnow() if verified else None,
        )
        self.session.add(organisation)
        return organisation

    def _opportunity(
        self, organisation: Organisation, title: str, country: Country, status: str = "published"
    ) -> Opportunity:
        n = next(_serial)
        starts = TODAY + timedelta(days=60 + n % 50)
        opportunity = Opportunity(
            organisation=organisation,
            title=title,
            description="Four weeks in a busy IR department.",
            type="clinical_elective",
            host_institution="A teaching hospital",
            city="A city",
            country_code=country.iso2,
            level_min=1,
            level_max=12,
            starts_on=starts,
            ends_on=starts + timedelta(days=28),
            capacity=40,
            deadline=starts - timedelta(days=10),
            status=status,
            published_at=utcnow() if status == "published" else None,
        )
        # Every opportunity has the first interest (so a filter on it finds them all) and one other.
        opportunity.interests = [self.interests[0], self.interests[1 + n % (len(self.interests) - 1)]]
        opportunity.languages = [OpportunityLanguage(language="en", level="professional")]
        self.session.add(opportunity)
        return opportunity

    def _profile(self, user: User) -> Profile:
        start = TODAY + timedelta(days=30)
        return Profile(
            user=user,
            level_rank=5 if user.role == Role.STUDENT else 9,
            institution="University of Nairobi",
            home_country_code="KE",
            statement="I want to learn IR where it is needed most.",
            interests=self.interests[:3],
            places=[PlaceOfInterest(scope="region", name="Africa")],
            availability=[AvailabilityWindow(starts_on=start, ends_on=start + timedelta(days=200))],
            languages=[ProfileLanguage(language="en", level="professional")],
        )

    @staticmethod
    def _store_cv(profile: Profile) -> None:
        """A real PDF in the app's UPLOAD_FOLDER (the test's tmp_path)."""
        stored = secrets.token_hex(16) + ".pdf"
        data = minimal_pdf()
        path = uploads.path_of(stored)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        profile.cv_filename, profile.cv_original_name = stored, "cv.pdf"
        profile.cv_size, profile.cv_uploaded_at = len(data), utcnow()

    def _round(self, name: str, status: str, *, mode: str = "ranked", by: User | None = None) -> MatchRound:
        match_round = MatchRound(
            name=name,
            mode=mode,
            scope=Scope().as_json(),
            status=status,
            created_by=by or self.coordinator,
            response_deadline=TODAY + timedelta(days=14),
        )
        self.session.add(match_round)
        return match_round

    def _run(self, match_round: MatchRound, number: int, *, published: bool = False, by: User | None = None):
        run = MatchRun(
            round=match_round,
            number=number,
            algorithm_version="test",
            seed=number,
            inputs_hash="0" * 64,
            ran_by=by or self.coordinator,
            published_at=utcnow() if published else None,
            counts={"matched": 0},
            unmatched={},
            waitlists={},
        )
        self.session.add(run)
        return run

    def _mail(self, status: str, i: int) -> OutboxMessage:
        return OutboxMessage(
            message_id=f"<crowd-{next(_serial)}@matcher.test>",
            category="account",
            template="verify_email",
            to_address=f"mail{i}@example.org",
            subject=f"Message {i}",
            body_text="text",
            body_html="<p>html</p>",
            status=status,
            attempts=1,
            last_error="550 no such user" if status != "sent" else None,
        )
