"""After the visit (issue 22): the logbook, local learners and milestones, completions and
certificates, feedback from three sides (learners' through links that need no account), and the
impact pages and reports. One blueprint; each module adds its routes."""

from flask import Blueprint

bp = Blueprint("impact", __name__)

from matcher.impact import (  # noqa: E402, F401  (their routes join the blueprint)
    certificate_views,
    feedback_views,
    hub_views,
    learner_views,
    link_views,
    log_views,
    report_views,
)
