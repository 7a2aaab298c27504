"""Decisions on a team: a coordinator adds, removes or swaps members (the builder's rules checked
on the server), approves; the host confirms; members are offered their place with a reply-by
date and accept or decline; a decline frees the place and the builder proposes a replacement
for that team only. Each decision is recorded in the team's trail (`events`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.engine.team_input import Misfit
from matcher.models import MemberStatus, RunKind, Team, TeamMember, TeamStatus, User
from matcher.models.teams import HOLDING
from matcher.services.departure.trips import trip_for_member
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import can_act_for, is_staff
from matcher.services.teams import builds, events, inputs, mail, places
from matcher.translate import gettext as _

# How long a member has to answer an offer (never past the day before the visit starts).
REPLY_DAYS = 14


def _require_coordinator(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators change teams."))


def _require_changeable(team: Team) -> None:
    if team.status == TeamStatus.CANCELLED:
        raise Conflict(_("This team is cancelled."))


def _misfit_message(failed: Misfit) -> str:
    return {
        Misfit.ROLE: _("This team has no place for that volunteer's profession."),
        Misfit.APPLIED: _("That volunteer did not apply to this visit."),
        Misfit.DATES: _("The visit's dates are not inside that volunteer's availability."),
        Misfit.WEEKS: _("The visit is longer than the weeks that volunteer has left this year."),
        Misfit.LANGUAGE: _("That volunteer does not teach in the visit's language of instruction."),
    }[failed]


def add_member(session: Session, actor: User, team: Team, user: User) -> TeamMember:
    """Place a volunteer in the team by hand (fixed: later runs keep them)."""
    _require_coordinator(actor)
    _require_changeable(team)
    if not inputs.is_volunteer(user, inputs.teaching_professions(session)):
        raise DomainError(_("Choose a volunteer who can teach."), field="volunteer")
    elsewhere = inputs.holders_elsewhere(session, team.build_id).get(user.id)
    if elsewhere is not None:
        raise Conflict(
            _("That volunteer already has a place in a team of this build; remove them there first."),
            field="volunteer",
        )
    failed = inputs.misfit_for(session, user, team)
    if failed is not None:
        raise DomainError(_misfit_message(failed), field="volunteer")
    places.take(session, team, user.profession_code)
    member = session.scalar(
        select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user.id)
    )
    if member is None:
        member = TeamMember(team_id=team.id, user_id=user.id, build_id=team.build_id)
    member.role, member.status, member.fixed = user.profession_code, MemberStatus.PROPOSED, True
    member.reasons = {"covers": _covers(team, user, session), "rank": None, "by": "coordinator"}
    member.reply_by = member.offered_at = member.answered_at = None
    session.add(member)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:  # another request placed them meanwhile
        raise Conflict(
            _("That volunteer already has a place in a team of this build; remove them there first."),
            field="volunteer",
        ) from error
    session.expire(team, ["members"])
    events.record(session, team, actor, "added", user, role=member.role)
    if team.status == TeamStatus.CONFIRMED:
        send_offers(session, actor, team, date.today())
    return member


def _covers(team: Team, user: User, session: Session) -> list[str]:
    spec = inputs.volunteer_specs(session, [user], [team])[user.id]
    return sorted(spec["skills"] & inputs.team_spec(team)["needs"])


def remove_member(session: Session, actor: User, member: TeamMember, *, quiet: bool = False) -> None:
    """Take a member out of the team (not one who accepted: they withdraw themselves)."""
    _require_coordinator(actor)
    team = member.team
    _require_changeable(team)
    if member.status == MemberStatus.ACCEPTED:
        raise Conflict(_("This member has accepted their place; only they can withdraw."))
    if member.status not in HOLDING:
        raise Conflict(_("This person no longer has a place in the team."))
    member.status, member.fixed = MemberStatus.REMOVED, False
    places.free(session, team, member.role)
    if not quiet:
        events.record(session, team, actor, "removed", member.user, role=member.role)


def swap_member(session: Session, actor: User, member: TeamMember, user: User) -> TeamMember:
    """Replace a member by another volunteer, both checked; all or nothing."""
    team = member.team
    old = member.user
    with session.begin_nested():
        remove_member(session, actor, member, quiet=True)
        added = add_member(session, actor, team, user)
    events.record(session, team, actor, "swapped", user, replaced=old.id, replaced_name=old.name)
    return added


def approve(session: Session, actor: User, team: Team) -> None:
    """Approve a proposed team whose every role reaches its minimum; the host is asked to confirm."""
    _require_coordinator(actor)
    if team.status != TeamStatus.PROPOSED:
        raise Conflict(_("Only a proposed team can be approved."))
    session.refresh(team)
    short = [slot.role for slot in team.slots if slot.filled < slot.minimum]
    if short:
        raise Conflict(_("Every role must reach its minimum before the team is approved."))
    if not team.holding:
        raise Conflict(_("An empty team cannot be approved."))
    team.status, team.approved_at, team.approved_by_id = TeamStatus.APPROVED, utcnow(), actor.id
    events.record(session, team, actor, "approved")
    mail.team_to_confirm(session, team)


def confirm(session: Session, actor: User, team: Team, today: date) -> None:
    """The host confirms an approved team; every member is offered their place."""
    if not can_act_for(session, actor, team.visit.organisation):
        raise PermissionDenied(_("Only the host's members confirm its teams."))
    if team.status != TeamStatus.APPROVED:
        raise Conflict(_("Only an approved team can be confirmed."))
    team.status, team.confirmed_at, team.confirmed_by_id = TeamStatus.CONFIRMED, utcnow(), actor.id
    events.record(session, team, actor, "confirmed")
    send_offers(session, actor, team, today)


def reply_by(team: Team, today: date) -> date:
    return max(min(today + timedelta(days=REPLY_DAYS), team.visit.starts_on - timedelta(days=1)), today)


def send_offers(session: Session, actor: User, team: Team, today: date) -> int:
    """Offer their place to the team's proposed members (a confirmed team only); returns how many."""
    if team.status != TeamStatus.CONFIRMED:
        raise Conflict(_("Places are offered once the host has confirmed the team."))
    offered = 0
    for member in team.members:
        if member.status != MemberStatus.PROPOSED:
            continue
        member.status, member.fixed = MemberStatus.OFFERED, True
        member.offered_at, member.reply_by = utcnow(), reply_by(team, today)
        events.record(session, team, actor, "offered", member.user, reply_by=member.reply_by.isoformat())
        mail.offer(session, member)
        offered += 1
    return offered


