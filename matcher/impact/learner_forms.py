"""Forms for a site's local learners and their milestones; the rules are checked again in
services.impact.learners."""

from __future__ import annotations

from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from matcher.extensions import db
from matcher.formatting import label_for
from matcher.models.impact import MilestoneKind
from matcher.services.impact import learners
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext
from matcher.web.forms import AppForm, strip_spaces


def level_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", "—"),
        *(SelectChoice(code, str(words)) for code, words in learners.PERSON_LEVELS.items()),
    ]


class LearnerForm(AppForm):
    name = StringField(
        _l("Name or initials"),
        description=_l("Initials are enough, like A. M."),
        filters=[strip_spaces],
        validators=[DataRequired(_l("Give a name or initials.")), Length(max=learners.MAX_NAME)],
    )
    level = SelectField(_l("Level"), choices=level_choices, validators=[Optional()])

    def to_data(self, active: bool = True) -> learners.LearnerData:
        return learners.LearnerData(name=self.name.data or "", level=self.level.data or "", active=active)


class EditLearnerForm(LearnerForm):
    active = BooleanField(_l("Still learning at this site"))

    def load(self, learner) -> None:
        self.name.data, self.level.data, self.active.data = learner.name, learner.level, learner.active

    def to_data(self, active: bool = True) -> learners.LearnerData:
        return super().to_data(active=bool(self.active.data))


def procedure_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", str(_l("Choose a procedure"))),
        *(
            SelectChoice(str(p.id), label_for(p), optgroup=label_for(p, "group") or None)
            for p in learners.milestone_procedures(db.session)
        ),
    ]


class MilestoneForm(AppForm):
    procedure = SelectField(
        _l("Procedure"), choices=procedure_choices, validators=[DataRequired(_l("Choose a procedure."))]
    )
    kind = RadioField(
        lazy_pgettext("local learner", "Milestone"),
        choices=lambda: [SelectChoice(k.value, k.label) for k in MilestoneKind],
        validators=[DataRequired(_l("Choose the milestone."))],
    )
    achieved_on = DateField(
        _l("Date of the case"),
        description=_l("The day or an approximate one, from 2000 on; not in the future."),
        validators=[DataRequired(_l("Give the date of the case."))],
    )

    @property
    def procedure_id(self) -> int | None:
        value = self.procedure.data or ""
        return int(value) if value.isdigit() else None
