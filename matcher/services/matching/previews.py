"""What a coordinator's bulk decision will do, counted before it is made: the confirmation pages.

Read-only. `approval_preview` counts what `decisions.approve_all` would approve with the same
selection; `publication_preview` counts what `decisions.publish` would send out and to whom; and
`why_empty` says, from what a run stored, why it proposed nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from matcher.models import Membership, Opportunity
from matcher.models.matching import Match, MatchRun, MatchStatus
from matcher.services.matching import outcomes
from matcher.translate import gettext as _
from matcher.translate import ngettext

S = MatchStatus


@dataclass(frozen=True)
class ApprovalPreview:
    proposed: int  # proposed matches the selection holds
    will_approve: int  # those at opportunities with room for all their selected proposals
    opportunities: int  # opportunities the approvals take places at
    opportunities_short: int  # opportunities without room: their proposals stay proposed

    @property
    def stay_proposed(self) -> int:
        return self.proposed - self.will_approve


def approval_preview(session: Session, run: MatchRun, selection: Select) -> ApprovalPreview:
    """What `approve_all(run, selection)` would do now: the same rows, the same all-or-nothing rule."""
    wanted = Counter(
        session.scalars(
            selection.with_only_columns(Match.opportunity_id)
            .where(Match.run_id == run.id, Match.status == S.PROPOSED, Match.applicant_id.is_not(None))
            .order_by(None)
        )
    )
    free = dict(
        session.execute(
            select(Opportunity.id, Opportunity.capacity - Opportunity.places_filled).where(
                Opportunity.id.in_(list(wanted))
            )
        ).all()
    )
    fitting = [o for o, count in wanted.items() if count <= free.get(o, 0)]
    return ApprovalPreview(
        proposed=sum(wanted.values()),
        will_approve=sum(wanted[o] for o in fitting),
        opportunities=len(fitting),
        opportunities_short=len(wanted) - len(fitting),
    )


@dataclass(frozen=True)
class PublicationPreview:
    matches: int  # approved matches of the run, offered on publication
    applicants: int  # people offered a place, each emailed
    host_contacts: int  # approved members of the hosts' organisations, emailed about their matches
    organisations: int
    undone_elsewhere: int  # approvals in the round's other runs, put back to proposed
    letters: int = 0  # applicants in scope with no offer, each sent an outcome letter

    @property
    def people(self) -> int:
        return self.applicants + self.host_contacts + self.letters


def publication_preview(session: Session, run: MatchRun) -> PublicationPreview:
    """What `publish(run)` would do now: the matches it offers and the people it emails."""
    approved = (Match.run_id == run.id, Match.status == S.APPROVED)
    matches, applicants = session.execute(
        select(func.count(), func.count(Match.applicant_id.distinct())).where(*approved)
    ).one()
    organisations = select(Opportunity.organisation_id).join(Match, Match.opportunity_id == Opportunity.id)
    organisations = organisations.where(*approved).distinct()
    hosts, contacts = session.execute(
        select(
            func.count(Membership.organisation_id.distinct()), func.count(Membership.user_id.distinct())
        ).where(
            Membership.organisation_id.in_(organisations.scalar_subquery()),
            Membership.approved_at.is_not(None),
        )
    ).one()
    undone = session.scalar(
        select(func.count())
        .select_from(Match)
        .join(MatchRun, Match.run_id == MatchRun.id)
        .where(MatchRun.round_id == run.round_id, MatchRun.id != run.id, Match.status == S.APPROVED)
    )
    return PublicationPreview(
        matches=matches,
        applicants=applicants,
        host_contacts=contacts,
        organisations=hosts,
        undone_elsewhere=undone or 0,
        letters=outcomes.letter_count(session, run),
    )


def why_empty(run: MatchRun) -> str | None:
    """Why a ranked run proposed no match, from its stored counts; None when it proposed some
    (or stored no count of its proposals)."""
    counts = run.counts or {}
    if counts.get("proposed", 1):
        return None
    opportunities, places = counts.get("opportunities", 0), counts.get("places", 0)
    applicants = counts.get("applicants", 0)
    incomplete = counts.get("excluded_incomplete", 0)
    placed = counts.get("excluded_placed", 0)
    left_out = counts.get("excluded_incomplete_or_placed", incomplete + placed)
    if not opportunities:
        full = counts.get("opportunities_full", 0)
        if full:
            return ngettext(
                "Every opportunity in this round's scope is already full (%(num)d opportunity): "
                "there was no place to offer.",
                "Every opportunity in this round's scope is already full (%(num)d opportunities): "
                "there was no place to offer.",
                full,
            )
        return _("No published opportunity with free places falls in this round's scope.")
    if not places:
        return _("The opportunities in scope have no free places left.")
    if not applicants and not left_out:
        return ngettext(
            "Nobody has applied to the %(num)d opportunity in this round's scope.",
            "Nobody has applied to the %(num)d opportunities in this round's scope.",
            opportunities,
        )
    if not applicants:
        if placed and not incomplete:
            return ngettext(
                "Everyone who applied (%(num)d applicant) already holds a place from another round.",
                "Everyone who applied (%(num)d applicants) already holds a place from another round.",
                placed,
            )
        if incomplete and not placed:
            return ngettext(
                "Everyone who applied (%(num)d applicant) has an incomplete profile.",
                "Everyone who applied (%(num)d applicants) has an incomplete profile.",
                incomplete,
            )
        return ngettext(
            "Nobody who applied could be matched: %(num)d applicant already holds a place from another "
            "round or has an incomplete profile.",
            "Nobody who applied could be matched: %(num)d applicants already hold a place from another "
            "round or have an incomplete profile.",
            left_out,
        )
    if applicants == 1:
        return _(
            "The one applicant in scope is not eligible for any opportunity they chose, or no host "
            "ranked them: see the reasons under Unmatched applicants."
        )
    return _(
        "None of the %(num)d applicants in scope is eligible for an opportunity they chose, or no host "
        "ranked them: see each one's reasons under Unmatched applicants.",
        num=applicants,
    )
