"""The typed models, one module per aggregate; imported here so Alembic sees them all."""

from matcher.models.opportunity import (
    LanguageLevel,
    Opportunity,
    OpportunityLanguage,
    OpportunityStatus,
    OpportunityType,
)
from matcher.models.organisation import Membership, MembershipRole, Organisation, OrganisationInvite
from matcher.models.outbox import OutboxMessage, OutboxStatus
from matcher.models.reference import Country, IncomeGroup, Interest, TrainingLevel
from matcher.models.user import Role, User

__all__ = [
    "Country",
    "IncomeGroup",
    "Interest",
    "LanguageLevel",
    "Membership",
    "MembershipRole",
    "Opportunity",
    "OpportunityLanguage",
    "OpportunityStatus",
    "OpportunityType",
    "Organisation",
    "OrganisationInvite",
    "OutboxMessage",
    "OutboxStatus",
    "Role",
    "TrainingLevel",
    "User",
]
