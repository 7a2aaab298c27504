"""After your visits: the list of visits a person took part in or hosts, and one visit's page."""

from matcher.impact import bp
from matcher.impact._stub import stub


@bp.get("/visits")
@stub
def visits(): ...


@bp.get("/visits/<int:visit_id>")
@stub
def visit(visit_id: int): ...
