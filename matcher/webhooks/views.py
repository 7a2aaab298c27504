"""Webhook pages for an organisation's members: the list with the form to add one, an endpoint's
page with its delivery log, and the buttons that ping, turn on again and remove it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from matcher.extensions import db
from matcher.models import Organisation
from matcher.services.webhooks import endpoints as service
from matcher.services.webhooks.signing import REPLAY_WINDOW_SECONDS
from matcher.sites.views import editable_organisation
from matcher.translate import gettext as _
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form
from matcher.webhooks import bp
from matcher.webhooks.forms import EVENT_LABELS, EndpointForm


@bp.app_template_filter("webhook_event_label")
def event_label(event: str) -> str:
    return str(EVENT_LABELS.get(event, event))


def _list(organisation: Organisation, form: EndpointForm, **context):
    return render_form(
        "webhooks/index.html",
        form,
        organisation=organisation,
        endpoints=service.endpoints_of(db.session, organisation),
        **context,
    )


@bp.get("/organisations/<slug>/webhooks")
@login_required
def index(slug: str):
    return _list(editable_organisation(slug), EndpointForm())


@bp.post("/organisations/<slug>/webhooks")
@login_required
def create(slug: str):
    organisation = editable_organisation(slug)
    form = EndpointForm()
    if form.validate_on_submit():
        made = attempt(
            service.register,
            db.session,
            current_user,
            organisation,
            form.url.data,
            form.events.data,
            form=form,
        )
        if made.ok:
            # The secret is shown in this answer only: never in a flash (a cookie) and never again.
            return render_template(
                "webhooks/created.html",
                organisation=organisation,
                endpoint=made.value.endpoint,
                secret=made.value.secret,
                window=REPLAY_WINDOW_SECONDS // 60,
            )
    return _list(organisation, form)


@bp.get("/organisations/<slug>/webhooks/<int:endpoint_id>")
@login_required
def show(slug: str, endpoint_id: int):
    organisation = editable_organisation(slug)
    endpoint = service.endpoint_of(db.session, organisation, endpoint_id)
    return render_template(
        "webhooks/show.html",
        organisation=organisation,
        endpoint=endpoint,
        attempts=service.log_of(db.session, endpoint),
        action_form=EmptyForm(),
    )


def _action(slug: str, endpoint_id: int, call, done: str):
    organisation = editable_organisation(slug)
    form = EmptyForm()
    if form.validate_on_submit() and attempt(call, db.session, current_user, organisation, endpoint_id).ok:
        flash(done, "success")
    elif form.errors:
        flash(_("This form expired. Reload the page and try again."), "error")
    return organisation


@bp.post("/organisations/<slug>/webhooks/<int:endpoint_id>/ping")
@login_required
def ping(slug: str, endpoint_id: int):
    organisation = _action(
        slug, endpoint_id, service.ping, _("A test event is on its way. Its try shows in the log below.")
    )
    return redirect(url_for("webhooks.show", slug=organisation.slug, endpoint_id=endpoint_id))


@bp.post("/organisations/<slug>/webhooks/<int:endpoint_id>/enable")
@login_required
def enable(slug: str, endpoint_id: int):
    organisation = _action(slug, endpoint_id, service.enable, _("The webhook is on again."))
    return redirect(url_for("webhooks.show", slug=organisation.slug, endpoint_id=endpoint_id))


@bp.post("/organisations/<slug>/webhooks/<int:endpoint_id>/delete")
@login_required
def delete(slug: str, endpoint_id: int):
    organisation = _action(slug, endpoint_id, service.remove, _("The webhook is removed."))
    return redirect(url_for("webhooks.index", slug=organisation.slug))
