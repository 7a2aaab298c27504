"""An organisation's API tokens. A new token is shown on the answer to the form that made it and
nowhere else: it is not stored, not flashed, not put in the session."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from matcher.api_tokens import bp
from matcher.api_tokens.forms import RevokeForm, TokenForm
from matcher.extensions import db
from matcher.services import api_tokens as service
from matcher.sites.views import editable_organisation
from matcher.translate import gettext as _
from matcher.web.usecase import attempt, render_form, submitted

TEMPLATE = "api_tokens/index.html"


def _page(organisation, form: TokenForm, new=None):
    return render_form(
        TEMPLATE,
        form,
        organisation=organisation,
        tokens=service.tokens_of(db.session, organisation),
        revoke_form=RevokeForm(),
        new=new,
    )


@bp.get("/organisations/<slug>/api-tokens")
@login_required
def index(slug: str):
    return _page(editable_organisation(slug), TokenForm())


@bp.post("/organisations/<slug>/api-tokens")
@login_required
def create(slug: str):
    organisation = editable_organisation(slug)
    form = TokenForm()
    if form.validate_on_submit():
        made = attempt(
            service.create, db.session, current_user, organisation, form.name.data, form.scope.data, form=form
        )
        if made.ok:
            return _page(organisation, TokenForm(formdata=None), new=made.value)
    return _page(organisation, form)


@bp.post("/organisations/<slug>/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(slug: str, token_id: int):
    organisation = editable_organisation(slug)
    if submitted(RevokeForm()):
        revoked = attempt(service.revoke, db.session, current_user, organisation, token_id)
        if revoked.ok:
            flash(
                _("The token “%(name)s” is revoked: it no longer works.", name=revoked.value.name), "success"
            )
    return redirect(url_for("api_tokens.index", slug=organisation.slug))
