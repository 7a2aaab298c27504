"""CSV exports for coordinators: one run's matches, and every published placement.

Headers and statuses are in the exporter's language (people read them in a spreadsheet); dates stay
ISO 8601 and scores plain decimals, so that the columns sort and compute in any spreadsheet.
"""

from __future__ import annotations

from matcher.extensions import db
from matcher.models.matching import PUBLISHED_OR_LATER, Match, MatchStatus
from matcher.rounds import bp
from matcher.rounds.views import STAFF, get_run
from matcher.services.matching import reports
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.csv_export import csv_response


@bp.get("/runs/<int:run_id>/matches.csv")
@role_required(*STAFF)
def export_run(run_id: int):
    run = get_run(run_id)
    matches = reports.matches_for_export(db.session, Match.run_id == run.id)
    rows = (
        [
            m.id,
            MatchStatus.label_for(m.status),
            m.applicant.name if m.applicant else _("(deleted account)"),
            m.applicant.email if m.applicant else "",
            m.opportunity.title,
            m.opportunity.organisation.name,
            m.opportunity.country_code,
            f"{m.score:.3f}",
            m.applicant_rank,
            m.host_rank,
            m.reason or "",
        ]
        for m in matches
    )
    header = [
        _("Match"),
        _("Status"),
        _("Applicant"),
        _("Email"),
        _("Opportunity"),
        _("Organisation"),
        _("Country"),
        _("Score"),
        _("Applicant's rank"),
        _("Host's rank"),
        _("Reason"),
    ]
    return csv_response(f"round-{run.round_id}-run-{run.number}.csv", header, rows)


@bp.get("/placements.csv")
@role_required(*STAFF)
def export_placements():
    matches = reports.matches_for_export(db.session, Match.status.in_(PUBLISHED_OR_LATER))
    rows = (
        [
            m.id,
            MatchStatus.label_for(m.status),
            m.applicant.name if m.applicant else _("(deleted account)"),
            m.opportunity.title,
            m.opportunity.organisation.name,
            m.opportunity.starts_on,
            m.opportunity.ends_on,
            m.response_deadline,
        ]
        for m in matches
    )
    header = [
        _("Match"),
        _("Status"),
        _("Applicant"),
        _("Opportunity"),
        _("Organisation"),
        _("Starts on"),
        _("Ends on"),
        _("Reply by"),
    ]
    return csv_response("placements.csv", header, rows)
