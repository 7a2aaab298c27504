"""People: trainees who said they were consultants become IR physicians.

Before professions, consultants had to sign up as trainees and choose the "consultant / attending"
level. An IR trainee's levels now end at fellow, and consultants have their own profession (IR
physician, role professional, the consultant level only), so those accounts move there: otherwise
their next profile save would refuse the level they hold. Data only; no schema change.

Revision ID: 0024_people
Revises: 0023_teaching
Create Date: 2026-12-02 13:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_people"
down_revision = "0023_teaching"
branch_labels = None
depends_on = None

IR_PHYSICIAN = (
    "INSERT INTO professions (code, label, role, ladder, level_min, level_max, grades, teaches,"
    " position, translations)"
    " SELECT 'ir-physician', 'IR physician (consultant or attending)', 'professional', 'levels',"
    " (SELECT rank FROM training_levels WHERE code = 'consultant'),"
    " (SELECT rank FROM training_levels WHERE code = 'consultant'), '[]', TRUE, 2, '{}'"
    " WHERE NOT EXISTS (SELECT 1 FROM professions WHERE code = 'ir-physician')"
    " AND EXISTS (SELECT p.user_id FROM profiles p JOIN training_levels l ON l.rank = p.level_rank"
    " JOIN users u ON u.id = p.user_id WHERE l.code = 'consultant' AND u.role = 'trainee')"
)
MOVE_THEM = (
    "UPDATE users SET role = 'professional', profession_code = 'ir-physician' WHERE id IN ("
    "SELECT p.user_id FROM profiles p JOIN training_levels l ON l.rank = p.level_rank"
    " JOIN users u ON u.id = p.user_id WHERE l.code = 'consultant' AND u.role = 'trainee')"
)


def upgrade():
    # The profession row, if `flask reference sync` has not added it yet (it fills in the words).
    op.execute(IR_PHYSICIAN)
    op.execute(MOVE_THEM)


def downgrade():
    # Nothing to undo by itself: 0023's downgrade folds every professional back into a trainee.
    pass
