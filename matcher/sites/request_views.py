"""Teaching requests, the host's side: the organisation's list, new, edit, publish and close; the
public page of an open request."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from matcher.extensions import db
from matcher.models import Organisation
from matcher.models.teaching import RequestRole, RequestStatus, Site, TeachingRequest
from matcher.services import sites as sites_service
from matcher.services import teaching_requests as service
from matcher.sites import bp
from matcher.sites.forms import month_names, request_form
from matcher.sites.views import editable_organisation
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.web.access import can_act_for
from matcher.web.caching import cached_publicly
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form

bp.add_app_template_global(service.FORMAT_LABELS, "REMOTE_FORMAT_LABELS")
bp.add_app_template_global(service.MODE_LABELS, "TEACHING_MODE_LABELS")
bp.add_app_template_global(service.STATUS_LABELS, "REQUEST_STATUS_LABELS")
bp.add_app_template_global(month_names)

_DONE = {
    "publish": _l("The request is open: volunteers can see it."),
    "close": _l("The request is closed."),
}


def _request(organisation: Organisation, request_id: int) -> TeachingRequest:
    found = db.session.get(TeachingRequest, request_id)
    if found is None or found.site.organisation_id != organisation.id:
        abort(404)
    return found


def _kept(teaching_request: TeachingRequest | None) -> list[int]:
    """The procedures a request being edited already asks for (kept even if retired since)."""
    return [p.id for p in teaching_request.procedures] if teaching_request is not None else []


def _form_page(organisation: Organisation, sites: list[Site], form, teaching_request: TeachingRequest | None):
    """The form with, for the site chosen, which procedures it supports and what the others lack."""
    chosen = next((s for s in sites if s.id == form.site_id.data), sites[0] if sites else None)
    procedures = list(db.session.scalars(sites_service.active_procedures(_kept(teaching_request))))
    notes = {}
    if chosen is not None:
        for p in procedures:
            missing = sites_service.missing_equipment_words(chosen, p)
            limited = sites_service.limited_equipment(chosen, p)
            notes[p.code] = (missing, [r.label for r in limited])
    return render_form(
        "sites/request_form.html",
        form,
        organisation=organisation,
        teaching_request=teaching_request,
        site=chosen,
        notes=notes,
    )


def _build_form(organisation: Organisation, teaching_request: TeachingRequest | None = None, **kwargs):
    sites = sites_service.sites_of(db.session, organisation)
    procedures = list(db.session.scalars(sites_service.active_procedures(_kept(teaching_request))))
    form = request_form(service.teaching_professions(db.session), sites, procedures, **kwargs)
    return form, sites


@bp.get("/organisations/<slug>/teaching-requests")
@login_required
def requests(slug: str):
    organisation = editable_organisation(slug)
    return render_template(
        "sites/requests.html",
        organisation=organisation,
        requests=service.requests_of(db.session, organisation),
        has_sites=bool(sites_service.sites_of(db.session, organisation)),
        action_form=EmptyForm(),
    )


@bp.route("/organisations/<slug>/teaching-requests/new", methods=["GET", "POST"])
@login_required
def request_new(slug: str):
    organisation = editable_organisation(slug)
    form, sites = _build_form(organisation)
    if not sites:
        flash(_("Describe a site first: a request is for one of your sites."), "error")
        return redirect(url_for("sites.create", slug=organisation.slug))
    if not form.is_submitted():
        wanted = request.args.get("site", "")
        chosen = next((s for s in sites if s.slug == wanted), sites[0])
        form.site_id.data = chosen.id
        form.instruction_language.data = chosen.instruction_language
    if form.validate_on_submit():
        created = attempt(service.create, db.session, current_user, organisation, form.to_data(), form=form)
        if created.ok:
            flash(_("The request is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("sites.request_show", request_id=created.value.id))
    return _form_page(organisation, sites, form, None)


@bp.route("/organisations/<slug>/teaching-requests/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def request_edit(slug: str, request_id: int):
    organisation = editable_organisation(slug)
    teaching_request = _request(organisation, request_id)
    form, sites = _build_form(organisation, teaching_request)
    if request.method == "GET":
        form.load(teaching_request)
    elif (
        form.validate_on_submit()
        and attempt(service.update, db.session, current_user, teaching_request, form.to_data(), form=form).ok
    ):
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("sites.request_show", request_id=teaching_request.id))
    return _form_page(organisation, sites, form, teaching_request)


@bp.post("/organisations/<slug>/teaching-requests/<int:request_id>/<any(publish, close):action>")
@login_required
def request_status(slug: str, request_id: int, action: str):
    organisation = editable_organisation(slug)
    teaching_request = _request(organisation, request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(service.transition, db.session, current_user, teaching_request, action).ok:
        flash(str(_DONE[action]), "success")
    return redirect(url_for("sites.request_show", request_id=request_id))


@bp.get("/teaching-requests/<int:request_id>")
@cached_publicly
def request_show(request_id: int):
    teaching_request = db.session.scalar(
        select(TeachingRequest)
        .where(TeachingRequest.id == request_id)
        .options(
            selectinload(TeachingRequest.procedures),
            selectinload(TeachingRequest.roles).joinedload(RequestRole.profession),
            joinedload(TeachingRequest.site).selectinload(Site.resources),
        )
    )
    if teaching_request is None or not service.visible_to(db.session, teaching_request, current_user):
        abort(404)
    organisation = teaching_request.site.organisation
    editor = can_act_for(current_user, organisation)
    return render_template(
        "sites/request_show.html",
        teaching_request=teaching_request,
        site=teaching_request.site,
        organisation=organisation,
        editor=editor,
        action_form=EmptyForm() if editor else None,
        is_draft=teaching_request.status == RequestStatus.DRAFT,
    )
