"""What a place costs, and the places that run the other way.

An estimate adds what is known, in the opportunity's own currency (the fee's): the fee, the cost
of accommodation when it is not provided, and the visa and temporary-licence fees of the host
country's rule pack when the opportunity needs them and the pack gives a fee in that currency.
Nothing is converted: a pack fee in another currency is named beside the estimate, not added.
Travel, food and insurance are never in it. The same sum is a SQL expression, so the search can
filter by a highest cost and sort by cost (`estimated_cost`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from matcher.formatting import spoken_list
from matcher.models import Opportunity
from matcher.models.departure import CountryRule, RuleKind
from matcher.services.departure.rules import ShownRule, shown_rules
from matcher.translate import gettext as _
from matcher.translate import lazy_pgettext

# The income groups (World Bank) whose trainees the places that run the other way are for.
LOW_AND_MIDDLE_INCOME = ("low", "lower-middle", "upper-middle")
HIGH_INCOME = "high"
# The SIR Resident, Fellow and Student section's pages for international medical graduates.
SIR_URL = "https://www.sirweb.org/"
# The opportunity's flag that says a traveller needs what a rule of this kind gives.
_NEEDED_BY = {RuleKind.VISA: "needs_visa", RuleKind.LICENCE: "needs_temporary_licence"}
ZERO = Decimal("0")


# What an estimate and a card read of an opportunity, for the listings that read rows instead of
# whole Opportunity objects (services.listing, services.organisation_pages): these columns first.
COST_COLUMNS = (
    Opportunity.fee_amount,
    Opportunity.fee_currency,
    Opportunity.accommodation_cost,
    Opportunity.accommodation_provided,
    Opportunity.needs_visa,
    Opportunity.needs_temporary_licence,
    Opportunity.fee_waiver,
    Opportunity.travel_grant,
)


@dataclass(frozen=True, slots=True)
class CostFacts:
    """COST_COLUMNS of a listed row, in their order (the row gives `country_code` too)."""

    fee_amount: Decimal | None
    fee_currency: str | None
    accommodation_cost: Decimal | None
    accommodation_provided: bool
    needs_visa: bool
    needs_temporary_licence: bool
    fee_waiver: bool
    travel_grant: bool


def cost_problems(data: Any) -> list[tuple[str, str]]:
    """The rules the cost fields follow together, as (field, message) (opportunities.cross_field_problems)."""
    problems = []
    if data.accommodation_cost is not None and data.accommodation_cost < 0:
        problems.append(("accommodation_cost", _("The cost of accommodation cannot be negative.")))
    elif data.accommodation_cost and data.accommodation_provided:
        problems.append(
            ("accommodation_cost", _("Accommodation is provided: leave the cost of accommodation empty."))
        )
    elif data.accommodation_cost and not data.fee_currency and not data.fee_amount:
        problems.append(("fee_currency", _("Give the currency of the fee and of accommodation.")))
    return problems


def runs_the_other_way(opportunity: Any) -> bool:
    """A place at a host in a high-income country: for trainees from low- and middle-income ones."""
    return opportunity.country.income_group == HIGH_INCOME


_PART_LABELS = {
    "fee": lazy_pgettext("a part of a cost estimate", "the fee"),
    "accommodation": lazy_pgettext("a part of a cost estimate", "accommodation"),
    "visa": lazy_pgettext("a part of a cost estimate", "the visa fee (country rules)"),
    "licence": lazy_pgettext("a part of a cost estimate", "the temporary licence fee (country rules)"),
}


@dataclass(frozen=True)
class CostPart:
    kind: str  # "fee", "accommodation", "visa" or "licence"
    amount: Decimal
    currency: str | None

    @property
    def label(self) -> str:
        return str(_PART_LABELS[self.kind])


@dataclass(frozen=True)
class CostEstimate:
    """`added` make `total` in `currency`; `not_added` are pack fees in another currency."""

    currency: str | None
    added: tuple[CostPart, ...]
    not_added: tuple[CostPart, ...]

    @property
    def total(self) -> Decimal:
        return sum((part.amount for part in self.added), ZERO)

    @property
    def included(self) -> str:
        """What the total adds up, as read: "the fee and accommodation"."""
        return spoken_list(part.label for part in self.added)

    @property
    def known(self) -> bool:
        return bool(self.added or self.not_added)


def pack_fees(opportunity: Any, rules: tuple[ShownRule, ...]) -> list[CostPart]:
    """The highest mandatory fee the pack gives for each kind of rule the opportunity needs (one
    traveller needs one visa and one licence, whichever profession's rule applies)."""
    parts = []
    for kind, flag in _NEEDED_BY.items():
        if not getattr(opportunity, flag):
            continue
        fees = [r for r in rules if r.kind == kind and r.mandatory and r.fee_amount is not None]
        same = [r for r in fees if r.fee_currency == opportunity.fee_currency]
        chosen = max(same or fees, key=lambda r: r.fee_amount, default=None)
        if chosen is not None:
            parts.append(CostPart(kind.value, chosen.fee_amount, chosen.fee_currency))
    return parts


def estimate(session: Session, opportunity: Any) -> CostEstimate:
    """The cost of going, as far as the opportunity and its country's rule pack say."""
    currency = opportunity.fee_currency
    own = [
        CostPart("fee", opportunity.fee_amount, currency) if opportunity.fee_amount else None,
        CostPart("accommodation", opportunity.accommodation_cost, currency)
        if opportunity.accommodation_cost and not opportunity.accommodation_provided
        else None,
    ]
    fees = pack_fees(opportunity, shown_rules(session, opportunity.country_code))
    return CostEstimate(
        currency=currency,
        added=tuple(p for p in own if p is not None)
        + tuple(p for p in fees if currency and p.currency == currency),
        not_added=tuple(p for p in fees if not currency or p.currency != currency),
    )


def _pack_fee(kind: RuleKind) -> Any:
    """The highest mandatory fee of this kind in the opportunity's currency, when it needs one."""
    highest = (
        select(func.max(CountryRule.fee_amount))
        .where(
            CountryRule.country_code == Opportunity.country_code,
            CountryRule.kind == kind.value,
            CountryRule.mandatory.is_(True),
            CountryRule.fee_currency == Opportunity.fee_currency,
        )
        .correlate(Opportunity)
        .scalar_subquery()
    )
    needed = getattr(Opportunity, _NEEDED_BY[kind])
    return case((needed.is_(True), func.coalesce(highest, 0)), else_=literal(0))


def estimated_cost() -> Any:
    """`estimate(...).total` as a SQL expression over Opportunity (0 where nothing is known)."""
    accommodation = case(
        (
            and_(Opportunity.accommodation_provided.is_(False), Opportunity.accommodation_cost.is_not(None)),
            Opportunity.accommodation_cost,
        ),
        else_=literal(0),
    )
    return (
        func.coalesce(Opportunity.fee_amount, 0)
        + accommodation
        + _pack_fee(RuleKind.VISA)
        + _pack_fee(RuleKind.LICENCE)
    )
