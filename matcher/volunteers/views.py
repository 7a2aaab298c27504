"""The volunteer directory (coordinators and verified hosts), invitations, and the teaching
requests volunteers browse with their fit."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from matcher.extensions import db
from matcher.fit_words import RULE_NAMES, grade_label, month_list, month_name, rule_sentence
from matcher.formatting import label_for, language_label
from matcher.models import LanguageLevel
from matcher.models.teaching import SkillLevel
from matcher.services import directory, reference, teaching_fit
from matcher.services.errors import TooMany
from matcher.translate import gettext as _
from matcher.volunteers import bp
from matcher.volunteers.forms import DirectoryFilterForm, InviteForm
from matcher.web.choices import COMMON_LANGUAGES
from matcher.web.usecase import attempt, render_form


def _card_helpers() -> dict[str, Any]:
    """What a volunteer's card needs to word itself (templates/volunteers/_card.html)."""
    return {
        "skills_by_level": directory.skills_by_level,
        "today": date.today(),
        "SkillLevel": SkillLevel,
        "LanguageLevel": LanguageLevel,
        "grade_label": grade_label,
        "month_list": month_list,
        "language_label": language_label,
    }


def _require_directory() -> None:
    """403 with the reason (the app-wide handler shows the service's words)."""
    directory.require_access(db.session, current_user)


def _filter_form() -> DirectoryFilterForm:
    form = DirectoryFilterForm(request.args)
    form.profession.choices = [SelectChoice("", _("Any profession"))] + [
        SelectChoice(p.code, label_for(p)) for p in reference.professions(db.session) if p.teaches
    ]
    form.procedure.choices = [SelectChoice("", _("Any procedure"))] + [
        SelectChoice(p.code, label_for(p)) for p in reference.procedures(db.session) if not p.retired
    ]
    form.language.choices = [SelectChoice("", _("Any language"))] + [
        SelectChoice(c, language_label(c)) for c in COMMON_LANGUAGES
    ]
    form.month.choices = [SelectChoice("", _("Any month"))] + [
        SelectChoice(str(m), month_name(m)) for m in range(1, 13)
    ]
    return form


def _filters(form: DirectoryFilterForm) -> tuple[directory.DirectoryFilters, dict[str, str]]:
    """The filters the form understood, and a message for each it did not (those are left out)."""
    form.validate()
    errors = {name: " ".join(messages) for name, messages in form.errors.items()}

    def value(name: str) -> str | None:
        return None if name in errors else (getattr(form, name).data or None)

    month = value("month")
    page = None if "page" in errors else form.page.data
    return (
        directory.DirectoryFilters(
            profession=value("profession"),
            procedure=value("procedure"),
            skill=value("skill"),
            language=value("language"),
            month=int(month) if month else None,
            remote=bool(form.remote.data),
            page=page or 1,
        ),
        errors,
    )


def _query_args(filters: directory.DirectoryFilters) -> dict[str, str]:
    args = {
        "profession": filters.profession,
        "procedure": filters.procedure,
        "skill": filters.skill,
        "language": filters.language,
        "month": str(filters.month) if filters.month else None,
        "remote": "y" if filters.remote else None,
    }
    return {k: v for k, v in args.items() if v}


@bp.get("/volunteers")
@login_required
def index():
    _require_directory()
    form = _filter_form()
    filters, errors = _filters(form)
    page = directory.search(db.session, current_user, filters)
    return render_template(
        "volunteers/index.html",
        form=form,
        errors=errors,
        page=page,
        args=_query_args(filters),
        **_card_helpers(),
    )


def _invite_form(form: InviteForm | None = None) -> InviteForm:
    form = form or InviteForm()
    form.request.choices = [SelectChoice("", _("No particular request"))] + [
        SelectChoice(str(r.id), f"{r.title} ({r.site.name})")
        for r in directory.requests_to_offer(db.session, current_user)
    ]
    return form


@bp.route("/volunteers/<int:user_id>/invite", methods=["GET", "POST"])
@login_required
def invite(user_id: int):
    _require_directory()
    profile = directory.listed_volunteer(db.session, current_user, user_id)  # NotFound: the 404 page
    form = _invite_form()
    if form.validate_on_submit():
        request_id = int(form.request.data) if form.request.data else None
        sent = attempt(
            directory.invite,
            db.session,
            current_user,
            user_id,
            request_id,
            form.message.data or "",
            form=form,
        )
        if sent.ok:
            flash(_("We emailed %(name)s your invitation to apply.", name=profile.user.name), "success")
            return redirect(url_for("volunteers.index"))
        if isinstance(sent.error, TooMany):
            form.too_many = True
        profile = directory.listed_volunteer(db.session, current_user, user_id)
    return render_form(
        "volunteers/invite.html",
        form,
        profile=profile,
        **_card_helpers(),
    )


@bp.get("/teaching-requests")
@login_required
def requests():
    show_all = request.args.get("all") == "1"
    fits, profile = teaching_fit.browse(db.session, current_user, show_all=show_all)
    return render_template(
        "volunteers/requests.html",
        fits=fits,
        profile=profile,
        show_all=show_all or profile is None,
        rule_names=RULE_NAMES,
        rule_sentence=rule_sentence,
        month_list=month_list,
        language_label=language_label,
    )
