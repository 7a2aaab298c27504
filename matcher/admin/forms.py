from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from matcher.models import Role
from matcher.web.forms import AppForm


class RoleForm(AppForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[DataRequired("Choose a role.")],
    )
