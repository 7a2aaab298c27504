"""Local learners' anonymous feedback: the host's links, the form behind each, the answers."""

from matcher.impact import bp
from matcher.impact._stub import stub


@bp.route("/visits/<int:visit_id>/learner-links", methods=["GET", "POST"])
@stub
def learner_links(visit_id: int): ...


@bp.route("/f/<token>", methods=["GET", "POST"])
@stub
def learner_feedback(token: str): ...


@bp.get("/visits/<int:visit_id>/learner-feedback")
@stub
def learner_answers(visit_id: int): ...
