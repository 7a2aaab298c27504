"""Form helpers: the empty CSRF-only form, errors shown at their field, the error summary's links,
our own wording for WTForms' default messages, the hidden CSRF input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, FieldList, Form, FormField, RadioField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.services.errors import DomainError, TooMany
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import ngettext


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


# WTForms' default messages, in our words and in the reader's language. Every form gets these
# through its Meta (AppForm and RowForm): a validator or field given no message of its own never
# shows a library default. They are lazy: worded when a form is validated, in that request's language.
_FILL_IN = _l("Fill in this part.")
_CHOOSE = _l("Choose one of the options in the list.")
_CHECK = _l("Check what you entered.")
_EMPTY = _l("Leave this part empty.")
_EXPIRED = _l("This form has expired: send it again.")
MESSAGES: dict[str, LazyString] = {
    "This field is required.": _FILL_IN,
    "Not a valid choice.": _CHOOSE,
    "Not a valid choice": _CHOOSE,
    "'%(value)s' is not a valid choice for this field.": _CHOOSE,
    "'%(value)s' are not valid choices for this field.": _l("Choose from the options in the list."),
    "Choices cannot be None.": _CHOOSE,
    "Invalid email address.": _l("Enter an email address like name@example.org."),
    "Invalid URL.": _l("Enter a web address starting with https://"),
    "Invalid input.": _CHECK,
    "Invalid value, can't be any of: %(values)s.": _l("Choose another value."),
    "Invalid value, must be one of: %(values)s.": _CHOOSE,
    "Field must be equal to %(other_name)s.": _l("The two entries do not match."),
    "Not a valid integer value.": _l("Enter a whole number, like 12."),
    "Not a valid decimal value.": _l("Enter a number, like 150 or 150.50."),
    "Not a valid float value.": _l("Enter a number, like 2.5."),
    "Not a valid date value.": _l("Enter a real date, like 2027-03-01."),
    "Not a valid datetime value.": _l("Enter a real date and time."),
    "Not a valid time value.": _l("Enter a real time, like 09:30."),
    "Not a valid week value.": _l("Enter a real week."),
    "Number must be at least %(min)s.": _l("Enter %(min)s or more."),
    "Number must be at most %(max)s.": _l("Enter %(max)s or less."),
    "Number must be between %(min)s and %(max)s.": _l("Enter a number from %(min)s to %(max)s."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Use between %(min)d and %(max)d characters."
    ),
    "This field must be left empty.": _EMPTY,
    "This field is required to be empty.": _EMPTY,
    "Invalid Mac address.": _CHECK,
    "Invalid UUID.": _CHECK,
    "Invalid IP address.": _CHECK,
    "Invalid CSRF Token.": _EXPIRED,
    "CSRF token missing.": _EXPIRED,
    "CSRF failed.": _EXPIRED,
    "CSRF token expired.": _EXPIRED,
    "The CSRF token is missing.": _EXPIRED,
    "The CSRF session token is missing.": _EXPIRED,
    "The CSRF token is invalid.": _EXPIRED,
    "The CSRF token has expired.": _EXPIRED,
    "The CSRF tokens do not match.": _EXPIRED,
    "This field is required to be a file.": _l("Choose a file to upload."),
    "File does not have an approved extension.": _l("Choose a PDF file."),
    "File must be between {min_size} and {max_size} bytes.": _l("Choose a smaller file."),
}


def _at_least(n: int) -> str:
    return ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", n)


def _at_most(n: int) -> str:
    return ngettext("Keep it to %(num)d character.", "Keep it to %(num)d characters.", n)


def _exactly(n: int) -> str:
    return ngettext("Use exactly %(num)d character.", "Use exactly %(num)d characters.", n)


# WTForms' messages that depend on a count (ngettext), keyed by either English form: each words
# the count itself (WTForms then fills a message with no placeholder left, which changes nothing).
PLURAL_MESSAGES: dict[str, Callable[[int], str]] = {
    "Field must be at least %(min)d character long.": _at_least,
    "Field must be at least %(min)d characters long.": _at_least,
    "Field cannot be longer than %(max)d character.": _at_most,
    "Field cannot be longer than %(max)d characters.": _at_most,
    "Field must be exactly %(max)d character long.": _exactly,
    "Field must be exactly %(max)d characters long.": _exactly,
}


class OurWords:
    """A translations object (gettext/ngettext) that turns WTForms' defaults into our words, in the
    language of the request validating the form."""

    def gettext(self, string: str) -> str:
        ours = MESSAGES.get(string)
        return str(ours) if ours is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        words = PLURAL_MESSAGES.get(singular)
        if words is not None:
            return words(n)
        return self.gettext(singular if n == 1 else plural)


OUR_WORDS = OurWords()


def _word_lazy_messages(form: Form) -> None:
    """Messages given to validators as lazy strings (`_l`), worded now in the request's language,
    so that errors are plain text everywhere (joined in a flash, compared in a test). In place: a
    list's errors hold its entries' lists. A row form (FormField) words its own when it validates."""
    for f in form:
        for one in (f, *getattr(f, "entries", ())):
            if not isinstance(one, FormField) and isinstance(one.errors, list):
                one.errors[:] = [str(e) if isinstance(e, LazyString) else e for e in one.errors]


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
        _word_lazy_messages(self)
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
            found.extend((None, OUR_WORDS.gettext(message)) for message in _texts(f.errors))
        else:
            _field_errors(f, found)
    found.extend((None, message) for message in getattr(form, "form_errors", []))
    return [(target + id_suffix if target else None, message) for target, message in found]


def _texts(errors: Any) -> list[str]:
    """The messages among a field's errors (a form's own messages are lazy strings: `_l`)."""
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
                found.extend((_target(sub), _row_message(number, entry, sub, m)) for m in _texts(sub.errors))
    elif isinstance(f, FormField):
        for sub in f.form:
            _field_errors(sub, found)
    else:
        found.extend((_target(f), message) for message in _texts(f.errors))


def _row_message(number: int, entry: Field, sub: Field, message: str) -> str:
    """A message at a row of a list, saying which row (and which part of it, for a row of parts)."""
    if isinstance(entry, FormField):
        part = str(sub.label.text).lower()
        return _("Row %(number)s, %(part)s: %(message)s", number=number, part=part, message=message)
    return _("Row %(number)s: %(message)s", number=number, message=message)


class EmptyForm(AppForm):
    """A form with nothing but the CSRF token, for buttons such as "Log out"."""
