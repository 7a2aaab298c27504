"""The typed models, one module per aggregate; imported here so Alembic sees them all."""

from matcher.models.application import MAX_APPLICATIONS, Application, Withdrawal
from matcher.models.job import BackgroundJob, JobStatus
from matcher.models.matching import (
    Match,
    MatchEvent,
    MatchRound,
    MatchRun,
    MatchStatus,
    OutcomeLetter,
    RoundMode,
    RoundStatus,
    Suggestion,
)
from matcher.models.notification import (
    Category,
    DigestItem,
    Frequency,
    NotificationPreference,
    SentOnce,
)
from matcher.models.opportunity import (
    LanguageLevel,
    Opportunity,
    OpportunityLanguage,
    OpportunityStatus,
    OpportunityType,
)
from matcher.models.organisation import Membership, MembershipRole, Organisation, OrganisationInvite
from matcher.models.outbox import OutboxJob, OutboxMessage, OutboxStatus
from matcher.models.profile import (
    AvailabilityWindow,
    PlaceOfInterest,
    PlaceScope,
    Profile,
    ProfileLanguage,
)
from matcher.models.reading import ReadingLink
from matcher.models.reference import Country, DataVersion, IncomeGroup, Interest, TrainingLevel
from matcher.models.user import Role, User

__all__ = [
    "MAX_APPLICATIONS",
    "Application",
    "AvailabilityWindow",
    "BackgroundJob",
    "Category",
    "Country",
    "DataVersion",
    "DigestItem",
    "Frequency",
    "IncomeGroup",
    "Interest",
    "JobStatus",
    "LanguageLevel",
    "Match",
    "MatchEvent",
    "MatchRound",
    "MatchRun",
    "MatchStatus",
    "Membership",
    "MembershipRole",
    "NotificationPreference",
    "Opportunity",
    "OpportunityLanguage",
    "OpportunityStatus",
    "OpportunityType",
    "Organisation",
    "OrganisationInvite",
    "OutboxJob",
    "OutboxMessage",
    "OutboxStatus",
    "OutcomeLetter",
    "PlaceOfInterest",
    "PlaceScope",
    "Profile",
    "ProfileLanguage",
    "ReadingLink",
    "Role",
    "RoundMode",
    "RoundStatus",
    "SentOnce",
    "Suggestion",
    "TrainingLevel",
    "User",
    "Withdrawal",
]
