"""Impact pages: an organisation's public page, coordinators' reports, CSV, the funders' report."""

from matcher.impact import bp
from matcher.impact._stub import stub


@bp.get("/organisations/<slug>/impact")
@stub
def organisation_impact(slug: str): ...


@bp.get("/coordination/impact")
@stub
def reports(): ...
