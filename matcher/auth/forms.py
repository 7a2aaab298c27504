"""Account forms. Validation of shape lives here; rules of the domain live in services."""

from __future__ import annotations

from flask_babel.speaklater import LazyString
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from matcher.extensions import db
from matcher.formatting import label_for
from matcher.i18n import LANGUAGES
from matcher.models import Role
from matcher.services import professions
from matcher.services.accounts import MIN_PASSWORD_LENGTH, SIGNUP_ROLES
from matcher.timezones import is_known_zone, zone_choices
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm, strip_spaces

_email = [
    DataRequired(_l("Enter your email address.")),
    Email(_l("Enter a valid email address.")),
    Length(max=254),
]


def _new_password(label: LazyString | None = None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
        description=_l("At least %(min)d characters. A short sentence works well.", min=MIN_PASSWORD_LENGTH),
    )


def _confirm(field: str) -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo(field, _l("The passwords do not match.")),
        ],
    )


class SignupForm(AppForm):
    # org_member on the organisation page; applicants choose a profession, which decides their role
    # (an old client's "student" or "trainee" still works: it stands for that profession).
    role = HiddenField(validators=[Optional()])
    profession = RadioField(
        _l("What do you do?"),
        validate_choice=False,
        description=_l("Your profile then asks what fits: a training level or your grade."),
    )
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120)])
    email = EmailField(_l("Email"), validators=_email, filters=[strip_spaces])
    organisation_name = StringField(
        _l("Organisation"),
        validators=[Length(max=160)],
        description=_l(
            "The organisation you act for. A coordinator verifies it before its opportunities are published."
        ),
    )
    password = _new_password()
    confirm = _confirm("password")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.profession.choices = [
            SelectChoice(p.code, label_for(p)) for p in professions.signup_professions(db.session)
        ]
        if not self.is_submitted() and self.profession.data is None:
            # ?as=student or ?as=trainee (the home page's links) preselect that profession.
            self.profession.data = professions.DEFAULT_PROFESSION.get(self.role.data)

    @property
    def for_organisation(self) -> bool:
        return self.role.data == Role.ORG_MEMBER

    def validate_role(self, field: HiddenField) -> None:
        if field.data and field.data not in {r.value for r in SIGNUP_ROLES}:
            raise ValidationError(_("Choose one of the options in the list."))

    def validate_profession(self, field: RadioField) -> None:
        if self.for_organisation:
            return
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Choose what you do from the list."))
        if not field.data and self.role.data not in professions.DEFAULT_PROFESSION:
            raise ValidationError(_("Choose what you do."))

    def validate_organisation_name(self, field: StringField) -> None:
        if self.role.data == Role.ORG_MEMBER and not (field.data or "").strip():
            raise ValidationError(_("Name the organisation you act for."))


class LoginForm(AppForm):
    email = EmailField(_l("Email"), validators=_email, filters=[strip_spaces])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class ForgotPasswordForm(AppForm):
    email = EmailField(_l("Email"), validators=_email, filters=[strip_spaces])


class ResetPasswordForm(AppForm):
    password = _new_password(_l("New password"))
    confirm = _confirm("password")


class ChangePasswordForm(AppForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    password = _new_password(_l("New password"))
    confirm = _confirm("password")


class ChangeEmailForm(AppForm):
    new_email = EmailField(_l("New email"), validators=_email, filters=[strip_spaces])
    password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )


class TimezoneForm(AppForm):
    # Checked below with a message of our own rather than WTForms' "Not a valid choice".
    timezone = SelectField(
        _l("Time zone"),
        choices=zone_choices,
        validate_choice=False,
        description=_l("Dates and times on this site are shown in this zone."),
    )

    def validate_timezone(self, field: SelectField) -> None:
        if not is_known_zone(field.data):
            raise ValidationError(_("Choose a time zone from the list."))


class LocaleForm(AppForm):
    # Each language is named in itself; "" leaves the choice to the switcher's cookie or the browser.
    locale = SelectField(
        _l("Language"),
        choices=lambda: [("", _l("The browser's language")), *LANGUAGES.items()],
        validate_choice=False,
        description=_l("Pages on this site are shown in this language."),
    )

    def validate_locale(self, field: SelectField) -> None:
        if field.data and field.data not in LANGUAGES:
            raise ValidationError(_("Choose a language from the list."))
