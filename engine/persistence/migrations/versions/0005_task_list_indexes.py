"""task list indexes in the lists' order (due_at IS NULL, due_at, created_at), replacing the
(department|assignee, status, due_at) ones: bench/inbox.py measured the sort of every matching row

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ORDER = [sa.text('(due_at IS NULL)'), 'due_at', 'created_at']


def upgrade() -> None:
    op.drop_index('ix_human_task_queue', table_name='human_task')
    op.drop_index('ix_human_task_assignee', table_name='human_task')
    op.create_index('ix_human_task_queue_order', 'human_task', ['department', 'status', *ORDER])
    op.create_index('ix_human_task_assignee_order', 'human_task', ['assignee', 'status', *ORDER])


def downgrade() -> None:
    op.drop_index('ix_human_task_assignee_order', table_name='human_task')
    op.drop_index('ix_human_task_queue_order', table_name='human_task')
    op.create_index('ix_human_task_assignee', 'human_task', ['assignee', 'status', 'due_at'])
    op.create_index('ix_human_task_queue', 'human_task', ['department', 'status', 'due_at'])
