"""Match rounds: runs of the engine, the matches they propose, and every decision on them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher import reason_words
from matcher.db import db, sql_in, utcnow
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext

if TYPE_CHECKING:
    from matcher.models.opportunity import Opportunity
    from matcher.models.user import User


class RoundMode(StrEnum):
    RANKED = "ranked"  # deferred acceptance over applications and the hosts' orders
    RECOMMENDATION = "recommendation"  # top-N suggestions for applicants who have not applied


class RoundStatus(StrEnum):
    OPEN = "open"  # runs may be made and reviewed
    PUBLISHED = "published"  # one run's approved matches are out
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(_ROUND_STATUS_LABELS[self])


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The word people read: a published match is a place offered to the applicant."""
        return str(_MATCH_STATUS_LABELS[self])

    @classmethod
    def label_for(cls, value: str) -> str:
        """The word for a stored or requested status; an unknown one as it is."""
        return cls(value).label if value in cls._value2member_map_ else value


# The words people read for each status, in their language (evaluated when read, not at import).
_ROUND_STATUS_LABELS = {
    RoundStatus.OPEN: _l("open"),
    RoundStatus.PUBLISHED: _l("published"),
    RoundStatus.CLOSED: lazy_pgettext("a round's status", "closed"),
}
_MATCH_STATUS_LABELS = {
    MatchStatus.PROPOSED: _l("proposed"),
    MatchStatus.APPROVED: _l("approved"),
    MatchStatus.REJECTED: _l("rejected"),
    MatchStatus.PUBLISHED: _l("offered"),
    MatchStatus.ACCEPTED: _l("accepted"),
    MatchStatus.DECLINED: _l("declined"),
    MatchStatus.EXPIRED: _l("expired"),
    MatchStatus.COMPLETED: _l("completed"),
    MatchStatus.CANCELLED: _l("cancelled"),
}
# A run's counts (MatchRun.counts keys), as the round's page and the coordinators' email name them.
_COUNT_LABELS = {
    "applicants": _l("applicants"),
    "opportunities": _l("opportunities"),
    "places": _l("places"),
    "proposed": _l("proposed matches"),
    "unmatched": _l("unmatched"),
    "unfilled_places": _l("unfilled places"),
    "excluded_incomplete_or_placed": _l("excluded (incomplete profile or already placed)"),
    "pairs_left_out_declined_or_expired": _l("pairs left out (declined or expired)"),
    "excluded_placed": _l("excluded (already placed)"),
    "excluded_incomplete": _l("excluded (incomplete profile)"),
    "opportunities_full": _l("opportunities full"),
    "suggestions": _l("suggestions"),
}


# Statuses in which a match holds one of the opportunity's places.
HOLDS_PLACE = frozenset(
    {MatchStatus.APPROVED, MatchStatus.PUBLISHED, MatchStatus.ACCEPTED, MatchStatus.COMPLETED}
)
# Statuses that keep an applicant from being matched again: a place offered or held that is not over.
# A completed placement still counts against its opportunity's places, but frees its applicant.
BUSY = HOLDS_PLACE - {MatchStatus.COMPLETED}
# Statuses of a match once published: answered, ended or still waiting, but never undecided.
PUBLISHED_OR_LATER = (
    MatchStatus.PUBLISHED,
    MatchStatus.ACCEPTED,
    MatchStatus.DECLINED,
    MatchStatus.EXPIRED,
    MatchStatus.CANCELLED,
    MatchStatus.COMPLETED,
)
# Allowed moves; anything else is refused by services.rounds.
TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.PROPOSED: frozenset({MatchStatus.APPROVED, MatchStatus.REJECTED}),
    MatchStatus.APPROVED: frozenset({MatchStatus.PROPOSED, MatchStatus.PUBLISHED, MatchStatus.REJECTED}),
    MatchStatus.REJECTED: frozenset({MatchStatus.PROPOSED, MatchStatus.APPROVED}),
    MatchStatus.PUBLISHED: frozenset(
        {MatchStatus.ACCEPTED, MatchStatus.DECLINED, MatchStatus.EXPIRED, MatchStatus.CANCELLED}
    ),
    MatchStatus.ACCEPTED: frozenset({MatchStatus.COMPLETED, MatchStatus.CANCELLED}),
    MatchStatus.DECLINED: frozenset(),
    MatchStatus.EXPIRED: frozenset(),
    MatchStatus.COMPLETED: frozenset(),
    MatchStatus.CANCELLED: frozenset(),
}


