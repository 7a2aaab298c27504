"""The host's local learners at a site and their milestones: the site's list with a form to
register one, and each learner's progress across visits with forms to edit them and to enter a
milestone reached before the platform, or remove one entered by hand. For the site's organisation's
members and coordinators."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from matcher.extensions import db
from matcher.formatting import day
from matcher.impact import bp
from matcher.impact.learner_forms import EditLearnerForm, LearnerForm, MilestoneForm
from matcher.models.impact import LocalLearner
from matcher.models.teaching import Site
from matcher.services.impact import learners as service
from matcher.translate import gettext as _
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form


@bp.route("/sites/<int:site_id>/learners", methods=["GET", "POST"])
@login_required
def learners(site_id: int):
    site = service.site_for(db.session, current_user, site_id)
    form = LearnerForm()
    if form.validate_on_submit():
        added = attempt(service.register, db.session, current_user, site, form.to_data(), form=form)
        if added.ok:
            flash(_("%(name)s is on the list.", name=added.value.name), "success")
            return redirect(url_for("impact.learners", site_id=site.id))
    return render_form("impact/learners.html", form, site=site, rows=service.learners_of(db.session, site))


def _learner_page(
    site: Site,
    learner: LocalLearner,
    edit_form: EditLearnerForm | None = None,
    milestone_form: MilestoneForm | None = None,
):
    """The learner's progress and both forms; 422 when the form sent back carries errors."""
    if edit_form is None:
        edit_form = EditLearnerForm(prefix="learner", formdata=None)
        edit_form.load(learner)
    milestone_form = milestone_form or MilestoneForm(prefix="milestone", formdata=None)
    refused = edit_form if edit_form.errors else milestone_form if milestone_form.errors else None
    page = render_template(
        "impact/learner.html",
        site=site,
        learner=learner,
        progress=service.progress(db.session, learner),
        edit_form=edit_form,
        milestone_form=milestone_form,
        action_form=EmptyForm(formdata=None),
        form=refused,  # the page's title says "Error:" when it has errors
        today=date.today(),
    )
    return page, 422 if refused is not None else 200


@bp.route("/sites/<int:site_id>/learners/<int:learner_id>", methods=["GET", "POST"])
@login_required
def learner(site_id: int, learner_id: int):
    site, found = service.learner_at(db.session, current_user, site_id, learner_id)
    if request.method == "GET":
        return _learner_page(site, found)
    form = EditLearnerForm(prefix="learner")
    if form.validate_on_submit():
        if attempt(service.update, db.session, current_user, found, form.to_data(), form=form).ok:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("impact.learner", site_id=site.id, learner_id=found.id))
    elif "csrf_token" in form.errors:
        abort(400)
    return _learner_page(site, found, edit_form=form)


@bp.post("/sites/<int:site_id>/learners/<int:learner_id>/milestones")
@login_required
def add_milestone(site_id: int, learner_id: int):
    site, found = service.learner_at(db.session, current_user, site_id, learner_id)
    form = MilestoneForm(prefix="milestone")
    if form.validate_on_submit():
        done = attempt(
            service.add_milestone,
            db.session,
            current_user,
            found,
            form.procedure_id,
            form.kind.data or "",
            form.achieved_on.data,
            date.today(),
            form=form,
        )
        if done.ok:
            flash(_("The milestone is saved."), "success")
            return redirect(url_for("impact.learner", site_id=site.id, learner_id=found.id))
    elif "csrf_token" in form.errors:
        abort(400)
    return _learner_page(site, found, milestone_form=form)


@bp.post("/sites/<int:site_id>/learners/<int:learner_id>/milestones/<int:milestone_id>/delete")
@login_required
def remove_milestone(site_id: int, learner_id: int, milestone_id: int):
    site, found = service.learner_at(db.session, current_user, site_id, learner_id)
    service.hand_entered(db.session, found, milestone_id)  # 404, or 409 when from the logbook
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = attempt(service.remove_milestone, db.session, current_user, found, milestone_id)
    if done.ok:
        if done.value is not None:
            flash(
                _(
                    "The first case you entered is removed: the one from the confirmed logbook,"
                    " on %(day)s, shows again.",
                    day=day(done.value.achieved_on),
                ),
                "success",
            )
        else:
            flash(_("The first case you entered is removed."), "success")
    return redirect(url_for("impact.learner", site_id=site.id, learner_id=found.id))
