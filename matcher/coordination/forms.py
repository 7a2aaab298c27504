"""Coordinators' forms. The rules for a link (web addresses only) live in services.reading."""

from __future__ import annotations

from wtforms import StringField, URLField
from wtforms.validators import DataRequired, Length

from matcher.services.reading import MAX_DESCRIPTION, MAX_TITLE, MAX_URL
from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm


class ReadingLinkForm(AppForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the link a title.")), Length(max=MAX_TITLE)]
    )
    url = URLField(
        _l("Web address"),
        validators=[DataRequired(_l("Enter the web address.")), Length(max=MAX_URL)],
        description=_l("Starting with https:// (or http://)."),
    )
    description = StringField(
        _l("One-line description (optional)"),
        validators=[Length(max=MAX_DESCRIPTION)],
        description=_l("Shown under the title on the home page."),
    )
