from __future__ import annotations

from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from matcher.models import TokenScope
from matcher.services.api_tokens import NAME_MAX
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext
from matcher.web.forms import AppForm


class TokenForm(AppForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Give the token a name, such as the system that will use it.")),
            Length(max=NAME_MAX),
        ],
        description=_l("So you can tell your tokens apart, such as “Website sync”."),
    )
    scope = RadioField(
        _l("What it may do"),
        choices=[
            SelectChoice(
                TokenScope.READ.value, lazy_pgettext("api token scope", "Read: search and read opportunities")
            ),
            SelectChoice(
                TokenScope.WRITE.value,
                lazy_pgettext(
                    "api token scope",
                    "Write: also create, change, publish and close your organisation's opportunities",
                ),
            ),
        ],
        default=TokenScope.READ.value,
        validators=[DataRequired(_l("Choose read or write."))],
    )


class RevokeForm(AppForm):
    """A button: CSRF only."""
