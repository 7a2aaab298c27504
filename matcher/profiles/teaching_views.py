"""The volunteer teaching page: what a trainee, physician, nurse or radiographer offers to teach."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, url_for
from flask_login import current_user

from matcher.extensions import db
from matcher.formatting import month_name
from matcher.models.user import APPLICANT_ROLES
from matcher.profiles import bp
from matcher.profiles.teaching_forms import teaching_form
from matcher.services import volunteers
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.usecase import attempt, render_form


@bp.app_template_filter("month_name")
def month_name_filter(number: int) -> str:
    return month_name(number)


@bp.app_template_global("teaching_skills")
def teaching_skills(profile) -> dict:
    """{"teach": [procedures], "assist": [procedures]} of a volunteer's profile."""
    return volunteers.skills_by_level(profile)


@bp.app_template_global("licence_expired")
def licence_expired(licence) -> bool:
    return volunteers.is_expired(licence, date.today())


@bp.app_template_global("teaching_offer")
def teaching_offer(user) -> dict | None:
    """For the dashboard and the profile page: None unless the user's profession teaches; then
    whether they volunteer and whether they are listed."""
    if not user.is_authenticated:
        return None
    teaches, volunteers_to_teach, listed = volunteers.offer_of(db.session, user)
    return {"volunteers": volunteers_to_teach, "listed": listed} if teaches else None


@bp.route("/profile/teaching", methods=["GET", "POST"])
@role_required(*APPLICANT_ROLES)
def teaching():
    # A student gets a 403 page that says who can teach (PermissionDenied, app-wide handler).
    volunteers.require_teacher(db.session, current_user)
    profile = volunteers.teaching_profile(db.session, current_user)
    form = teaching_form(volunteers.offered_procedures(db.session), profile)
    if form.validate_on_submit():
        saved = attempt(
            volunteers.save_teaching_profile,
            db.session,
            current_user,
            form.to_data(),
            date.today(),
            form=form,
        )
        if saved.ok:
            flash(
                _("Your teaching profile is saved.")
                if saved.value.volunteers_to_teach
                else _("Your teaching profile is saved. You do not volunteer to teach for now."),
                "success",
            )
            return redirect(url_for("profiles.teaching"))
        profile = volunteers.teaching_profile(db.session, current_user)
    elif not form.is_submitted():
        form.load(profile)
    return render_form(
        "profiles/teaching.html",
        form,
        profile=profile,
        groups=volunteers.grouped_procedures(form.procedures),
        today=date.today(),
        is_expired=volunteers.is_expired,
    )
