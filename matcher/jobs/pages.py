"""The progress page of a background job, and its Retry button (coordinators and admins)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from matcher.extensions import db
from matcher.jobs import lifecycle, words
from matcher.models import BackgroundJob, Role
from matcher.services.matching.rounds import RUN_JOB_KIND
from matcher.services.teams.builds import BUILD_JOB_KIND
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.forms import AppForm
from matcher.web.usecase import attempt

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
STAFF = (Role.COORDINATOR, Role.ADMIN)


class RetryForm(AppForm):
    """Only the CSRF token: the job is in the URL."""


def _job(job_id: int) -> BackgroundJob:
    return db.session.get(BackgroundJob, job_id) or abort(404)


def _back(job: BackgroundJob) -> tuple[str, str] | None:
    """Where the job was started from: (link, its words)."""
    if job.kind == RUN_JOB_KIND and job.parameters.get("round_id"):
        return url_for("rounds.show", round_id=job.parameters["round_id"]), _("Back to the round")
    if job.kind == BUILD_JOB_KIND and job.parameters.get("build_id"):
        return url_for("teams.build", build_id=job.parameters["build_id"]), _("Back to the team build")
    return None


@bp.get("/<int:job_id>")
@role_required(*STAFF)
def show(job_id: int):
    job = _job(job_id)
    return render_template(
        "jobs/show.html", job=job, form=RetryForm(), back=_back(job), shown=words.shown, status=words.status
    )


@bp.post("/<int:job_id>/retry")
@role_required(*STAFF)
def retry(job_id: int):
    job = _job(job_id)
    if not RetryForm().validate_on_submit():
        abort(400)
    retried = attempt(lifecycle.retry, db.session, current_user, job)
    if not retried.ok:  # the refusal is flashed
        return redirect(url_for("jobs.show", job_id=job_id), 303)
    if retried.value.id != job_id:
        flash(_("Another run of this is already under way: here it is."), "info")
    else:
        flash(_("Queued again."), "success")
    return redirect(url_for("jobs.show", job_id=retried.value.id), 303)
