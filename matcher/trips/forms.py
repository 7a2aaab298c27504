"""Forms on the trip pages: a reviewer's decision on a checklist item, the traveller's contacts."""

from __future__ import annotations

from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from matcher.services.departure.items import Decision
from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm, strip_spaces


class ReviewForm(AppForm):
    decision = RadioField(
        _l("Your decision"),
        choices=[
            SelectChoice(Decision.VERIFY, _l("Verified")),
            SelectChoice(Decision.NOT_NEEDED, _l("Not needed for this trip")),
            SelectChoice(Decision.SEND_BACK, _l("Send back to the traveller")),
        ],
        validators=[DataRequired(_l("Choose what to do with this item."))],
    )
    note = TextAreaField(
        _l("Note for the traveller"),
        description=_l("Needed to mark it not needed or send it back: say why."),
        validators=[Optional(), Length(max=2000)],
    )


class ContactsForm(AppForm):
    emergency_name = StringField(
        _l("Emergency contact's name"),
        filters=[strip_spaces],
        validators=[DataRequired(_l("Give the name of someone we can call.")), Length(max=120)],
    )
    emergency_relation = StringField(
        _l("How they know you"), filters=[strip_spaces], validators=[Optional(), Length(max=60)]
    )
    emergency_phone = StringField(
        _l("Their phone number"),
        description=_l("With the country code, like +44 20 7946 0000."),
        filters=[strip_spaces],
        validators=[DataRequired(_l("Give their phone number.")), Length(max=40)],
    )
    insurer = StringField(
        _l("Travel insurer"), filters=[strip_spaces], validators=[Optional(), Length(max=120)]
    )
    policy_number = StringField(
        _l("Policy number"), filters=[strip_spaces], validators=[Optional(), Length(max=80)]
    )
    insurance_phone = StringField(
        _l("Insurer's emergency phone"), filters=[strip_spaces], validators=[Optional(), Length(max=40)]
    )
    insurance_expires_on = DateField(_l("Insurance valid until"), validators=[Optional()])
