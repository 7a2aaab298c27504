"""The API's schemas (pydantic v2): the query parameters the views validate, and the items they
serialise. The OpenAPI document (matcher.api.openapi) is built from these same classes, so what
the documentation says is what the views check and send."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.models import LanguageLevel, OpportunityType
from matcher.models.teaching import Availability, Resource
from matcher.services.search_filters import MAX_PER_PAGE

OpportunityKind = Literal[tuple(t.value for t in OpportunityType)]  # type: ignore[valid-type]
LanguageLevelCode = Literal[tuple(v.value for v in LanguageLevel)]  # type: ignore[valid-type]
ResourceCode = Literal[tuple(r.value for r in Resource)]  # type: ignore[valid-type]
AvailabilityCode = Literal[tuple(a.value for a in Availability)]  # type: ignore[valid-type]
# The page also sorts by match score, for a signed-in applicant; the API has no applicant.
ApiSort = Literal["start", "deadline", "newest"]
PageNumber = Annotated[int, Field(ge=1, le=10_000, description="The page, from 1.")]
PerPage = Annotated[int, Field(ge=1, le=MAX_PER_PAGE, description=f"Items per page, at most {MAX_PER_PAGE}.")]


class QueryModel(BaseModel):
    """Query parameters: any other name is refused (a typo must not widen the results)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class OpportunityQuery(QueryModel):
    """Filters of `/api/v1/opportunities` and of the Atom feeds; all are optional."""

    organisation: list[str] = Field(
        default_factory=list,
        description="A verified organisation's short name (its slug); repeat for any of several.",
        examples=[["road2ir", "rad-aid"]],
    )
    region: str | None = Field(None, max_length=100, description="A UN M49 region, such as Africa.")
    subregion: list[str] = Field(
        default_factory=list, description="UN M49 sub-regions or groupings, any of; repeatable."
    )
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code.")
    type: OpportunityKind | None = Field(None, description="The kind of opportunity.")
    level: str | None = Field(None, max_length=100, description="A training level code it accepts, e.g. ms5.")
    interest: list[str] = Field(default_factory=list, description="Interest slugs, any of; repeatable.")
    starts_after: date | None = Field(None, description="Available from this day (the dates overlap).")
    ends_before: date | None = Field(None, description="Available until this day (the dates overlap).")
    language: str | None = Field(None, max_length=3, description="A language it uses (ISO 639-1).")
    open: bool | None = Field(None, description="Only with places left and a deadline not passed.")
    q: str | None = Field(None, max_length=200, description="Words in the title or description.")
    sort: ApiSort = Field("start", description="The order of the items.")
    page: PageNumber = 1
    per_page: PerPage = 20


class NoQuery(QueryModel):
    """An endpoint that takes no parameters."""


class PagingQuery(QueryModel):
    """The parameters of `/api/v1/organisations`."""

    page: PageNumber = 1
    per_page: PerPage = MAX_PER_PAGE


class OrganisationRef(BaseModel):
    id: int
    name: str
    slug: str


class LanguageNeed(BaseModel):
    code: str = Field(description="ISO 639-1.")
    level: LanguageLevelCode = Field(description="The least level accepted.")


class Fee(BaseModel):
    amount: str = Field(pattern=r"^\d+\.\d{2}$", description="A decimal number, as text to keep it exact.")
    currency: str | None = Field(description="ISO 4217 code.")


class Requirements(BaseModel):
    visa: bool
    temporary_licence: bool
    indemnity: bool
    immunisations: bool
    text: str = Field(description="The host's own words, in the opportunity's `written_in` language.")


class Readiness(BaseModel):
    assessed_on: date | None = Field(description="When the site last checked its readiness profile.")
    resources: dict[ResourceCode, AvailabilityCode] = Field(
        description="Each resource the site has described: yes, limited or no."
    )


class SiteSummary(BaseModel):
    id: int
    name: str
    city: str
    country: str
    readiness: Readiness


class Procedure(BaseModel):
    code: str
    label: str = Field(description="In English, as the taxonomy names it.")


class RoleWanted(BaseModel):
    profession: str = Field(description="A profession code, such as ir-nurse.")
    minimum: int
    maximum: int


class TeachingNeeds(BaseModel):
    """What the teaching request this visit answers asks for."""

    mode: str
    procedures: list[Procedure]
    roles: list[RoleWanted]


class OpportunityItem(BaseModel):
    id: int
    title: str
    type: OpportunityKind
    organisation: OrganisationRef
    country: str
    region: str
    subregion: str
    levels: list[str] = Field(min_length=2, max_length=2, description="The lowest and highest level codes.")
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
    written_in: str = Field(description="The language the host wrote the texts in.")
    fee: Fee | None = Field(description="None: no fee.")
    accommodation_provided: bool
    stipend_provided: bool
    requirements: Requirements
    site: SiteSummary | None
    teaching_needs: TeachingNeeds | None
    url: str


class OpportunityPage(BaseModel):
    items: list[OpportunityItem]
    page: int
    per_page: int
    total: int


class OrganisationItem(BaseModel):
    id: int
    name: str
    slug: str
    description: str
    website: str | None
    country: str | None
    countries: list[str]
    url: str


class OrganisationPage(BaseModel):
    items: list[OrganisationItem]
    page: int
    per_page: int
    total: int


class Problem(BaseModel):
    parameter: str
    message: str


class ErrorDetail(BaseModel):
    status: int
    title: str
    message: str | None = Field(None, description="What went wrong, when no parameter is to blame.")
    problems: list[Problem] = Field(default_factory=list, description="Each refused parameter, by name.")


class ErrorBody(BaseModel):
    error: ErrorDetail
