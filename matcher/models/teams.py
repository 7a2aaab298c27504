"""Teaching teams: visits' teams, their members, volunteers' wishes, team builds and their trail.

A teaching visit is an `Opportunity` of type teaching_visit with `site_id` and
`teaching_request_id` (so it shows in search, feeds and the organisation's pages like any other);
one request opens several visits, one per preferred month. A visit has at most one `Team`. The
team's places per role are `TeamSlot` rows whose `filled` count the database keeps within
`maximum` (CHECK, and a conditional UPDATE in the services), as `Opportunity.places_filled` is.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, sql_in, utcnow
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext

if TYPE_CHECKING:
    from matcher.models.opportunity import Opportunity
    from matcher.models.user import User


class TeamStatus(StrEnum):
    PROPOSED = "proposed"  # the builder's (or a coordinator's) proposal, under review
    APPROVED = "approved"  # a coordinator approved it; the host is asked to confirm
    CONFIRMED = "confirmed"  # the host confirmed it; members are offered their places
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(_TEAM_STATUS_LABELS[self])


class MemberStatus(StrEnum):
    PROPOSED = "proposed"  # in the team as proposed; not told yet
    OFFERED = "offered"  # offered a place, with a reply-by date
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REMOVED = "removed"  # taken out by a coordinator (or a re-run)

    @property
    def label(self) -> str:
        return str(_MEMBER_STATUS_LABELS[self])


# A member in these holds a place (counted in TeamSlot.filled).
HOLDING = (MemberStatus.PROPOSED, MemberStatus.OFFERED, MemberStatus.ACCEPTED)
_HOLDING_SQL = "status IN ('proposed', 'offered', 'accepted')"

_TEAM_STATUS_LABELS = {
    TeamStatus.PROPOSED: lazy_pgettext("team", "proposed"),
    TeamStatus.APPROVED: lazy_pgettext("team", "approved"),
    TeamStatus.CONFIRMED: lazy_pgettext("team", "confirmed by the host"),
    TeamStatus.CANCELLED: lazy_pgettext("team", "cancelled"),
}
_MEMBER_STATUS_LABELS = {
    MemberStatus.PROPOSED: lazy_pgettext("team member", "proposed"),
    MemberStatus.OFFERED: lazy_pgettext("team member", "offered, waiting for a reply"),
    MemberStatus.ACCEPTED: lazy_pgettext("team member", "accepted"),
    MemberStatus.DECLINED: lazy_pgettext("team member", "declined"),
    MemberStatus.REMOVED: lazy_pgettext("team member", "removed"),
}


class RunKind(StrEnum):
    BUILD = "build"  # the first run over a build's visits
    REFILL = "refill"  # open places only, keeping the people already fixed
    REPLACE = "replace"  # one team, after a decline

    @property
    def label(self) -> str:
        return str(_RUN_KIND_LABELS[self])


_RUN_KIND_LABELS = {
    RunKind.BUILD: _l("Team build"),
    RunKind.REFILL: _l("Open places filled"),
    RunKind.REPLACE: _l("Replacement after a decline"),
}


class TeamBuild(db.Model):
    """A set of teaching visits a coordinator builds teams for together (a volunteer joins at
    most one team of a build)."""

    __tablename__ = "team_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()
    teams: Mapped[list[Team]] = relationship(back_populates="build", order_by="Team.id")
    runs: Mapped[list[TeamBuildRun]] = relationship(
        back_populates="build", order_by="TeamBuildRun.id.desc()", cascade="all, delete-orphan"
    )


class TeamBuildRun(db.Model):
    """One run of the team builder: who, when, over what, and the plan with its explanations."""

    __tablename__ = "team_build_runs"
    __table_args__ = (CheckConstraint(f"kind IN {sql_in(RunKind)}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    build_id: Mapped[int] = mapped_column(ForeignKey("team_builds.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=RunKind.BUILD)
    ran_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The visits (opportunity ids) and volunteers (user ids) given to the builder, and a hash of the
    # whole input, so a run can be compared with another.
    visit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    volunteer_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    inputs_hash: Mapped[str] = mapped_column(String(64), default="")
    # The plan as data: {"teams": {visit id: report}, "left_out": {user id: reason}} (codes and
    # parameters, worded when shown), and its objective.
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    objective: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    optimal: Mapped[bool] = mapped_column(Boolean, default=True)

    build: Mapped[TeamBuild] = relationship(back_populates="runs")
    ran_by: Mapped[User | None] = relationship()


class Team(db.Model):
    """The team of one teaching visit."""

    __tablename__ = "teaching_teams"
    __table_args__ = (CheckConstraint(f"status IN {sql_in(TeamStatus)}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One team per visit.
    visit_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), unique=True)
    build_id: Mapped[int] = mapped_column(ForeignKey("team_builds.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=TeamStatus.PROPOSED, index=True)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    visit: Mapped[Opportunity] = relationship()
    build: Mapped[TeamBuild] = relationship(back_populates="teams")
    slots: Mapped[list[TeamSlot]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamSlot.role"
    )
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.id"
    )
    events: Mapped[list[TeamEvent]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamEvent.id"
    )

    @property
    def status_enum(self) -> TeamStatus:
        return TeamStatus(self.status)

    @property
    def holding(self) -> list[TeamMember]:
        """The members holding a place (proposed, offered or accepted)."""
        return [m for m in self.members if m.status in HOLDING]

    def __repr__(self) -> str:
        return f"<Team {self.id} visit={self.visit_id} {self.status}>"


class TeamSlot(db.Model):
    """A role's places in a team: from `minimum` to `maximum` people; `filled` counts those holding one."""

    __tablename__ = "teaching_team_slots"
    __table_args__ = (
        UniqueConstraint("team_id", "role"),
        CheckConstraint("minimum >= 0 AND maximum >= 1 AND minimum <= maximum", name="range_valid"),
        CheckConstraint("filled >= 0 AND filled <= maximum", name="filled_within_maximum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teaching_teams.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(ForeignKey("professions.code"))
    minimum: Mapped[int] = mapped_column(default=0)
    maximum: Mapped[int] = mapped_column(default=1)
    filled: Mapped[int] = mapped_column(default=0)

    team: Mapped[Team] = relationship(back_populates="slots")


class TeamMember(db.Model):
    """A volunteer in a team, in a role (their profession), from proposal to their answer."""

    __tablename__ = "teaching_team_members"
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(MemberStatus)}", name="status_known"),
        UniqueConstraint("team_id", "user_id"),
        # A volunteer holds a place in at most one team of a build.
        Index(
            "uq_teaching_team_members_one_per_build",
            "build_id",
            "user_id",
            unique=True,
            sqlite_where=text(_HOLDING_SQL),
            postgresql_where=text(_HOLDING_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teaching_teams.id", ondelete="CASCADE"), index=True)
    build_id: Mapped[int] = mapped_column(ForeignKey("team_builds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(ForeignKey("professions.code"))
    status: Mapped[str] = mapped_column(String(10), default=MemberStatus.PROPOSED)
    # Placed by a coordinator's hand (or offered, or accepted): a re-run keeps them.
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why they are here, as data: {"covers": [need codes], "rank": 1 | None, "by": "builder" | "coordinator"}.
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reply_by: Mapped[date | None]
    offered_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    @property
    def status_enum(self) -> MemberStatus:
        return MemberStatus(self.status)

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING


class TeamEvent(db.Model):
    """The audit trail of a team: every decision, by whom, when (the action's code and its details)."""

    __tablename__ = "teaching_team_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teaching_teams.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])


class VisitApplication(db.Model):
    """A volunteer's wish to join one teaching visit, with their rank for it (1 = first choice)."""

    __tablename__ = "visit_applications"
    __table_args__ = (
        UniqueConstraint("user_id", "visit_id"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    visit: Mapped[Opportunity] = relationship()


class TeachingWish(db.Model):
    """A volunteer's "any visit in these months in this region" (one per volunteer), and how many
    mentees they can take in remote mentorship."""

    __tablename__ = "teaching_wishes"
    __table_args__ = (
        CheckConstraint("mentees IS NULL OR (mentees >= 1 AND mentees <= 20)", name="mentees_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Months 1-12, sorted, non-empty.
    months: Mapped[list[int]] = mapped_column(JSON, default=list)
    # A UN region or sub-region name (countries.region / countries.subregion), as the data spells it.
    region: Mapped[str] = mapped_column(String(60))
    # Remote mentorship: the most mentees they take at once (None: they do not mentor).
    mentees: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