def member_of(session: Session, actor: User, member_id: int) -> TeamMember:
    """The actor's own place in a team (404 for anyone else's: they need not know it exists)."""
    member = session.get(TeamMember, member_id)
    if member is None or member.user_id != actor.id:
        raise NotFound(_("There is no such offer."))
    return member


def respond(session: Session, actor: User, member_id: int, accept: bool, today: date) -> TeamMember:
    """The member's answer to their offer, by its reply-by date."""
    member = member_of(session, actor, member_id)
    team = member.team
    if member.status != MemberStatus.OFFERED:
        raise Conflict(_("This offer is not waiting for an answer."))
    if member.reply_by is not None and today > member.reply_by:
        raise Conflict(_("The date to reply has passed; the coordinators can tell you more."))
    member.answered_at = utcnow()
    if accept:
        member.status = MemberStatus.ACCEPTED
        events.record(session, team, actor, "accepted", actor)
        trip_for_member(session, member)
        mail.roster(session, member)
        return member
    member.status, member.fixed = MemberStatus.DECLINED, False
    places.free(session, team, member.role)
    events.record(session, team, actor, "declined", actor)
    replace(session, actor, team)
    return member


def replace(session: Session, actor: User, team: Team) -> list[int]:
    """Ask the builder for the team's open places only (everyone else stays); returns who it proposed."""
    before = {m.user_id for m in team.holding}
    builds.run_build(session, actor, team.build, kind=RunKind.REPLACE, team_ids={team.id})
    session.refresh(team)
    proposed = [m.user_id for m in team.holding if m.user_id not in before]
    mail.replacement_proposed(session, team, proposed)
    return proposed


def cancel(session: Session, actor: User, team: Team) -> None:
    """Cancel a team that nobody has accepted a place in yet; its places are freed."""
    _require_coordinator(actor)
    _require_changeable(team)
    if any(m.status == MemberStatus.ACCEPTED for m in team.members):
        raise Conflict(_("Someone has accepted a place in this team; it cannot be cancelled here."))
    for member in team.holding:
        member.status, member.fixed = MemberStatus.REMOVED, False
        places.free(session, team, member.role)
    team.status = TeamStatus.CANCELLED
    events.record(session, team, actor, "cancelled")
