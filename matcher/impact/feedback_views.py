"""Double-blind feedback: the visitor on the placement, the host on each visitor."""

from matcher.impact import bp
from matcher.impact._stub import stub


@bp.route("/visits/<int:visit_id>/feedback", methods=["GET", "POST"])
@stub
def feedback(visit_id: int): ...


@bp.route("/visits/<int:visit_id>/feedback/<int:user_id>", methods=["GET", "POST"])
@stub
def host_feedback(visit_id: int, user_id: int): ...
