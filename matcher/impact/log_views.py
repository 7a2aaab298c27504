"""The visit's logbook: visitors record sessions, the host confirms them."""

from matcher.impact import bp
from matcher.impact._stub import stub


@bp.route("/visits/<int:visit_id>/log", methods=["GET", "POST"])
@stub
def log(visit_id: int): ...
