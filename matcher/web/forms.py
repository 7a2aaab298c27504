"""Form helpers: the empty CSRF-only form, errors shown at their field, the error summary's links,
our own wording for WTForms' default messages, the hidden CSRF input."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, FieldList, Form, FormField, RadioField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.services.errors import DomainError, TooMany


def strip_spaces(value: str | None) -> str | None:
    """Pasted addresses often carry spaces; they are not part of the address."""
    return value.strip() if isinstance(value, str) else value


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Attach the error next to its field, or to the form when it concerns no one field."""
    if isinstance(error, TooMany):
        form.too_many = True  # render_form answers 429
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def csrf_input(form: FlaskForm) -> Markup:
    """The form's hidden CSRF field without an id (pages hold several forms); empty when off."""
    field = getattr(form, "csrf_token", None)
    return field(id=False) if field is not None else Markup("")


# WTForms' default messages, in our words. Every form gets these through its Meta (AppForm and
# RowForm): a validator or field given no message of its own never shows a library default.
MESSAGES: dict[str, str] = {
    "This field is required.": "Fill in this part.",
    "Not a valid choice.": "Choose one of the options in the list.",
    "Not a valid choice": "Choose one of the options in the list.",
    "'%(value)s' is not a valid choice for this field.": "Choose one of the options in the list.",
    "'%(value)s' are not valid choices for this field.": "Choose from the options in the list.",
    "Choices cannot be None.": "Choose one of the options in the list.",
    "Invalid email address.": "Enter an email address like name@example.org.",
    "Invalid URL.": "Enter a web address starting with https://",
    "Invalid input.": "Check what you entered.",
    "Invalid value, can't be any of: %(values)s.": "Choose another value.",
    "Invalid value, must be one of: %(values)s.": "Choose one of the options in the list.",
    "Field must be equal to %(other_name)s.": "The two entries do not match.",
    "Not a valid integer value.": "Enter a whole number, like 12.",
    "Not a valid decimal value.": "Enter a number, like 150 or 150.50.",
    "Not a valid float value.": "Enter a number, like 2.5.",
    "Not a valid date value.": "Enter a real date, like 2027-03-01.",
    "Not a valid datetime value.": "Enter a real date and time.",
    "Not a valid time value.": "Enter a real time, like 09:30.",
    "Not a valid week value.": "Enter a real week.",
    "Number must be at least %(min)s.": "Enter %(min)s or more.",
    "Number must be at most %(max)s.": "Enter %(max)s or less.",
    "Number must be between %(min)s and %(max)s.": "Enter a number from %(min)s to %(max)s.",
    "Field must be at least %(min)d character long.": "Use at least %(min)d character.",
    "Field must be at least %(min)d characters long.": "Use at least %(min)d characters.",
    "Field cannot be longer than %(max)d character.": "Keep it to %(max)d character.",
    "Field cannot be longer than %(max)d characters.": "Keep it to %(max)d characters.",
    "Field must be exactly %(max)d character long.": "Use exactly %(max)d character.",
    "Field must be exactly %(max)d characters long.": "Use exactly %(max)d characters.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Use between %(min)d and %(max)d characters."
    ),
    "This field must be left empty.": "Leave this part empty.",
    "This field is required to be empty.": "Leave this part empty.",
    "Invalid Mac address.": "Check what you entered.",
    "Invalid UUID.": "Check what you entered.",
    "Invalid IP address.": "Check what you entered.",
    "Invalid CSRF Token.": "This form has expired: send it again.",
    "CSRF token missing.": "This form has expired: send it again.",
    "CSRF failed.": "This form has expired: send it again.",
    "CSRF token expired.": "This form has expired: send it again.",
    "The CSRF token is missing.": "This form has expired: send it again.",
    "The CSRF token is invalid.": "This form has expired: send it again.",
    "The CSRF token has expired.": "This form has expired: send it again.",
    "The CSRF tokens do not match.": "This form has expired: send it again.",
    "This field is required to be a file.": "Choose a file to upload.",
    "File does not have an approved extension.": "Choose a PDF file.",
    "File must be between {min_size} and {max_size} bytes.": "Choose a smaller file.",
}


