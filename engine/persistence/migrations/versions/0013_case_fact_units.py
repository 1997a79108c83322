"""report facts carry the case's organisation unit: case_fact.unit, copied from complaint_case.unit, so that
reports count only the cases of the units their reader may see and filter by a unit's subtree

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

DEFAULT_UNIT = 'HO'

fact_table = sa.table('case_fact', sa.column('case_id', sa.Integer), sa.column('unit', sa.String))
case_table = sa.table('complaint_case', sa.column('id', sa.Integer), sa.column('unit', sa.String))


def upgrade() -> None:
    root = op.get_context().config.attributes.get('root_unit') or DEFAULT_UNIT
    op.add_column('case_fact', sa.Column('unit', sa.String(length=40), nullable=False, server_default=root))
    case_unit = sa.select(case_table.c.unit).where(case_table.c.id == fact_table.c.case_id).scalar_subquery()
    op.execute(fact_table.update().values(unit=sa.func.coalesce(case_unit, root)))


def downgrade() -> None:
    op.execute('ALTER TABLE case_fact DROP COLUMN unit')
