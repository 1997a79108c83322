"""task list indexes for a supervisor's subtree (a branch's 51 units as `unit IN (...)`): the queue index and
a new one for the supervisor desk (unit, status, due_at, created_at: open tasks due before a time) both end
with the task id, so a subtree list finds its page in the index alone (an index-only scan and a sort of index
entries) and reads just that page's rows; bench/inbox.py measured a branch desk at 1M cases reading ~12,000
scattered rows for 100

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ORDER = [sa.text('(due_at IS NULL)'), 'due_at', 'created_at']


def upgrade() -> None:
    op.drop_index('ix_human_task_queue_order', table_name='human_task')
    op.create_index('ix_human_task_queue_order', 'human_task', ['unit', 'department', 'status', *ORDER, 'id'])
    op.create_index('ix_human_task_unit_open', 'human_task', ['unit', 'status', 'due_at', 'created_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_human_task_unit_open', table_name='human_task')
    op.drop_index('ix_human_task_queue_order', table_name='human_task')
    op.create_index('ix_human_task_queue_order', 'human_task', ['unit', 'department', 'status', *ORDER])
