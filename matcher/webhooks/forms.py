"""The form that registers a webhook endpoint."""

from __future__ import annotations

from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from matcher.models import WebhookEvent
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext
from matcher.web.forms import AppForm, CheckboxesField

EVENT_LABELS = {
    WebhookEvent.APPLICATION_CREATED: _l("Someone applied to one of your opportunities"),
    WebhookEvent.APPLICATION_WITHDRAWN: _l("An applicant withdrew an application"),
    WebhookEvent.MATCH_PUBLISHED: _l("A match to one of your opportunities was published"),
    WebhookEvent.MATCH_ACCEPTED: _l("An applicant accepted a place"),
    WebhookEvent.MATCH_DECLINED: _l("An applicant declined a place"),
    WebhookEvent.OPPORTUNITY_PUBLISHED: _l("One of your opportunities was published"),
    WebhookEvent.PING: lazy_pgettext("webhook event", "Test"),
}


class EndpointForm(AppForm):
    url = StringField(
        _l("Address that receives the events"),
        description=_l("An https:// address on the internet, for example https://example.org/hooks/matcher."),
        validators=[DataRequired(_l("Enter the address that receives the events.")), Length(max=500)],
    )
    events = CheckboxesField(
        _l("Events to send"),
        validators=[DataRequired(_l("Choose at least one event."))],
        choices=[
            SelectChoice(event.value, label)
            for event, label in EVENT_LABELS.items()
            if event != WebhookEvent.PING
        ],
    )
