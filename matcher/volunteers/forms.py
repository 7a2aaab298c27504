"""The directory's filters (a GET form) and the invitation form."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from matcher.services.directory import MESSAGE_MAX
from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm, RowForm


class DirectoryFilterForm(RowForm):
    """Read from the query string: a value that is not understood is shown as an error and ignored."""

    profession = SelectField(_l("Profession"), validators=[Optional()])
    procedure = SelectField(_l("Procedure"), validators=[Optional()])
    skill = SelectField(
        _l("Can"),
        choices=[
            SelectChoice("", _l("Teach or assist")),
            SelectChoice("teach", _l("Teach it")),
            SelectChoice("assist", _l("Assist with it")),
        ],
        validators=[Optional()],
    )
    language = SelectField(_l("Language of instruction"), validators=[Optional()])
    month = SelectField(_l("Available in"), validators=[Optional()])
    remote = BooleanField(_l("Teaches remotely"))
    page = IntegerField(validators=[Optional(), NumberRange(min=1)])


class InviteForm(AppForm):
    request = SelectField(
        _l("Teaching request"),
        validators=[Optional()],
        description=_l("Optional: the request you would like them to apply for."),
    )
    message = TextAreaField(
        _l("Message"),
        validators=[
            Optional(),
            Length(max=MESSAGE_MAX, message=_l("Keep the message to %(max)d characters.")),
        ],
        description=_l(
            "Optional, plain text. Your email address is not shared: the volunteer replies by applying."
        ),
    )
