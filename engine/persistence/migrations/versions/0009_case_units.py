"""cases and human tasks belong to an organisation unit: complaint_case.unit (the receiving unit) and
human_task.unit (whose department queue holds the task); the queue index gets the unit in front.
Existing tasks go to their department's home unit (where migration 0006 put its members), each case to
the unit of its first task (the head office when it has none)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

DEFAULT_UNIT = 'HO'
ORDER = [sa.text('(due_at IS NULL)'), 'due_at', 'created_at']

case_table = sa.table('complaint_case', sa.column('id', sa.Integer), sa.column('unit', sa.String))
task_table = sa.table('human_task', sa.column('id', sa.String), sa.column('case_id', sa.Integer),
                      sa.column('department', sa.String), sa.column('unit', sa.String),
                      sa.column('created_at'))


def upgrade() -> None:
    # NOT NULL with a default from the start: on SQLite a batch re-creation of complaint_case would
    # trip over the foreign keys that point at it.
    attributes = op.get_context().config.attributes
    homes, root = attributes.get('home_units', {}), attributes.get('root_unit') or DEFAULT_UNIT
    for table_name in ('complaint_case', 'human_task'):
        op.add_column(table_name, sa.Column('unit', sa.String(length=40), nullable=False, server_default=root))
    bind = op.get_bind()
    for department in [d for (d,) in bind.execute(sa.select(task_table.c.department).distinct())]:
        bind.execute(task_table.update().where(task_table.c.department == department)
                     .values(unit=homes.get(department, root)))
    first_units = {}
    for case_id, unit in bind.execute(sa.select(task_table.c.case_id, task_table.c.unit)
                                      .order_by(task_table.c.case_id, task_table.c.created_at.desc())):
        first_units[case_id] = unit
    for unit in set(first_units.values()) - {root}:
        ids = [case_id for case_id, u in first_units.items() if u == unit]
        for start in range(0, len(ids), 500):
            bind.execute(case_table.update().where(case_table.c.id.in_(ids[start:start + 500])).values(unit=unit))
    op.create_index('ix_complaint_case_unit', 'complaint_case', ['unit'])
    op.drop_index('ix_human_task_queue_order', table_name='human_task')
    op.create_index('ix_human_task_queue_order', 'human_task', ['unit', 'department', 'status', *ORDER])


def downgrade() -> None:
    op.drop_index('ix_human_task_queue_order', table_name='human_task')
    op.drop_index('ix_complaint_case_unit', table_name='complaint_case')
    op.execute('ALTER TABLE human_task DROP COLUMN unit')
    op.execute('ALTER TABLE complaint_case DROP COLUMN unit')
    op.create_index('ix_human_task_queue_order', 'human_task', ['department', 'status', *ORDER])
