"""The unmatched applicants of a run, page by page (a national run leaves tens of thousands)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User
from matcher.rounds import bp
from matcher.rounds.views import STAFF, get_run
from matcher.services.matching import reports
from matcher.services.search import SearchPage
from matcher.web.access import role_required
from matcher.web.converters import as_id

PER_PAGE = 100


@bp.get("/runs/<int:run_id>/unmatched")
@role_required(*STAFF)
def unmatched(run_id: int):
    run = get_run(run_id)
    number = max(request.args.get("page", 1, type=as_id) or 1, 1)
    shown = reports.unmatched_slice(db.session, run, (number - 1) * PER_PAGE, PER_PAGE)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([int(a) for a, _ in shown])))}
    total = (run.counts or {}).get("unmatched", 0)
    page = SearchPage(items=[], total=total, page=number, per_page=PER_PAGE)
    return render_template(
        "rounds/unmatched.html", run=run, page=page, unmatched=shown, unmatched_users=users
    )
