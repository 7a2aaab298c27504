"""Readiness to travel: a trip's state and its reasons in words, from the trip, its items and the day.

`readiness(trip, today)` reads only what it is given (the trip, its items and their documents,
its opportunity's dates and its advisory hold): no session, no clock. The board and the trip page
show what it says; a state is decided in this order:

- blocked: on hold for a travel advisory, a mandatory item overdue, or the start date reached
  without clearance;
- cleared: every mandatory item verified or not needed (and not on hold);
- at risk: a mandatory item due within `AT_RISK_DAYS` and not done, or the newest proof of an item
  expiring before the placement ends;
- on track: the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from matcher.formatting import day
from matcher.models.departure import DONE, ItemStatus, Trip, TripDocument, TripItem
from matcher.services.departure.checklists import standard_title
from matcher.translate import gettext as _
from matcher.translate import lazy_pgettext, ngettext, pgettext

AT_RISK_DAYS = 14


class ReadinessState(StrEnum):
    BLOCKED = "blocked"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    CLEARED = "cleared"

    @property
    def label(self) -> str:
        return str(_STATE_LABELS[self])

    @property
    def badge(self) -> str:
        """The badge's CSS class (site.css) that shows the state."""
        return _STATE_BADGES[self]


_STATE_LABELS = {
    ReadinessState.BLOCKED: lazy_pgettext("readiness", "blocked"),
    ReadinessState.AT_RISK: lazy_pgettext("readiness", "at risk"),
    ReadinessState.ON_TRACK: lazy_pgettext("readiness", "on track"),
    ReadinessState.CLEARED: lazy_pgettext("readiness", "cleared to travel"),
}
_STATE_BADGES = {
    ReadinessState.BLOCKED: "status-failed",
    ReadinessState.AT_RISK: "warn",
    ReadinessState.ON_TRACK: "status-open",
    ReadinessState.CLEARED: "ok",
}
# The board's order: what needs someone's attention first.
STATES = (ReadinessState.BLOCKED, ReadinessState.AT_RISK, ReadinessState.ON_TRACK, ReadinessState.CLEARED)


@dataclass(frozen=True)
class Readiness:
    state: ReadinessState
    reasons: tuple[str, ...]
    mandatory: int  # how many mandatory items the trip has
    done: int  # how many of them are verified or not needed

    @property
    def summary(self) -> str:
        """The reasons in one line: "2 of 5 mandatory items verified or not needed; …"."""
        text = pgettext("between reasons", "; ").join(self.reasons)
        return text[:1].upper() + text[1:]


def _done(item: TripItem) -> bool:
    return item.status in DONE


def _title(item: TripItem) -> str:
    return _("“%(title)s”", title=standard_title(item))


def _newest_proof(item: TripItem) -> TripDocument | None:
    return max(item.documents, key=lambda d: (d.uploaded_at, d.id), default=None)


def _expiring(items: Iterable[TripItem], ends_on: date) -> list[tuple[TripItem, date]]:
    """Items whose newest proof expires before the placement ends (a renewal uploaded since counts)."""
    found = []
    for item in items:
        if item.status == ItemStatus.NOT_NEEDED:
            continue
        proof = _newest_proof(item)
        if proof is not None and proof.expires_on is not None and proof.expires_on < ends_on:
            found.append((item, proof.expires_on))
    return found


def readiness(trip: Trip, today: date) -> Readiness:
    """The trip's readiness to travel on `today`, and why, in the reader's language."""
    opportunity = trip.opportunity
    mandatory = [item for item in trip.items if item.mandatory]
    open_items = sorted((i for i in mandatory if not _done(i)), key=lambda i: (i.due_on, i.position))
    done = len(mandatory) - len(open_items)
    progress = ngettext(
        "%(done)d of %(num)d mandatory item verified or not needed",
        "%(done)d of %(num)d mandatory items verified or not needed",
        len(mandatory),
        done=done,
    )
    blocked: list[str] = []
    if trip.on_hold:
        blocked.append(
            _(
                "on hold since %(day)s: travel advisory at level %(level)d; "
                "a coordinator must re-approve the trip",
                day=day(trip.hold_since),
                level=trip.hold_level,
            )
        )
    for item in open_items:
        if item.due_on < today:
            if item.status == ItemStatus.SUBMITTED:
                blocked.append(
                    _(
                        "%(item)s was due on %(day)s and waits to be verified",
                        item=_title(item),
                        day=day(item.due_on),
                    )
                )
            else:
                blocked.append(_("%(item)s overdue since %(day)s", item=_title(item), day=day(item.due_on)))
    if open_items and opportunity.starts_on <= today:
        started = day(opportunity.starts_on)
        blocked.append(_("the placement started on %(day)s without clearance", day=started))
    expiring = [
        _(
            "the proof for %(item)s expires on %(day)s, before the placement ends",
            item=_title(item),
            day=day(expires),
        )
        for item, expires in _expiring(trip.items, opportunity.ends_on)
    ]
    if blocked:
        return Readiness(ReadinessState.BLOCKED, (progress, *blocked, *expiring), len(mandatory), done)
    if not open_items:
        return Readiness(ReadinessState.CLEARED, (progress, *expiring), len(mandatory), done)
    soon = today + timedelta(days=AT_RISK_DAYS)
    due_soon = [
        _("%(item)s due on %(day)s", item=_title(item), day=day(item.due_on))
        for item in open_items
        if item.due_on <= soon
    ]
    if due_soon or expiring:
        return Readiness(ReadinessState.AT_RISK, (progress, *due_soon, *expiring), len(mandatory), done)
    following = open_items[0]
    next_due = _("next: %(item)s due on %(day)s", item=_title(following), day=day(following.due_on))
    return Readiness(ReadinessState.ON_TRACK, (progress, next_due), len(mandatory), done)
