"""The API's schemas (pydantic v2): the query parameters the views validate, and the items they
serialise. The OpenAPI document (matcher.api.openapi) is built from these same classes, so what
the documentation says is what the views check and send.

Each field's description is the string under it (pydantic's attribute docstrings): the document
and the /api page are in English, like the codes they describe, whatever the reader's language.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.models import LanguageLevel, OpportunityType
from matcher.models.teaching import Availability, Resource
from matcher.services.search_filters import DEFAULT_PER_PAGE, MAX_PER_PAGE

OpportunityKind = Literal[tuple(t.value for t in OpportunityType)]  # type: ignore[valid-type]
LanguageLevelCode = Literal[tuple(v.value for v in LanguageLevel)]  # type: ignore[valid-type]
ResourceCode = Literal[tuple(r.value for r in Resource)]  # type: ignore[valid-type]
AvailabilityCode = Literal[tuple(a.value for a in Availability)]  # type: ignore[valid-type]
# The page also sorts by match score, for a signed-in applicant; the API has no applicant.
ApiSort = Literal["start", "deadline", "newest", "cost"]


class Documented(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class QueryModel(Documented):
    """Query parameters: any other name is refused (a typo must not widen the results)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class OpportunityQuery(QueryModel):
    """Filters of `/api/v1/opportunities` and of the Atom feeds; all are optional."""

    organisation: list[str] = Field(default_factory=list, examples=[["road2ir", "rad-aid"]])
    """A verified organisation's short name (its slug); repeat it for any of several."""
    region: str | None = Field(None, max_length=100)
    """A UN M49 region, such as Africa."""
    subregion: list[str] = Field(default_factory=list)
    """UN M49 sub-regions or groupings, any of; repeatable."""
    country: str | None = Field(None, min_length=2, max_length=2)
    """An ISO 3166-1 alpha-2 country code."""
    type: OpportunityKind | None = None
    """The kind of opportunity."""
    level: str | None = Field(None, max_length=100)
    """A training level code the opportunity accepts, such as ms5."""
    interest: list[str] = Field(default_factory=list)
    """Interest slugs, any of; repeatable."""
    starts_after: date | None = None
    """Available from this day (the opportunity's dates overlap the range)."""
    ends_before: date | None = None
    """Available until this day (the opportunity's dates overlap the range)."""
    language: str | None = Field(None, max_length=3)
    """A language the opportunity uses (ISO 639-1)."""
    open: bool | None = None
    """Only opportunities with places left whose deadline has not passed."""
    fee_waiver: bool | None = None
    """Only opportunities that waive their fee for trainees from low- and middle-income countries."""
    travel_grant: bool | None = None
    """Only opportunities that offer a travel grant."""
    other_way: bool | None = None
    """Only hosts in high-income countries (places for trainees from low- and middle-income ones)."""
    max_cost: str | None = Field(None, max_length=12, pattern=r"^\d+(\.\d+)?$", examples=["1500"])
    """The highest estimated cost (fee, accommodation, the country's visa and licence fees), in each
    opportunity's own currency: amounts are not converted."""
    q: str | None = Field(None, max_length=200)
    """Words in the title or description."""
    sort: ApiSort = "start"
    """The order of the items."""
    page: int = Field(1, ge=1, le=10_000)
    """The page, from 1."""
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    """Items per page."""


class NoQuery(QueryModel):
    """An endpoint that takes no parameters."""


class PagingQuery(QueryModel):
    """The parameters of `/api/v1/organisations`."""

    page: int = Field(1, ge=1, le=10_000)
    """The page, from 1."""
    per_page: int = Field(MAX_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    """Items per page."""


class OrganisationRef(Documented):
    id: int
    name: str
    slug: str


class LanguageNeed(Documented):
    code: str
    """ISO 639-1."""
    level: LanguageLevelCode
    """The least level accepted."""


class Fee(Documented):
    amount: str = Field(pattern=r"^\d+\.\d{2}$")
    """A decimal number, as text to keep it exact."""
    currency: str | None
    """An ISO 4217 currency code."""


class Requirements(Documented):
    visa: bool
    temporary_licence: bool
    indemnity: bool
    immunisations: bool
    text: str
    """The host's own words, in the opportunity's `written_in` language."""


class Readiness(Documented):
    assessed_on: date | None
    """When the site last checked its readiness profile."""
    resources: dict[ResourceCode, AvailabilityCode]
    """Each resource the site has described: yes, limited or no."""


class SiteSummary(Documented):
    id: int
    name: str
    city: str
    country: str
    readiness: Readiness


class Procedure(Documented):
    code: str
    label: str
    """In the reader's language (Accept-Language), as the taxonomy names it."""


class RoleWanted(Documented):
    profession: str
    """A profession code, such as ir-nurse."""
    minimum: int
    maximum: int


class TeachingNeeds(Documented):
    """What the teaching request this visit answers asks for."""

    mode: str
    procedures: list[Procedure]
    roles: list[RoleWanted]


class OpportunityItem(Documented):
    id: int
    title: str
    type: OpportunityKind
    organisation: OrganisationRef
    country: str
    region: str
    subregion: str
    levels: list[str] = Field(min_length=2, max_length=2)
    """The lowest and highest training level codes accepted."""
    interests: list[str]
    languages: list[LanguageNeed]
    starts_on: date
    ends_on: date
    flexible: bool
    min_weeks: int | None
    capacity: int
    places_left: int
    deadline: date | None
    description: str
    written_in: str
    """The language the host wrote the texts in."""
    fee: Fee | None
    """Null: no fee."""
    accommodation_provided: bool
    accommodation_cost: Fee | None
    """Null: not given (or accommodation is provided). In the fee's currency."""
    stipend_provided: bool
    fee_waiver: bool
    """The fee is waived for trainees from low- and middle-income countries."""
    travel_grant: bool
    requirements: Requirements
    site: SiteSummary | None
    teaching_needs: TeachingNeeds | None
    url: str


class OpportunityPage(Documented):
    items: list[OpportunityItem]
    page: int
    per_page: int
    total: int


class OrganisationItem(Documented):
    id: int
    name: str
    slug: str
    description: str
    website: str | None
    country: str | None
    countries: list[str]
    url: str


class OrganisationPage(Documented):
    items: list[OrganisationItem]
    page: int
    per_page: int
    total: int


class Problem(Documented):
    parameter: str
    message: str


class ErrorDetail(Documented):
    status: int
    title: str
    message: str | None = None
    """What went wrong, when no parameter is to blame."""
    problems: list[Problem] = Field(default_factory=list)
    """Each refused parameter, by name."""


class ErrorBody(Documented):
    error: ErrorDetail