class MatchRound(db.Model):
    __tablename__ = "match_rounds"
    __table_args__ = (
        CheckConstraint(f"mode IN {sql_in(RoundMode)}", name="mode_known"),
        CheckConstraint(f"status IN {sql_in(RoundStatus)}", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    mode: Mapped[str] = mapped_column(String(20))
    # {"regions": [...], "subregions": [...], "types": [...], "starts_after": "...", "ends_before": "..."}
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default=RoundStatus.OPEN)
    response_deadline: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    runs: Mapped[list[MatchRun]] = relationship(
        back_populates="round", foreign_keys="MatchRun.round_id", order_by="MatchRun.number"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def status_label(self) -> str:
        return RoundStatus(self.status).label


class MatchRun(db.Model):
    """One run of the engine: enough is stored to reproduce it exactly."""

    __tablename__ = "match_runs"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    algorithm_version: Mapped[str] = mapped_column(String(40))
    seed: Mapped[int]
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    ran_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]  # set on the one run of the round that was published
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {applicant_id: [[opportunity_id, reason], ...]} and {opportunity_id: [applicant ids]} (waitlists).
    # Megabytes in a national run: loaded only when used; pages read slices in SQL (round_reports).
    unmatched: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, deferred=True)
    waitlists: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, deferred=True)

    round: Mapped[MatchRound] = relationship(back_populates="runs", foreign_keys=[round_id])
    ran_by: Mapped[User | None] = relationship(foreign_keys=[ran_by_id])

    @property
    def count_items(self) -> list[tuple[str, Any]]:
        """The run's counts as (the words for what was counted, the number), in stored order."""
        return [
            (str(_COUNT_LABELS[key]) if key in _COUNT_LABELS else key.replace("_", " "), value)
            for key, value in (self.counts or {}).items()
        ]


class Match(db.Model):
    """A proposed pair and its life: approval, publication, the applicant's answer, the placement."""

    __tablename__ = "matches"
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(MatchStatus)}", name="status_known"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_in_range"),
        UniqueConstraint("run_id", "applicant_id"),
        Index("ix_matches_run_status", "run_id", "status"),
        Index("ix_matches_opportunity_status", "opportunity_id", "status"),
        # The review page's order (from_waitlist DESC, score DESC, id DESC): read backwards, page by page.
        Index("ix_matches_run_review", "run_id", "from_waitlist", "score", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id", ondelete="CASCADE"))
    # NULL once the applicant deleted their account: the placement stays, anonymised.
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default=MatchStatus.PROPOSED)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # [{"name", "value", "weight", "reason"}, ...] from the engine, for "Why this match".
    breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    applicant_rank: Mapped[int | None]
    host_rank: Mapped[int | None]
    from_waitlist: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    response_deadline: Mapped[date | None]
    responded_at: Mapped[datetime | None]
    rating: Mapped[int | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    attendance_confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    run: Mapped[MatchRun] = relationship()
    applicant: Mapped[User | None] = relationship()
    opportunity: Mapped[Opportunity] = relationship()
    events: Mapped[list[MatchEvent]] = relationship(
        back_populates="match", cascade="all, delete-orphan", order_by="MatchEvent.id"
    )


class MatchEvent(db.Model):
    """The audit trail: who moved a match from which status to which, when and why."""

    __tablename__ = "match_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[Match] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def shown_reason(self) -> str:
        """The reason as people read it: the system's own words in the reader's language, a
        person's words as they wrote them."""
        return reason_words.event_reason(self.reason, MatchStatus.label_for)


class Suggestion(db.Model):
    """A recommendation-round result: shown to the applicant, not a match."""

    __tablename__ = "suggestions"
    __table_args__ = (UniqueConstraint("run_id", "applicant_id", "opportunity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id", ondelete="CASCADE"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    position: Mapped[int]
    score: Mapped[float] = mapped_column(Float)
    breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    opportunity: Mapped[Opportunity] = relationship()


class OutcomeLetter(db.Model):
    """What an applicant who got no offer in a published round is told: each choice and why.

    ``choices`` is written once, when the round's emails are: [{"opportunity_id", "title", "kind",
    "reason", and for a rule "code" and "params"}, ...] in the applicant's order, ``kind`` one of
    rule, ranked_higher, not_ranked, not_confirmed, incomplete, declined_before, no_places; the
    stored ``reason`` is English, and `choices` words each again in the reader's language. Open
    places are found again when read.
    """

    __tablename__ = "outcome_letters"
    __table_args__ = (UniqueConstraint("run_id", "applicant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id", ondelete="CASCADE"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # As stored: each choice's reason by its kind (and, for a rule, the engine's code and parameters).
    stored_choices: Mapped[list[dict[str, Any]]] = mapped_column("choices", JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[MatchRun] = relationship()

    @property
    def choices(self) -> list[dict[str, Any]]:
        """The choices, each ``reason`` worded in the reader's language when read (the page's, or
        the recipient's inside `force_locale`): letters keep codes, never one language's words."""
        return [{**c, "reason": reason_words.letter_reason(c)} for c in self.stored_choices or []]

    @choices.setter
    def choices(self, value: list[dict[str, Any]]) -> None:
        self.stored_choices = value
