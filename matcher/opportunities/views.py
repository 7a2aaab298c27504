"""Opportunity pages: public search and details; create, edit and status changes for members."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from matcher.api.query import schema_problems
from matcher.api.schemas import OpportunityQuery
from matcher.engine.scoring import NO_LEVEL
from matcher.extensions import db
from matcher.models import LanguageLevel, Opportunity, OpportunityStatus, Organisation
from matcher.opportunities import bp
from matcher.opportunities.feed import atom_feed
from matcher.opportunities.filter_form import search_form_options
from matcher.opportunities.forms import OpportunityForm
from matcher.services import costs, eligibility, reference
from matcher.services import opportunities as service
from matcher.services.listing import search_rows
from matcher.services.search import personal_search
from matcher.services.search_filters import OpportunityFilters, language_name, parse_filters
from matcher.services.sites import sites_of
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.web.access import can_act_for
from matcher.web.caching import cached_publicly
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form

# One statement, built once: an opportunity has a handful of interests and at most three languages,
# so joining both lists costs a few rows, where a SELECT IN per list costs twice the CPU.
_WITH_DETAILS = (
    select(Opportunity)
    .where(Opportunity.id == bindparam("id"))
    .options(
        joinedload(Opportunity.organisation),
        joinedload(Opportunity.country),
        joinedload(Opportunity.interests),
        joinedload(Opportunity.languages),
    )
)


# Templates word codes with these: the status badge (macros/ui.html), a language's level.
bp.add_app_template_global(OpportunityStatus, "OpportunityStatus")
bp.add_app_template_global(LanguageLevel, "LanguageLevel")

# What each status change says once done (a whole sentence each: the words agree differently).
_DONE = {
    "publish": _l("The opportunity is now published."),
    "close": _l("The opportunity is now closed."),
    "archive": _l("The opportunity is now archived."),
}


def _load(opportunity_id: int) -> Opportunity:
    opportunity = db.session.execute(_WITH_DETAILS, {"id": opportunity_id}).unique().scalar_one_or_none()
    if opportunity is None or not service.visible_to(db.session, opportunity, current_user):
        abort(404)
    return opportunity


def _load_for_editing(opportunity_id: int) -> Opportunity:
    opportunity = _load(opportunity_id)
    if not can_act_for(current_user, opportunity.organisation):
        abort(403)
    return opportunity


@bp.get("/opportunities")
@cached_publicly
def index():
    filters, errors = parse_filters(db.session, request.args)
    today = date.today()
    standing = eligibility.standing_of(db.session, current_user)
    can_score = standing is not None and standing.complete
    if filters.sort == "score" and not can_score:
        errors.by_param["sort"] = _(
            "Sorting by best match needs you to be logged in as an applicant with a complete profile."
        )
        filters = replace(filters, sort="start")
    if standing is None:
        page = search_rows(db.session, filters, today)
    else:
        if "level" not in request.args and standing.applicant.level != NO_LEVEL:
            # "Accepts my training level" starts at theirs; "Any level" is sent as "any", and kept.
            own = reference.level_by_rank(db.session).get(standing.applicant.level)
            filters = replace(filters, level=own.code if own else None)
        # On by default once the profile is complete: before that, nothing could be matched.
        only = filters.matchable if filters.matchable is not None else standing.complete
        filters = replace(filters, matchable=only)
        page = personal_search(db.session, filters, today, standing, only_matchable=only)
    return render_template(
        "opportunities/index.html",
        can_score=can_score,
        standing=standing,
        page=page,
        filters=filters,
        errors=errors.by_param,
        options=search_form_options(db.session),
        language_name=language_name,
        sir_url=costs.SIR_URL,
    ), 400 if errors else 200


def _feed_filters() -> OpportunityFilters:
    """The feed's filters: the API's (matcher.api.schemas), refused with a plain 400 (a feed reader
    shows no JSON), an unknown parameter included."""
    filters, errors = parse_filters(db.session, request.args)
    if errors or schema_problems(OpportunityQuery, request.args):
        abort(400)
    return filters


def _shared(response):
    response.headers["Access-Control-Allow-Origin"] = "*"  # partners embed the feed
    return response


@bp.get("/opportunities/feed.atom")
@cached_publicly
def feed():
    return _shared(atom_feed(db.session, _feed_filters()))


@bp.get("/organisations/<slug>/feed.atom")
@cached_publicly
def organisation_feed(slug: str):
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == slug, Organisation.verified_at.is_not(None))
    )
    if organisation is None:
        abort(404)
    if "organisation" in request.args:  # the path names it
        abort(400)
    filters = replace(_feed_filters(), organisations=(organisation.slug,))
    title = _("%(organisation)s: new opportunities", organisation=organisation.name)
    return _shared(atom_feed(db.session, filters, title=title))


@bp.get("/opportunities/<int:opportunity_id>")
@cached_publicly
def show(opportunity_id: int):
    opportunity = _load(opportunity_id)
    can_edit = can_act_for(current_user, opportunity.organisation)
    return render_template(
        "opportunities/detail.html",
        opportunity=opportunity,
        can_edit=can_edit,
        action_form=EmptyForm() if can_edit else None,  # the editors' buttons; no CSRF token for others
        levels=reference.level_by_rank(db.session),
        language_name=language_name,
        cost=costs.estimate(db.session, opportunity),
        other_way=costs.runs_the_other_way(opportunity),
        sir_url=costs.SIR_URL,
    )


@bp.route("/organisations/<slug>/opportunities/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug)) or abort(404)
    if not can_act_for(current_user, organisation):
        abort(403)
    form = OpportunityForm()
    form.offer_sites(sites_of(db.session, organisation))
    if not form.is_submitted():
        form.form_token.data = service.new_form_token()
    if form.validate_on_submit():
        created = attempt(
            service.create,
            db.session,
            current_user,
            organisation,
            form.to_data(),
            form.form_token.data,
            form=form,
        )
        if created.ok:
            flash(
                _("The opportunity is saved as a draft. Publish it when it is ready.")
                if created.value.status == "draft"
                else _(
                    "This form was saved already, as “%(title)s”; nothing was changed.",
                    title=created.value.title,
                ),
                "success",
            )
            return redirect(url_for("opportunities.show", opportunity_id=created.value.id))
    return render_form("opportunities/form.html", form, organisation=organisation, opportunity=None)


@bp.route("/opportunities/<int:opportunity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(opportunity_id: int):
    opportunity = _load_for_editing(opportunity_id)
    form = OpportunityForm()
    form.offer_sites(sites_of(db.session, opportunity.organisation))
    if request.method == "GET":
        form.load(opportunity)
    elif (
        form.validate_on_submit()
        and attempt(service.update, db.session, current_user, opportunity, form.to_data(), form=form).ok
    ):
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("opportunities.show", opportunity_id=opportunity_id))
    return render_form(
        "opportunities/form.html", form, organisation=opportunity.organisation, opportunity=opportunity
    )


@bp.post("/opportunities/<int:opportunity_id>/<any(publish, close, archive):action>")
@login_required
def change_status(opportunity_id: int, action: str):
    opportunity = _load_for_editing(opportunity_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    # Filled in now: a refusal that names a field (a date that has passed) is shown there.
    form = OpportunityForm(formdata=None)
    form.offer_sites(sites_of(db.session, opportunity.organisation))
    form.load(opportunity)
    done = attempt(service.transition, db.session, current_user, opportunity, action, date.today(), form=form)
    if done.ok:
        flash(str(_DONE[action]), "success")
    elif done.error.field:
        form.form_errors.insert(
            0, _("It cannot be published yet: change the date marked below, save, then publish.")
        )
        return render_form(
            "opportunities/form.html", form, organisation=opportunity.organisation, opportunity=opportunity
        )
    else:
        flash(done.error.message, "error")
    return redirect(url_for("opportunities.show", opportunity_id=opportunity_id))


@bp.post("/opportunities/<int:opportunity_id>/duplicate")
@login_required
def duplicate(opportunity_id: int):
    opportunity = _load_for_editing(opportunity_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    copy = attempt(service.duplicate, db.session, current_user, opportunity)
    if not copy.ok:
        return redirect(url_for("opportunities.show", opportunity_id=opportunity_id))
    flash(
        _("A draft copy for the next intake is ready, with its dates moved on by a year. Check them."),
        "success",
    )
    return redirect(url_for("opportunities.edit", opportunity_id=copy.value.id))