class OurWords:
    """A translations object (gettext/ngettext) that turns WTForms' defaults into MESSAGES."""

    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


OUR_WORDS = OurWords()


def _one_message_per_unreadable_field(form: Form) -> None:
    """A value that could not be read ("many" for a number) says so, alone: the validators after
    it judged an empty value ("From 1 to 1000") and would only add noise. Nothing typed at all is
    the validators' to name ("Give a rating"), not "Enter a whole number"."""
    for f in form:
        if not f.process_errors:
            continue
        typed = any(str(value).strip() for value in (f.raw_data or []))
        if typed:
            f.errors = list(f.process_errors)
        elif any(e not in f.process_errors for e in f.errors):
            f.errors = [e for e in f.errors if e not in f.process_errors]


class _OurWords:
    """What every form of the app shares: our words for WTForms' defaults, one message for a value
    that cannot be read (WTForms merges the Meta classes of a form's bases)."""

    class Meta:
        def get_translations(self, form: Any) -> OurWords:
            return OUR_WORDS

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        _one_message_per_unreadable_field(self)
        return valid


class AppForm(_OurWords, FlaskForm):
    """The base of every form of the app: CSRF (FlaskForm) and _OurWords."""


class RowForm(_OurWords, Form):
    """The base of the rows of a FieldList(FormField(...)): the same as AppForm, without CSRF."""


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes: no Ctrl-click, readable on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def error_links(form: FlaskForm, id_suffix: str = "") -> list[tuple[str | None, str]]:
    """(id to link to, message) for every error on the form, in the order of its fields, then the
    messages about the whole form (id None). A row's message says which row, as at the field.
    `id_suffix` follows each id, for a page that shows the same form once per row ("rating-12")."""
    found: list[tuple[str | None, str]] = []
    for f in form:
        if f.type == "CSRFTokenField":
            found.extend((None, message) for message in _texts(f.errors))
        else:
            _field_errors(f, found)
    found.extend((None, message) for message in getattr(form, "form_errors", []))
    return [(target + id_suffix if target else None, message) for target, message in found]


def _texts(errors: Any) -> list[str]:
    """The messages among a field's errors (a list's errors also hold its rows'): a validator's
    lazy message (`lazy_gettext`) is worded now, in the request's language."""
    return [str(message) for message in errors if isinstance(message, str | LazyString)]


def _target(f: Field) -> str:
    """The id the summary links to: the first box of a group of boxes, the first input of a list."""
    if isinstance(f, FieldList):
        return _target(f.entries[0]) if f.entries else f.id
    if isinstance(f, FormField):
        return _target(next(iter(f.form)))
    if isinstance(f, RadioField) or isinstance(getattr(f, "option_widget", None), CheckboxInput):
        return f"{f.id}-0"
    return f.id


def _field_errors(f: Field, found: list[tuple[str | None, str]]) -> None:
    if isinstance(f, FieldList):
        found.extend((_target(f), message) for message in _texts(f.errors))
        for number, entry in enumerate(f.entries, start=1):
            subfields = list(entry.form) if isinstance(entry, FormField) else [entry]
            for sub in subfields:
                name = f", {sub.label.text.lower()}" if isinstance(entry, FormField) else ""
                found.extend((_target(sub), f"Row {number}{name}: {m}") for m in _texts(sub.errors))
    elif isinstance(f, FormField):
        for sub in f.form:
            _field_errors(sub, found)
    else:
        found.extend((_target(f), message) for message in _texts(f.errors))


class EmptyForm(AppForm):
    """A form with nothing but the CSRF token, for buttons such as "Log out"."""
