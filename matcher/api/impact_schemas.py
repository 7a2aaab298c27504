"""The impact API's schemas (issue 22): public aggregates of what visits taught, the query
parameters the views check, and their part of the OpenAPI document (matcher.api.openapi).

The figures are defined in services.impact.figures; only what the hosts confirmed counts, and
only verified organisations' visits."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from matcher.api.schemas import Documented, OrganisationRef, QueryModel
from matcher.services.impact.figures import Breakdown, ImpactFigures
from matcher.services.impact.reports import FIRST_YEAR

REF = "#/components/schemas/{model}"
# `year`: the last year moves with the calendar, so the schema says it in words (a JSON Schema
# maximum is a fixed number); services.impact.reports refuses any year after the current one + 1.


class OrganisationImpactQuery(QueryModel):
    """The parameters of `/api/v1/organisations/{slug}/impact`."""

    year: int | None = Field(None, ge=FIRST_YEAR)
    """Visits that start in this year, and milestones reached in it; left out: all years. From 2000
    to next year (the current year + 1): a later year is refused (400)."""


class ImpactQuery(QueryModel):
    """The parameters of `/api/v1/impact`; all are optional and combine."""

    region: str | None = Field(None, max_length=100)
    """A UN M49 region, such as Africa (the visit's country's)."""
    country: str | None = Field(None, min_length=2, max_length=2)
    """An ISO 3166-1 alpha-2 country code (the visit's country)."""
    year: int | None = Field(None, ge=FIRST_YEAR)
    """Visits that start in this year, and milestones reached in it. From 2000 to next year (the
    current year + 1): a later year is refused (400)."""
    organisation: str | None = Field(None, max_length=100)
    """A verified organisation's short name (its slug)."""


class RoleCases(Documented):
    """Cases by what the local learner did."""

    observed: int
    assisted: int
    supervised: int
    """Performed under supervision."""
    independent: int
    """Performed independently."""


class CategoryFigures(Documented):
    group: str
    """The taxonomy group, in English."""
    label: str
    """The group in the reader's language (Accept-Language)."""
    cases: int
    by_role: RoleCases


class Figures(Documented):
    """What visits taught; each figure is defined on the organisation's impact page."""

    visits: int
    """Visits with a confirmed completion or confirmed logbook entry, by the year they start."""
    visitors: int
    """Different people with a confirmed completion."""
    visit_weeks: float
    """The visits' lengths, first to last day, in weeks (one decimal)."""
    person_weeks: float
    """Each confirmed completion's visit length, in weeks (one decimal)."""
    procedures: int
    procedures_by_role: RoleCases
    procedures_by_category: list[CategoryFigures]
    lectures: int
    lecture_hours: float
    simulation_sessions: int
    simulation_hours: float
    learners_present: int
    local_learners_trained: int
    """Different local learners named in confirmed procedure entries or with a milestone in the period."""
    independent_milestones: int
    """First independent (supervised) cases of a procedure by local learners, in the period."""
    supervised_milestones: int


class YearFigures(Documented):
    year: int
    figures: Figures


class OrganisationImpact(Documented):
    organisation: OrganisationRef
    year: int | None
    """The year the figures are for; null: all years."""
    figures: Figures
    by_year: list[YearFigures]
    """Every year's figures, newest first, whatever `year` is."""
    url: str
    """The organisation's public impact page."""


class Impact(Documented):
    figures: Figures
    """For the filters given (any: every verified organisation's)."""
    by_year: list[YearFigures]
    """The figures of each year within the filters, newest first."""


BODIES: tuple[type[BaseModel], ...] = (OrganisationImpact, Impact)


def _roles(by_role: dict[str, int]) -> RoleCases:
    return RoleCases(**{role: by_role.get(role, 0) for role in RoleCases.model_fields})


def figures_body(f: ImpactFigures, groups: dict[str, str]) -> Figures:
    return Figures(
        visits=f.visits,
        visitors=f.visitors,
        visit_weeks=float(f.visit_weeks),
        person_weeks=float(f.person_weeks),
        procedures=f.procedures,
        procedures_by_role=_roles(f.by_role),
        procedures_by_category=[
            CategoryFigures(
                group=c.group, label=groups.get(c.group, c.group), cases=c.total, by_role=_roles(c.roles)
            )
            for c in f.categories
        ],
        lectures=f.lectures,
        lecture_hours=float(f.lecture_hours),
        simulation_sessions=f.simulations,
        simulation_hours=float(f.simulation_hours),
        learners_present=f.learners_present,
        local_learners_trained=f.learners_trained,
        independent_milestones=f.independent_milestones,
        supervised_milestones=f.supervised_milestones,
    )


def years_body(rows: list[Breakdown], groups: dict[str, str]) -> list[YearFigures]:
    return [YearFigures(year=int(row.key), figures=figures_body(row.figures, groups)) for row in rows]


def impact_operations(query_parameters, json_answer, error, if_none_match, not_modified) -> dict[str, Any]:
    """The impact API's paths, laid out with matcher.api.openapi's helpers."""
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "/api/v1/organisations/{slug}/impact": {
            "get": {
                "summary": "One verified organisation's impact figures",
                "tags": ["impact"],
                "parameters": [slug, *query_parameters(OrganisationImpactQuery), if_none_match],
                "responses": {
                    "200": json_answer(OrganisationImpact, "The figures, and every year's."),
                    "304": not_modified,
                    "400": error("A parameter is unknown or its value is refused; each is named."),
                    "404": error("No verified organisation has this slug."),
                },
            }
        },
        "/api/v1/impact": {
            "get": {
                "summary": "Impact figures of every verified organisation, by region, country, year",
                "tags": ["impact"],
                "parameters": [*query_parameters(ImpactQuery), if_none_match],
                "responses": {
                    "200": json_answer(Impact, "The figures for the filters, and each year's."),
                    "304": not_modified,
                    "400": error("A parameter is unknown or its value is refused; each is named."),
                },
            }
        },
    }
