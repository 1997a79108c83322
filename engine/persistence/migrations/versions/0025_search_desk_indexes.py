"""indexes for the searches bench/search.py measured past 50 ms at 1M cases: a staff member's case search
starts from the case ids of their queues' tasks (unit, department, case_id: an index-only range per queue)
instead of checking every case of the range for a task in the queue; head office's supervisor desk reads open
tasks in list order from a partial index of the open tasks (due_at, created_at, id, status, case_id where
status is ready or claimed) instead of sorting all of them and checking each one's case; a search of one unit's cases by receipt day
(a branch supervisor's open complaints of one outlet, last 30 days) reads (unit, status, received_at) in order instead
of the whole range of days

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('ready', 'claimed')")


def upgrade() -> None:
    op.create_index('ix_human_task_queue_case', 'human_task', ['unit', 'department', 'case_id'])
    op.create_index('ix_complaint_case_unit_status_received', 'complaint_case', ['unit', 'status', 'received_at'])
    op.create_index('ix_human_task_open_order', 'human_task',
                    ['due_at', 'created_at', 'id', 'status', 'case_id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_human_task_open_order', table_name='human_task')
    op.drop_index('ix_human_task_queue_case', table_name='human_task')
    op.drop_index('ix_complaint_case_unit_status_received', table_name='complaint_case')
