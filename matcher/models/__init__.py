"""The typed models, one module per aggregate; imported here so Alembic sees them all."""

from matcher.models.organisation import Membership, MembershipRole, Organisation
from matcher.models.outbox import OutboxMessage, OutboxStatus
from matcher.models.reference import Country, IncomeGroup, Interest, TrainingLevel
from matcher.models.user import Role, User

__all__ = [
    "Country",
    "IncomeGroup",
    "Interest",
    "Membership",
    "MembershipRole",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "Role",
    "TrainingLevel",
    "User",
]
