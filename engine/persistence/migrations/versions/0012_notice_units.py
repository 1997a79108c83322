"""notices belong to an organisation unit: notice.unit, the unit of the task they concern, so that "my
notices" and their emails stay within the units an actor may see; a notice without a task goes to the head
office when its department is a head-office one (complaint management: where the engine now routes it), else
to the case's unit; the department index gets the unit

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
                        sa.column('department', sa.String), sa.column('unit', sa.String))
case_table = sa.table('complaint_case', sa.column('id', sa.Integer), sa.column('unit', sa.String))
task_table = sa.table('human_task', sa.column('id', sa.String), sa.column('unit', sa.String))


def upgrade() -> None:
    attributes = op.get_context().config.attributes
    root = attributes.get('root_unit') or DEFAULT_UNIT
    head_office = sorted(d for d, unit in attributes.get('home_units', {}).items() if unit == root)
    op.add_column('notice', sa.Column('unit', sa.String(length=40), nullable=False, server_default=root))
    task_unit = (sa.select(task_table.c.unit).where(task_table.c.id == notice_table.c.task_id)
                 .scalar_subquery())
    case_unit = (sa.select(case_table.c.unit).where(case_table.c.id == notice_table.c.case_id)
                 .scalar_subquery())
    op.execute(notice_table.update().values(unit=sa.func.coalesce(task_unit, case_unit, root)))
    if head_office:
        op.execute(notice_table.update().where(notice_table.c.task_id.is_(None),
                                               notice_table.c.department.in_(head_office)).values(unit=root))
    op.drop_index('ix_notice_department', table_name='notice')
    op.create_index('ix_notice_department', 'notice', ['department', 'unit', 'read_at'])


def downgrade() -> None:
    op.drop_index('ix_notice_department', table_name='notice')
    op.execute('ALTER TABLE notice DROP COLUMN unit')
    op.create_index('ix_notice_department', 'notice', ['department', 'read_at'])
