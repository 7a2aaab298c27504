from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from matcher.models import Role
from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm


class RoleForm(AppForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, role.lazy_label) for role in Role],
        validators=[DataRequired(_l("Choose a role."))],
    )
