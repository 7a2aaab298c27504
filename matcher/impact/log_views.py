"""The visit's logbook: visitors record sessions, the host confirms them."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from matcher.db import utcnow
from matcher.extensions import db
from matcher.impact import bp
from matcher.impact.log_forms import ConfirmForm, EntryForm, entry_form
from matcher.models import Opportunity
from matcher.models.impact import LogEntry, SessionKind
from matcher.services.impact import logbook, visits
from matcher.translate import gettext as _
from matcher.translate import ngettext
from matcher.web.forms import EmptyForm, show_error
from matcher.web.usecase import attempt


def _form(visit: Opportunity, entry: LogEntry | None = None, **kwargs) -> EntryForm:
    keep_procedure = entry.procedure_id if entry else None
    keep_learner = entry.local_learner_id if entry else None
    return entry_form(
        logbook.offered_procedures(db.session, keep_procedure),
        logbook.offered_learners(db.session, visit, keep_learner),
        **kwargs,
    )


def _checked(form: EntryForm, visit: Opportunity, today: date, entry: LogEntry | None = None) -> bool:
    """The form is valid and the logbook's rules refuse nothing: every refusal is shown at its
    field at once (the rules' own where the form found nothing wrong with that field)."""
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    problems = logbook.refusals(db.session, visit, form.to_data(), today, current=entry)
    for problem in problems:
        field = getattr(form, problem.field, None) if problem.field else None
        if field is None or not field.errors:
            show_error(form, problem)
    return valid and not problems


def _log_page(visit: Opportunity, standing: visits.Standing, form: EntryForm | None, today: date):
    rows = logbook.entries(db.session, visit.id)
    page = render_template(
        "impact/log.html",
        visit=visit,
        standing=standing,
        rows=rows,
        totals=logbook.totals(rows),
        waiting=sum(1 for entry in rows if not entry.confirmed),
        may_add=standing.visitor and visits.has_started(visit, today),
        entry_form=form,
        form=form,  # the page's title says "Error:" when it has errors
        confirm_form=ConfirmForm(formdata=None),
        action_form=EmptyForm(formdata=None),
        SessionKind=SessionKind,
    )
    return page, 422 if form is not None and form.errors else 200


@bp.route("/visits/<int:visit_id>/log", methods=["GET", "POST"])
@login_required
def log(visit_id: int):
    visit, standing = visits.visit_for(db.session, current_user, visit_id)
    today = date.today()
    if request.method == "POST" and not standing.visitor:
        abort(403)
    if not standing.visitor:
        return _log_page(visit, standing, None, today)
    form = _form(visit, formdata=None if request.method == "GET" else request.form)
    if request.method == "POST" and _checked(form, visit, today):
        done = attempt(logbook.add, db.session, current_user, visit.id, form.to_data(), today, form=form)
        if done.ok:
            flash(_("The session is in the logbook. The host will confirm it."), "success")
            return redirect(url_for("impact.log", visit_id=visit.id, _anchor=f"entry-{done.value.id}"))
    return _log_page(visit, standing, form, today)


@bp.route("/visits/<int:visit_id>/log/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_entry(visit_id: int, entry_id: int):
    visit, entry = logbook.own_entry(db.session, current_user, visit_id, entry_id)
    today = date.today()
    form = _form(visit, entry, formdata=None if request.method == "GET" else request.form)
    if request.method == "GET":
        form.load(entry)
    elif _checked(form, visit, today, entry):
        done = attempt(
            logbook.change, db.session, current_user, visit.id, entry.id, form.to_data(), today, form=form
        )
        if done.ok:
            flash(_("The entry is changed."), "success")
            return redirect(url_for("impact.log", visit_id=visit.id, _anchor=f"entry-{entry.id}"))
    page = render_template("impact/log_entry.html", visit=visit, entry=entry, form=form, entry_form=form)
    return page, 422 if form.errors else 200


@bp.post("/visits/<int:visit_id>/log/<int:entry_id>/delete")
@login_required
def delete_entry(visit_id: int, entry_id: int):
    logbook.own_entry(db.session, current_user, visit_id, entry_id)  # 404, or 409 once confirmed
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(logbook.remove, db.session, current_user, visit_id, entry_id).ok:
        flash(_("The entry is deleted."), "success")
    return redirect(url_for("impact.log", visit_id=visit_id))


@bp.post("/visits/<int:visit_id>/log/confirm")
@login_required
def confirm_log(visit_id: int):
    visit, standing = visits.visit_for(db.session, current_user, visit_id)
    if not standing.host:
        abort(403)
    form = ConfirmForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Tick the entries to confirm."), "error")
        return redirect(url_for("impact.log", visit_id=visit.id))
    chosen = None if form.all.data else list(dict.fromkeys(form.entry.data or []))
    if chosen == []:
        flash(_("Tick the entries to confirm."), "error")
        return redirect(url_for("impact.log", visit_id=visit.id))
    done = attempt(logbook.confirm, db.session, current_user, visit.id, chosen, utcnow())
    if done.ok:
        count = done.value or 0
        message = ngettext("%(num)d entry confirmed.", "%(num)d entries confirmed.", count)
        left = len(chosen) - count if chosen is not None else 0
        if left:
            message += " " + ngettext(
                "%(num)d was already confirmed or is not in this logbook: it is left as it was.",
                "%(num)d were already confirmed or are not in this logbook: they are left as they were.",
                left,
            )
        flash(message, "success" if count else "info")
    return redirect(url_for("impact.log", visit_id=visit.id))
