"""The logbook's forms: one session (added or changed) and the host's confirmation. Shapes only;
the rules (the visit's dates, what each kind of session needs, no identifiers) are in
services.impact.logbook, which the view asks for every refusal at once."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from matcher.formatting import label_for
from matcher.models.impact import LearnerRole, LogEntry, SessionKind
from matcher.services.impact.logbook import EntryData
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext
from matcher.web.forms import AppForm, strip_spaces


def _id_or_none(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class HoursField(DecimalField):
    """Hours as the reader writes them: 1.5 or 1,5."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata([value.replace(",", ".").strip() for value in valuelist])
        except ValueError as refused:  # "abc": the field's own words, not the generic number message
            raise ValueError(str(_l("Enter a number of hours from 0.5 to 24."))) from refused


class EntryForm(AppForm):
    held_on = DateField(
        _l("Day of the session"),
        validators=[InputRequired(_l("Give the day of the session."))],
    )
    kind = RadioField(
        _l("Kind of session"),
        validators=[InputRequired(_l("Choose what kind of session it was."))],
    )
    procedure_id = SelectField(
        _l("Procedure or subject"),
        coerce=_id_or_none,
        validate_choice=False,  # the service says when it is not one offered
        description=_l("Needed for a procedure; for a lecture or a simulation session, the subject if any."),
    )
    learner_role = RadioField(
        _l("What the local learner did"),
        validators=[Optional()],
        description=_l("Procedures only."),
    )
    cases = IntegerField(
        lazy_pgettext("logbook", "Cases"),
        validators=[Optional()],
        description=_l("Procedures only: how many, from 1 to 200."),
    )
    learners_present = IntegerField(
        _l("Local learners present"),
        validators=[InputRequired(_l("Say how many local learners were there (0 if none)."))],
        description=_l("From 0 to 500."),
    )
    hours = HoursField(
        lazy_pgettext("logbook", "Hours"),
        places=1,
        validators=[Optional()],
        description=_l("Lectures and simulation sessions: from 0.5 to 24."),
    )
    topic = StringField(
        lazy_pgettext("logbook", "Topic"),
        filters=[strip_spaces],
        validators=[Optional()],
        description=_l("Lectures and simulation sessions, up to 200 characters."),
    )
    local_learner_id = SelectField(
        _l("Registered local learner (optional)"),
        coerce=_id_or_none,
        validate_choice=False,
        description=_l("Procedures only: the learner who had that role, if the host registered them."),
    )

    def to_data(self) -> EntryData:
        return EntryData(
            held_on=self.held_on.data,
            kind=self.kind.data,
            procedure_id=self.procedure_id.data,
            learner_role=self.learner_role.data or None,
            cases=self.cases.data,
            learners_present=self.learners_present.data,
            hours=self.hours.data,
            topic=self.topic.data or "",
            local_learner_id=self.local_learner_id.data,
        )

    def load(self, entry: LogEntry) -> None:
        self.held_on.data, self.kind.data = entry.held_on, entry.kind
        self.procedure_id.data, self.learner_role.data = entry.procedure_id, entry.learner_role
        self.cases.data = entry.cases if entry.kind == SessionKind.PROCEDURE else None
        self.learners_present.data, self.hours.data = entry.learners_present, entry.hours
        self.topic.data, self.local_learner_id.data = entry.topic, entry.local_learner_id


def entry_form(procedures, learners, **kwargs) -> EntryForm:
    """The form with the procedures offered (grouped as in the taxonomy) and the site's learners."""
    form = EntryForm(**kwargs)
    # Worded per request, in the reader's language (a list built at import stays in English).
    form.kind.choices = [SelectChoice(kind.value, kind.label) for kind in SessionKind]
    form.learner_role.choices = [SelectChoice(role.value, role.label) for role in LearnerRole]
    form.procedure_id.choices = [SelectChoice("", _l("None chosen"))] + [
        SelectChoice(p.id, label_for(p), optgroup=label_for(p, "group") or None) for p in procedures
    ]
    form.local_learner_id.choices = [SelectChoice("", _l("Not named"))] + [
        SelectChoice(learner.id, learner.name) for learner in learners
    ]
    return form


class ConfirmForm(AppForm):
    entry = SelectMultipleField(coerce=int, validate_choice=False)  # ids; others are ignored
    all = BooleanField()
