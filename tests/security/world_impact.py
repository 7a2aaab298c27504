"""After the visit (issue 22) in the access world: organisation A's elective that ended five days
ago (the trainee's placement there is completed and confirmed, with a certificate), its logbook
(an entry waiting for the host, one confirmed), a local learner at A's site, and a learner
feedback link not used yet (its raw token kept here, as the host would hand it out), and a
first case the host entered by hand for that learner. A second visitor's completion is not
confirmed yet."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import Match, Opportunity, Procedure, Site, User
from matcher.models.impact import LearnerLink, LocalLearner, LogEntry, Milestone, VisitCompletion
from matcher.models.matching import MatchRound, MatchRun


@dataclass
class ImpactWorld:
    ended: Opportunity  # A's elective at site_a, ended five days ago
    ended_match: Match  # the trainee's placement there, completed
    completion: VisitCompletion  # the host confirmed the trainee's visit
    entry: LogEntry  # the trainee's, waiting for the host
    confirmed_entry: LogEntry  # the trainee's, confirmed by A's member
    learner: LocalLearner  # at site_a
    link_token: str  # a learner feedback link for `ended`, not used
    hand_milestone: Milestone  # the learner's first supervised case, entered by A's member by hand


def build_impact_world(
    session: Session, users, org_a, site_a: Site, trainee: User, member: User, today
) -> ImpactWorld:
    ended = users.opportunity(
        org_a,
        title="Ended elective of A",
        status="closed",
        starts_on=today - timedelta(days=33),
        ends_on=today - timedelta(days=5),
        deadline=None,
        site_id=site_a.id,
        places_filled=2,
    )
    match_round = MatchRound(name="Round of the ended elective", mode="ranked", scope={}, status="closed")
    run = MatchRun(round=match_round, number=1, algorithm_version="test", seed=1, inputs_hash="0" * 64)
    ended_match = Match(run=run, status="completed", applicant_id=trainee.id, opportunity_id=ended.id)
    ended_match.attendance_confirmed_at = utcnow()
    # A second visitor whose completion the host has still to confirm (the visit page's Confirm form).
    second = users.create("student", name="Second visitor of the ended elective")
    session.add(Match(run=run, status="accepted", applicant_id=second.id, opportunity_id=ended.id))
    completion = VisitCompletion(
        visit_id=ended.id,
        user_id=trainee.id,
        confirmed_by_id=member.id,
        certificate_code="world-certificate-a",
    )
    procedure = session.scalar(select(Procedure).order_by(Procedure.position, Procedure.id))
    learner = LocalLearner(
        site_id=site_a.id, name="A. M.", level="radiology-residents", created_by_id=member.id
    )
    session.add_all([ended_match, completion, learner])
    session.flush()
    entry = LogEntry(
        visit_id=ended.id,
        author_id=trainee.id,
        held_on=today - timedelta(days=10),
        kind="procedure",
        procedure_id=procedure.id,
        learner_role="assisted",
        cases=2,
        learners_present=3,
        local_learner_id=learner.id,
    )
    confirmed_entry = LogEntry(
        visit_id=ended.id,
        author_id=trainee.id,
        held_on=today - timedelta(days=12),
        kind="lecture",
        topic="Radiation safety",
        hours=1,
        learners_present=8,
        confirmed_at=utcnow(),
        confirmed_by_id=member.id,
    )
    token = secrets.token_urlsafe(24)
    link = LearnerLink(
        visit_id=ended.id,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_by_id=member.id,
        expires_on=today + timedelta(days=60),
    )
    hand_milestone = Milestone(
        learner_id=learner.id,
        procedure_id=procedure.id,
        kind="first_supervised",
        achieved_on=today - timedelta(days=400),
        recorded_by_id=member.id,
    )
    session.add_all([entry, confirmed_entry, link, hand_milestone])
    session.flush()
    return ImpactWorld(
        ended=ended,
        ended_match=ended_match,
        completion=completion,
        entry=entry,
        confirmed_entry=confirmed_entry,
        learner=learner,
        link_token=token,
        hand_milestone=hand_milestone,
    )
