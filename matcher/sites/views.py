"""Sites: the organisation's list, the public site page with its readiness, and members' editing;
the public list of procedures with their equipment and sources."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Organisation
from matcher.models.teaching import Site
from matcher.services import procedures as procedures_service
from matcher.services import sites as service
from matcher.services import teaching_requests
from matcher.sites import bp
from matcher.sites.forms import SiteForm
from matcher.translate import gettext as _
from matcher.web.access import can_act_for
from matcher.web.caching import cached_publicly
from matcher.web.usecase import attempt, render_form

bp.add_app_template_global(service.readiness_rows, "readiness_rows")
bp.add_app_template_global(service.RESOURCE_GROUPS, "readiness_groups")
bp.add_app_template_global(service.GROUP_LABELS, "RESOURCE_GROUP_LABELS")
bp.add_app_template_global(service.AVAILABILITY_LABELS, "AVAILABILITY_LABELS")
bp.add_app_template_global(service.learner_level_label, "learner_level_label")


def organisation_for(slug: str) -> Organisation:
    """The organisation named by the address; an unverified one only for its members and coordinators."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None or (not organisation.is_verified and not can_act_for(current_user, organisation)):
        abort(404)
    return organisation


def editable_organisation(slug: str) -> Organisation:
    organisation = organisation_for(slug)
    if not can_act_for(current_user, organisation):
        abort(403)
    return organisation


def _site(organisation: Organisation, site_slug: str) -> Site:
    return service.site_by_slug(db.session, organisation, site_slug) or abort(404)


@bp.get("/organisations/<slug>/sites")
@cached_publicly
def index(slug: str):
    organisation = organisation_for(slug)
    return render_template(
        "sites/index.html",
        organisation=organisation,
        sites=service.sites_of(db.session, organisation),
        editor=can_act_for(current_user, organisation),
    )


@bp.get("/organisations/<slug>/sites/<site_slug>")
@cached_publicly
def show(slug: str, site_slug: str):
    organisation = organisation_for(slug)
    site = _site(organisation, site_slug)
    editor = can_act_for(current_user, organisation)
    procedures = list(db.session.scalars(service.active_procedures()))
    supported = service.supported_procedures(site, procedures)
    requests = [
        r
        for r in teaching_requests.requests_of(db.session, organisation)
        if r.site_id == site.id and (editor or r.status == "open")
    ]
    return render_template(
        "sites/show.html",
        organisation=organisation,
        site=site,
        editor=editor,
        supported=supported,
        unsupported=[(p, service.missing_equipment_words(site, p)) for p in procedures if p not in supported],
        limited={p.id: service.limited_equipment(site, p) for p in supported},
        requests=requests,
    )


@bp.route("/organisations/<slug>/sites/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    organisation = editable_organisation(slug)
    form = SiteForm()
    if form.validate_on_submit():
        created = attempt(service.create, db.session, current_user, organisation, form.to_data(), form=form)
        if created.ok:
            flash(_("The site is saved."), "success")
            return redirect(url_for("sites.show", slug=organisation.slug, site_slug=created.value.slug))
    return render_form("sites/form.html", form, organisation=organisation, site=None)


@bp.route("/organisations/<slug>/sites/<site_slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, site_slug: str):
    organisation = editable_organisation(slug)
    site = _site(organisation, site_slug)
    form = SiteForm()
    if request.method == "GET":
        form.load(site)
    elif (
        form.validate_on_submit()
        and attempt(service.update, db.session, current_user, site, form.to_data(), form=form).ok
    ):
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("sites.show", slug=organisation.slug, site_slug=site.slug))
    return render_form("sites/form.html", form, organisation=organisation, site=site)


@bp.get("/procedures")
@cached_publicly
def procedures():
    """The taxonomy as everyone sees it: what each procedure needs and where that comes from."""
    return render_template(
        "sites/procedures.html",
        procedures=list(db.session.scalars(service.active_procedures())),
        equipment_words=procedures_service.equipment_words,
    )
