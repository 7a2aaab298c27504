"""Profile pages: your own (edit, CV, data export, account deletion) and others' when allowed."""

from __future__ import annotations

import json
from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user
from werkzeug.exceptions import RequestEntityTooLarge

from matcher import uploads
from matcher.errors import render_error
from matcher.extensions import db
from matcher.models import Profile, User
from matcher.models.user import APPLICANT_ROLES
from matcher.profiles import bp
from matcher.profiles.forms import CvForm, DeleteAccountForm, ProfileForm
from matcher.services import cvs, privacy, professions, profile_access, profiles, volunteers
from matcher.services.errors import DomainError
from matcher.services.profile_reads import full_profile
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.forms import EmptyForm, show_error
from matcher.web.usecase import attempt, render_form

APPLICANTS = tuple(APPLICANT_ROLES)


@bp.app_template_global("language_level")
def language_level(code: str) -> str:
    """How well someone speaks a language, in the reader's words ("conversational")."""
    return str(profiles.LANGUAGE_LEVELS.get(code, code))


@bp.app_template_global("grade_label")
def grade_label(profession, code: str | None) -> str:
    """A grade of a profession, in the reader's words ("Staff nurse")."""
    return professions.grade_label(profession, code)


def _own_page(cv_form: CvForm | None = None, status: int = 200):
    profile = volunteers.load_teaching(db.session, full_profile(db.session, current_user.id))
    return render_template(
        "profiles/mine.html",
        profile=profile,
        applicant=current_user,
        completeness=profiles.completeness(profile),
        cv_form=cv_form or CvForm(),
        action_form=EmptyForm(formdata=None),  # its buttons post elsewhere; never reads this body
        language_name=profiles.language_name,
    ), status


@bp.get("/profile")
@role_required(*APPLICANTS)
def mine():
    return _own_page()


def _edit_page(form: ProfileForm, status: int | None = None):
    page, code = render_form(
        "profiles/edit.html",
        form,
        profile=profiles.profile_of(db.session, current_user),
        profession=professions.profession_of(db.session, current_user),
    )
    return page, status or code


@bp.route("/profile/edit", methods=["GET", "POST"])
@role_required(*APPLICANTS)
def edit():
    form = ProfileForm(professions.profession_of(db.session, current_user))
    if form.validate_on_submit():
        upload = form.cv.data
        saved = attempt(
            cvs.save_profile,
            db.session,
            current_user,
            form.to_data(),
            date.today(),
            upload.stream if upload else None,
            upload.filename if upload else None,
            form=form,
        )
        if saved.ok:
            flash(
                _("Your profile is saved and complete.")
                if profiles.is_complete(saved.value)
                else _("Your profile is saved. Fill in the rest so that the matching can use it."),
                "success",
            )
            return redirect(url_for("profiles.mine"))
    elif not form.is_submitted():
        form.load(profiles.profile_of(db.session, current_user))
    if form.errors and form.cv.data and not form.cv.errors:
        # Browsers never send a chosen file again: say so, rather than let it vanish unnoticed.
        form.cv.errors = [_("Nothing was saved yet: choose your CV file again.")]
    return _edit_page(form)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A body over MAX_CONTENT_LENGTH on a form with a CV is a CV too large: the form says so at its
    field, at the form's own address. The body is never read again here (that would raise again)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    over_length = limit is not None and (request.content_length or 0) > limit
    if not (over_length and current_user.is_authenticated and current_user.is_applicant):
        return render_error(413)
    if request.endpoint == "profiles.edit":
        form = ProfileForm(professions.profession_of(db.session, current_user), formdata=None)
        form.load(profiles.profile_of(db.session, current_user))
        lost = _("Your changes were not saved: make them again.")
        show_error(form, DomainError(f"{uploads.CV_TOO_LARGE} {lost}", "cv"))
        return _edit_page(form, 413)
    if request.endpoint == "profiles.upload_cv":
        cv_form = CvForm(formdata=None)
        show_error(cv_form, DomainError(str(uploads.CV_TOO_LARGE), "cv"))
        return _own_page(cv_form=cv_form, status=413)
    return render_error(413)


# The form posts to the page it is on, so that after an error the address is still /profile;
# /profile/cv stays for clients that post there.
@bp.post("/profile/cv")
@bp.post("/profile")  # registered first, so url_for("profiles.upload_cv") gives /profile
@role_required(*APPLICANTS)
def upload_cv():
    form = CvForm()
    if form.validate_on_submit():
        upload = form.cv.data
        if attempt(cvs.replace_cv, db.session, current_user, upload.stream, upload.filename, form=form).ok:
            flash(_("Your CV is uploaded."), "success")
            return redirect(url_for("profiles.mine"))
    return _own_page(cv_form=form, status=422)


@bp.post("/profile/cv/delete")
@role_required(*APPLICANTS)
def delete_cv():
    if EmptyForm().validate_on_submit() and attempt(cvs.remove_cv, db.session, current_user).ok:
        flash(_("Your CV is deleted."), "success")
    return redirect(url_for("profiles.mine"))


@bp.get("/profile/cv")
@role_required(*APPLICANTS)
def own_cv():
    return _send_cv(current_user.id)


@bp.get("/profiles/<int:user_id>")
@login_required
def show(user_id: int):
    if user_id == current_user.id and current_user.is_applicant:
        return redirect(url_for("profiles.mine"))
    applicant, profile = profile_access.applicant_for_viewer(db.session, current_user, user_id)
    if profile is not None:  # again, with all that the page shows of it
        profile = volunteers.load_teaching(db.session, full_profile(db.session, applicant.id))
    return render_template(
        "profiles/show.html",
        applicant=applicant,
        profile=profile,
        completeness=profiles.completeness(profile),
        applications=profile_access.applications_seen_by(db.session, current_user, applicant),
        language_name=profiles.language_name,
    )


@bp.get("/profiles/<int:user_id>/cv")
@login_required
def cv(user_id: int):
    return _send_cv(user_id)


def _send_cv(user_id: int) -> Response:
    profile: Profile = cvs.cv_for_viewer(db.session, current_user, user_id)
    path = uploads.path_of(profile.cv_filename)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=profile.cv_original_name or "cv.pdf",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/profile/data.json")
@role_required(*APPLICANTS)
def export():
    data = privacy.export(db.session, current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    filename = f"ir-matcher-my-data-{date.today().isoformat()}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/profile/delete", methods=["GET", "POST"])
@role_required(*APPLICANTS)
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user: User = current_user._get_current_object()
        if attempt(privacy.delete_account, db.session, user, form.password.data, form=form).ok:
            logout_user()
            session.clear()
            flash(
                _("Your account and everything in it are deleted. Thank you for using the matcher."),
                "success",
            )
            return redirect(url_for("main.index"))
    return render_form("profiles/delete.html", form)
