"""The write API's request bodies and answers (pydantic v2), beside the read API's schemas.

A body carries the fields of the opportunity form, under the names the service layer uses
(services.opportunities.OpportunityData), so a refusal names the same field whether it comes from
these schemas or from the service's rules. The limits here are the form's own.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, EmailStr, Field

from matcher.api.schemas import Documented, LanguageNeed, OpportunityItem, OpportunityKind
from matcher.models import OpportunityStatus
from matcher.models.opportunity import CONTENT_LANGUAGES

StatusCode = Literal[tuple(s.value for s in OpportunityStatus)]  # type: ignore[valid-type]
ContentLanguage = Literal[tuple(CONTENT_LANGUAGES)]  # type: ignore[valid-type]


class OpportunityInput(Documented):
    """An opportunity as its organisation writes it; any other field is refused by name."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20000)
    type: OpportunityKind
    host_institution: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    country_code: str = Field(min_length=2, max_length=2)
    """ISO 3166-1 alpha-2, such as TZ."""
    level_min: str
    """The lowest training level code accepted (see the levels of an opportunity item)."""
    level_max: str
    """The highest training level code accepted."""
    starts_on: date
    ends_on: date
    capacity: int = Field(ge=1, le=1000)
    interests: list[str] = Field(min_length=1)
    """Interest slugs, such as pph-embolisation."""
    languages: list[LanguageNeed] = Field(default_factory=list, max_length=3)
    flexible: bool = False
    """The applicant chooses their dates within the window; then min_weeks is needed."""
    min_weeks: int | None = Field(default=None, ge=1, le=104)
    fee_amount: Decimal | None = Field(default=None, ge=0, le=1_000_000, decimal_places=2)
    fee_currency: str | None = Field(default=None, min_length=3, max_length=3)
    """ISO 4217, such as USD; needed with a fee."""
    accommodation_provided: bool = False
    stipend_provided: bool = False
    deadline: date | None = None
    """The last day to apply: on or before the start."""
    requirements: str = Field(default="", max_length=5000)
    needs_visa: bool = False
    needs_temporary_licence: bool = False
    needs_indemnity: bool = False
    needs_immunisations: bool = False
    contact_name: str = Field(default="", max_length=120)
    contact_email: EmailStr | Literal[""] = ""
    written_in: ContentLanguage = "en"  # type: ignore[valid-type]
    """The language the texts are written in."""
    summaries: dict[str, str] = Field(default_factory=dict)
    """Short summaries in other languages, by language code."""
    site_id: int | None = None
    """One of your organisation's sites, for a teaching visit."""


class OpportunityRecord(OpportunityItem):
    """An opportunity as its organisation sees it through the write API: with its status."""

    status: StatusCode  # type: ignore[valid-type]
    """draft, published, closed or archived."""
