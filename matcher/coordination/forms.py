"""Coordinators' forms. The rules for a link (web addresses only) live in services.reading."""

from __future__ import annotations

from wtforms import StringField, URLField
from wtforms.validators import DataRequired, Length

from matcher.services.reading import MAX_DESCRIPTION, MAX_TITLE, MAX_URL
from matcher.web.forms import AppForm


class ReadingLinkForm(AppForm):
    title = StringField("Title", validators=[DataRequired("Give the link a title."), Length(max=MAX_TITLE)])
    url = URLField(
        "Web address",
        validators=[DataRequired("Enter the web address."), Length(max=MAX_URL)],
        description="Starting with https:// (or http://).",
    )
    description = StringField(
        "One-line description (optional)",
        validators=[Length(max=MAX_DESCRIPTION)],
        description="Shown under the title on the home page.",
    )
