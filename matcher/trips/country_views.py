"""Coordinators keep each country's rules for visiting clinicians (shipped as rule packs): list the
countries, and view, add, edit and remove a country's rules. The opportunity page shows them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.extensions import db
from matcher.formatting import label_for
from matcher.models import Role
from matcher.models.departure import CountryPack
from matcher.services import reference
from matcher.services.departure import rules as service
from matcher.services.errors import NotFound
from matcher.translate import gettext as _
from matcher.trips import bp
from matcher.trips.country_forms import CountryRuleForm
from matcher.web.access import role_required
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _country(iso2: str):
    try:
        return service.country(db.session, iso2)
    except NotFound:
        abort(404)


def _form(**kwargs) -> CountryRuleForm:
    return CountryRuleForm(**kwargs).offer(reference.professions(db.session))


@bp.app_template_global()
def country_rules(country_code: str | None):
    """The rules of a country, for the "Before you travel" section of the opportunity page."""
    return service.shown_rules(db.session, country_code) if country_code else ()


@bp.app_template_global()
def profession_names(codes) -> str:
    """The professions a rule is for, in the reader's language ("IR physician, IR trainee")."""
    known = reference.profession_by_code(db.session)
    return ", ".join(label_for(known[code]) if code in known else code for code in codes)


@bp.get("/coordination/countries")
@role_required(*STAFF)
def countries():
    return render_template(
        "trips/countries.html",
        packs=service.packs(db.session),
        missing=service.countries_without_rules(db.session),
    )


def _country_page(country, form: CountryRuleForm, status: int = 200):
    return render_template(
        "trips/country.html",
        country=country,
        pack=db.session.get(CountryPack, country.iso2),
        rules=service.rules_for(db.session, country.iso2),
        form=form,
        action_form=EmptyForm(),
    ), status


@bp.get("/coordination/countries/<iso2>")
@role_required(*STAFF)
def country(iso2: str):
    country = _country(iso2)
    if iso2 != country.iso2:
        return redirect(url_for("trips.country", iso2=country.iso2), 301)
    form = _form(formdata=None)
    form.mandatory.data = form.needs_proof.data = True
    form.lead_days.data = 30
    return _country_page(country, form)


@bp.post("/coordination/countries/<iso2>")
@role_required(*STAFF)
def country_rule_add(iso2: str):
    country = _country(iso2)
    form = _form()
    if form.validate_on_submit():
        added = attempt(service.add_rule, db.session, current_user, country.iso2, form.to_data(), form=form)
        if added.ok:
            flash(_("“%(title)s” is added to the rules.", title=added.value.title), "success")
            return redirect(url_for("trips.country", iso2=country.iso2, _anchor=f"rule-{added.value.id}"))
    return _country_page(country, form, 422)


@bp.route("/coordination/countries/<iso2>/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def country_rule_edit(iso2: str, rule_id: int):
    country = _country(iso2)
    rule = next((r for r in service.rules_for(db.session, country.iso2) if r.id == rule_id), None) or abort(
        404
    )
    form = _form()
    del form.code  # a rule's code is its identity in every checklist made from it
    if request.method == "GET":
        form.load(rule)
    elif form.validate_on_submit():
        data = form.to_data(code=rule.code)
        if attempt(service.update_rule, db.session, current_user, country.iso2, rule_id, data, form=form).ok:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("trips.country", iso2=country.iso2, _anchor=f"rule-{rule_id}"))
    return render_form("trips/country_rule.html", form, country=country, rule=rule)


@bp.post("/coordination/countries/<iso2>/rules/<int:rule_id>/delete")
@role_required(*STAFF)
def country_rule_delete(iso2: str, rule_id: int):
    country = _country(iso2)
    if not EmptyForm().validate_on_submit():
        abort(400)
    removed = attempt(service.remove_rule, db.session, current_user, country.iso2, rule_id)
    if removed.ok:
        flash(_("“%(title)s” is removed from the rules.", title=removed.value), "success")
    return redirect(url_for("trips.country", iso2=country.iso2))
