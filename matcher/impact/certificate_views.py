"""Completions the host confirms, the visitor's printable certificate, and its public check."""

from matcher.impact import bp
from matcher.impact._stub import stub


@bp.post("/visits/<int:visit_id>/completions/<int:user_id>")
@stub
def confirm_completion(visit_id: int, user_id: int): ...


@bp.get("/visits/<int:visit_id>/certificate")
@stub
def certificate(visit_id: int): ...


@bp.get("/certificates/<code>")
@stub
def verify_certificate(code: str): ...
