"""The API's items, built as the schemas (matcher.api.schemas) say: what the views send."""

from __future__ import annotations

from decimal import Decimal

from flask import url_for

from matcher.api.schemas import (
    Fee,
    LanguageNeed,
    OpportunityItem,
    OrganisationItem,
    OrganisationRef,
    Procedure,
    Readiness,
    Requirements,
    RoleWanted,
    SiteSummary,
    TeachingNeeds,
)
from matcher.formatting import label_for
from matcher.models import Opportunity, Organisation
from matcher.models.teaching import Site, TeachingRequest
from matcher.services.listing import ListedOpportunity


def opportunity_link() -> str:
    """The API's link to an opportunity page, but for the id (an integer): built once per list."""
    return url_for("opportunities.show", opportunity_id=0, _external=True).removesuffix("0")


def _fee(amount: Decimal | None, currency: str | None) -> Fee | None:
    return None if not amount else Fee(amount=f"{amount:.2f}", currency=currency)


def _site(site: Site | None) -> SiteSummary | None:
    if site is None:
        return None
    readiness = Readiness(assessed_on=site.assessed_on, resources=site.availability())
    return SiteSummary(
        id=site.id, name=site.name, city=site.city, country=site.country_code, readiness=readiness
    )


def _teaching_needs(request: TeachingRequest | None) -> TeachingNeeds | None:
    if request is None:
        return None
    return TeachingNeeds(
        mode=request.mode,
        procedures=[Procedure(code=p.code, label=label_for(p)) for p in request.procedures],
        roles=[
            RoleWanted(profession=r.profession_code, minimum=r.minimum, maximum=r.maximum)
            for r in request.roles
        ],
    )


def opportunity_item(
    listed: Opportunity | ListedOpportunity, details: Opportunity, levels: dict[int, str], link: str
) -> OpportunityItem:
    """One opportunity: `listed` gives what a listing reads, `details` the rest (opportunity_details)."""
    org = listed.organisation
    return OpportunityItem(
        id=listed.id,
        title=listed.title,
        type=listed.type,
        organisation=OrganisationRef(id=org.id, name=org.name, slug=org.slug),
        country=listed.country_code,
        region=listed.country.region,
        subregion=listed.country.subregion,
        levels=[levels[listed.level_min], levels[listed.level_max]],
        interests=[i.slug for i in listed.interests],
        languages=[LanguageNeed(code=x.language, level=x.level) for x in listed.languages],
        starts_on=listed.starts_on,
        ends_on=listed.ends_on,
        flexible=listed.flexible,
        min_weeks=listed.min_weeks,
        capacity=listed.capacity,
        places_left=listed.places_left,
        deadline=listed.deadline,
        description=details.description,
        written_in=details.written_in,
        fee=_fee(details.fee_amount, details.fee_currency),
        accommodation_provided=details.accommodation_provided,
        accommodation_cost=None
        if details.accommodation_provided
        else _fee(details.accommodation_cost, details.fee_currency),
        stipend_provided=details.stipend_provided,
        fee_waiver=details.fee_waiver,
        travel_grant=details.travel_grant,
        requirements=Requirements(
            visa=details.needs_visa,
            temporary_licence=details.needs_temporary_licence,
            indemnity=details.needs_indemnity,
            immunisations=details.needs_immunisations,
            text=details.requirements,
        ),
        site=_site(details.site),
        teaching_needs=_teaching_needs(details.teaching_request),
        url=f"{link}{listed.id}",
    )


def organisation_item(organisation: Organisation) -> OrganisationItem:
    return OrganisationItem(
        id=organisation.id,
        name=organisation.name,
        slug=organisation.slug,
        description=organisation.description,
        website=organisation.website,
        country=organisation.country_code,
        countries=[c.iso2 for c in organisation.countries],
        url=url_for("organisations.show", slug=organisation.slug, _external=True),
    )
