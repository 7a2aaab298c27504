"""A ranked round's settings: reserved places, score weights and a cap on visitors per site and month.

Kept in the round (``MatchRound.scope["settings"]``: no column of its own, so no migration) and
copied into each run's parameters with its seed, so a run says what it ran with and runs of one
round with different settings can be compared (the what-if page).

- Reserve: ``reserve_percent`` of each opportunity's free places, rounded half up (30 % of 5 is
  1.5, so 2), never more than its places; eligible are the applicants whose home country's World
  Bank income group is in ``reserve_groups`` (by default low and lower-middle income).
- Weights: the engine's soft parts (`matcher.engine.Weights`), each from 0 to 1, not all 0.
- Visitor cap: at most ``visitor_cap`` visitors starting in the same calendar month at one site
  (the opportunity's site, else its host institution and city). Each group's places are shared
  out before the allocation, one place per opportunity in turn (earliest start first), so the
  cap holds whatever the applicants choose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sqlalchemy.orm import Session

from matcher.engine import Weights
from matcher.models import Opportunity, User
from matcher.models.matching import MatchRound, RoundStatus
from matcher.services.errors import Conflict, DomainError, PermissionDenied
from matcher.services.permissions import is_staff
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

INCOME_GROUPS = ("low", "lower-middle", "upper-middle", "high")
INCOME_GROUP_LABELS = {
    "low": _l("low income"),
    "lower-middle": _l("lower-middle income"),
    "upper-middle": _l("upper-middle income"),
    "high": _l("high income"),
    "unknown": _l("not known"),
}
DEFAULT_RESERVE_GROUPS = ("low", "lower-middle")
# The weights a coordinator may set: the rank part never counts in a ranked round's scores.
WEIGHT_NAMES = ("region", "interests", "level", "dates", "teaching")
MAX_VISITOR_CAP = 1000


def _default_weights() -> dict[str, float]:
    defaults = Weights()
    return {name: defaults.of(name) for name in WEIGHT_NAMES}


@dataclass(frozen=True)
class RoundSettings:
    reserve_percent: int = 0
    reserve_groups: tuple[str, ...] = DEFAULT_RESERVE_GROUPS
    weights: dict[str, float] = field(default_factory=_default_weights)
    visitor_cap: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["reserve_groups"] = list(self.reserve_groups)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RoundSettings:
        data = data or {}
        known = {f.name for f in fields(cls)}
        kept = {k: v for k, v in data.items() if k in known}
        if "reserve_groups" in kept:
            kept["reserve_groups"] = tuple(kept["reserve_groups"])
        if "weights" in kept:
            kept["weights"] = {**_default_weights(), **kept["weights"]}
        return cls(**kept)

    @property
    def engine_weights(self) -> Weights:
        return Weights(**{name: float(value) for name, value in self.weights.items()})

    def reserved(self, places: int) -> int:
        """The reserved share of ``places``, rounded half up, never more than them."""
        return min(places, (places * self.reserve_percent + 50) // 100)

    @property
    def has_reserve(self) -> bool:
        return self.reserve_percent > 0 and bool(self.reserve_groups)


def of_round(match_round: MatchRound) -> RoundSettings:
    return RoundSettings.from_json((match_round.scope or {}).get("settings"))


def problems(settings: RoundSettings) -> list[tuple[str, str]]:
    """Every rule the settings break, as (field, message); the form shows them all at once."""
    found = []
    if not 0 <= settings.reserve_percent <= 100:
        found.append(("reserve_percent", _("Reserve from 0 to 100 percent of the places.")))
    if not set(settings.reserve_groups) <= set(INCOME_GROUPS):
        found.append(("reserve_groups", _("Choose income groups from the list.")))
    elif settings.reserve_percent and not settings.reserve_groups:
        found.append(("reserve_groups", _("Choose who may take the reserved places.")))
    for name in WEIGHT_NAMES:
        value = settings.weights.get(name)
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            found.append((f"weight_{name}", _("A weight from 0 to 1.")))
    if not found and not any(settings.weights[name] > 0 for name in WEIGHT_NAMES):
        found.append(("weight_region", _("Give at least one part of the score a weight above 0.")))
    if settings.visitor_cap is not None and not 1 <= settings.visitor_cap <= MAX_VISITOR_CAP:
        found.append(("visitor_cap", _("A cap from 1 to 1000 visitors, or leave it empty.")))
    return found


def update_settings(session: Session, actor: User, match_round: MatchRound, settings: RoundSettings) -> None:
    """Keep the settings for the round's next runs; runs already made keep theirs."""
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators run and decide match rounds."))
    if match_round.status != RoundStatus.OPEN:
        raise Conflict(_("This round is already published; create a new round for further matching."))
    found = problems(settings)
    if found:
        name, message = found[0]
        raise DomainError(message, field=name)
    match_round.scope = {**(match_round.scope or {}), "settings": settings.as_json()}
    session.flush()


def site_key(opportunity: Opportunity) -> tuple[Any, ...]:
    """Where a visitor goes: the opportunity's site, else its host institution in its city."""
    if opportunity.site_id is not None:
        return ("site", opportunity.site_id)
    return ("host", opportunity.host_institution.strip().lower(), opportunity.city.strip().lower())


def capped_places(opportunities: Sequence[Opportunity], places: Sequence[int], cap: int | None) -> list[int]:
    """Each opportunity's places once no site takes more than ``cap`` visitors starting in one month.

    A group over the cap shares it out one place at a time, earliest start (then lowest id) first.
    """
    if cap is None:
        return list(places)
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for j, o in enumerate(opportunities):
        groups[(*site_key(o), o.starts_on.year, o.starts_on.month)].append(j)
    kept = list(places)
    for members in groups.values():
        if sum(places[j] for j in members) <= cap:
            continue
        members.sort(key=lambda j: (opportunities[j].starts_on, opportunities[j].id))
        share = dict.fromkeys(members, 0)
        left = cap
        while left:
            open_ = [j for j in members if share[j] < places[j]]
            for j in open_[:left]:
                share[j] += 1
            left -= len(open_[:left])
        for j in members:
            kept[j] = share[j]
    return kept
