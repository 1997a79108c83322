"""notices belong to an organisation unit: notice.unit, the unit of the task they concern (the case's
receiving unit for a notice without a task), so that "my notices" and their emails stay within the units
an actor may see; the department index gets the unit

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

DEFAULT_UNIT = 'HO'

notice_table = sa.table('notice', sa.column('case_id', sa.Integer), sa.column('task_id', sa.String),
                        sa.column('unit', sa.String))
case_table = sa.table('complaint_case', sa.column('id', sa.Integer), sa.column('unit', sa.String))
task_table = sa.table('human_task', sa.column('id', sa.String), sa.column('unit', sa.String))


def upgrade() -> None:
    root = op.get_context().config.attributes.get('root_unit') or DEFAULT_UNIT
    op.add_column('notice', sa.Column('unit', sa.String(length=40), nullable=False, server_default=root))
    task_unit = (sa.select(task_table.c.unit).where(task_table.c.id == notice_table.c.task_id)
                 .scalar_subquery())
    case_unit = (sa.select(case_table.c.unit).where(case_table.c.id == notice_table.c.case_id)
                 .scalar_subquery())
    op.execute(notice_table.update().values(unit=sa.func.coalesce(task_unit, case_unit, root)))
    op.drop_index('ix_notice_department', table_name='notice')
    op.create_index('ix_notice_department', 'notice', ['department', 'unit', 'read_at'])


def downgrade() -> None:
    op.drop_index('ix_notice_department', table_name='notice')
    op.execute('ALTER TABLE notice DROP COLUMN unit')
    op.create_index('ix_notice_department', 'notice', ['department', 'read_at'])
