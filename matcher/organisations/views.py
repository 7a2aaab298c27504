"""Organisation directory and pages; editing and invitations for the organisation's members."""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from markupsafe import Markup
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from matcher.extensions import db
from matcher.models import Opportunity, OpportunityStatus, Organisation
from matcher.organisations import bp
from matcher.organisations.forms import AcceptInviteForm, InviteForm, OrganisationForm
from matcher.services import embeds, organisation_pages, sites
from matcher.services import organisation_invites as invites
from matcher.services import organisations as service
from matcher.services.errors import TooMany
from matcher.translate import gettext as _
from matcher.web.access import can_act_for
from matcher.web.caching import cached_publicly
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form


class EmbedSnippet(NamedTuple):
    snippet: str  # the HTML to paste, shown as text
    origin: str | None


# One statement, built once: an organisation works in a few countries, so joining them costs a few rows.
_BY_SLUG = (
    select(Organisation)
    .where(Organisation.slug == bindparam("slug"))
    .options(joinedload(Organisation.country), joinedload(Organisation.countries))
)


def _organisation(slug: str) -> Organisation:
    organisation = db.session.execute(_BY_SLUG, {"slug": slug}).unique().scalar_one_or_none()
    if organisation is None:
        abort(404)
    # Unverified organisations are known only to their members and to coordinators.
    if not organisation.is_verified and not can_act_for(current_user, organisation):
        abort(404)
    return organisation


_VERIFIED = (
    select(Organisation)
    .where(Organisation.verified_at.is_not(None))
    .options(selectinload(Organisation.countries))
    .order_by(Organisation.name)
)


@bp.get("/organisations")
@cached_publicly
def index():
    organisations = db.session.scalars(_VERIFIED).all()
    return render_template("organisations/index.html", organisations=organisations)


@bp.get("/organisations/<slug>")
@cached_publicly
def show(slug: str):
    return _page(_organisation(slug))


def _page(
    organisation: Organisation, invite_form: InviteForm | None = None, status: int | None = None
) -> tuple[str, int]:
    """The organisation's page; with a refused invitation, 422 (or `status`) and its reasons."""
    editor = can_act_for(current_user, organisation)
    published = organisation_pages.published_of(db.session, organisation.id)
    others = []
    if editor:
        # Only the members' invitation form carries a CSRF token: others get no session cookie.
        invite_form = invite_form or InviteForm()
        others = db.session.scalars(
            select(Opportunity)
            .where(
                Opportunity.organisation_id == organisation.id,
                Opportunity.status != OpportunityStatus.PUBLISHED,
            )
            .order_by(Opportunity.status, Opportunity.starts_on, Opportunity.id)
        ).all()
    page = render_template(
        "organisations/show.html",
        organisation=organisation,
        published=published,
        others=others,
        editor=editor,
        sites=sites.sites_of(db.session, organisation),
        embed=_embed_snippet(organisation) if editor else None,
        invite_form=invite_form,
        form=invite_form,  # the page's title says "Error:" when it has errors
    )
    return page, status or (422 if invite_form and invite_form.errors else 200)


def _embed_snippet(organisation: Organisation) -> EmbedSnippet | None:
    """The <iframe> a verified organisation's members paste into their website, and the one
    origin allowed to frame it (None until the page gives an https website)."""
    if not organisation.is_verified:
        return None
    base = current_app.config["BASE_URL"].rstrip("/")
    src = base + url_for("embeds.organisation", slug=organisation.slug)
    title = _("Opportunities with %(organisation)s", organisation=organisation.name)
    snippet = Markup('<iframe src="{}" title="{}" width="100%" height="600" loading="lazy"></iframe>').format(
        src, title
    )
    return EmbedSnippet(str(snippet), embeds.website_origin(organisation.website))


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    organisation = _organisation(slug)
    if not can_act_for(current_user, organisation):
        abort(403)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        form.countries.data = [c.iso2 for c in organisation.countries]
    if form.validate_on_submit():
        data = service.OrganisationProfile(
            name=form.name.data,
            description=form.description.data or "",
            website=(form.website.data or "").strip() or None,
            social_handle=(form.social_handle.data or "").strip() or None,
            country_code=form.country_code.data or None,
            countries=list(form.countries.data or []),
            written_in=form.written_in.data,
        )
        if attempt(service.save_profile, db.session, current_user, organisation, data, form=form).ok:
            if organisation.pending_name:
                flash(
                    _(
                        "The organisation's page is updated. Its new name, %(name)s, waits for a "
                        "coordinator's approval; until then the page keeps the verified name.",
                        name=organisation.pending_name,
                    ),
                    "success",
                )
            else:
                flash(_("The organisation's page is updated."), "success")
            return redirect(url_for("organisations.show", slug=organisation.slug))
    return render_form("organisations/edit.html", form, organisation=organisation)


@bp.post("/organisations/<slug>/invite")
@login_required
def invite(slug: str):
    organisation = _organisation(slug)
    if not can_act_for(current_user, organisation):
        abort(403)
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(organisation, form)
    invited = attempt(invites.invite, db.session, current_user, organisation, form.email.data, form=form)
    if not invited.ok:
        # The page again, with the reason at the address and the address kept (429 for a limit).
        return _page(organisation, form, 429 if isinstance(invited.error, TooMany) else 422)
    flash(
        _(
            "We emailed an invitation to %(email)s. It works once, for 7 days.",
            email=form.email.data.strip().lower(),
        ),
        "success",
    )
    return redirect(url_for("organisations.show", slug=organisation.slug))


@bp.route("/invites/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    invitation = invites.invite_for_token(db.session, token)  # a TokenError shows the link-problem page
    signed_in = current_user.is_authenticated
    form = EmptyForm() if signed_in else AcceptInviteForm()
    if form.validate_on_submit():
        fields = {} if signed_in else {"name": form.name.data, "password": form.password.data}
        actor = current_user._get_current_object() if signed_in else None
        accepted = attempt(invites.accept_invite, db.session, token, actor, **fields, form=form)
        if accepted.ok:
            if not signed_in:
                login_user(accepted.value)
            flash(_("Welcome to %(name)s.", name=invitation.organisation.name), "success")
            return redirect(url_for("organisations.show", slug=invitation.organisation.slug))
    return render_form("organisations/accept_invite.html", form, invitation=invitation, signed_in=signed_in)
