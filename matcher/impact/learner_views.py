"""The host's local learners at a site and their milestones."""

from matcher.impact import bp
from matcher.impact._stub import stub


@bp.route("/sites/<int:site_id>/learners", methods=["GET", "POST"])
@stub
def learners(site_id: int): ...


@bp.route("/sites/<int:site_id>/learners/<int:learner_id>", methods=["GET", "POST"])
@stub
def learner(site_id: int, learner_id: int): ...
