"""clock actions: the regulatory clock's state on the case (pauses, restarts), the 60-day extension requests
waiting for an approver, and the clock figures of the report facts

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

from engine.persistence.types import UTCDateTime

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

FACT_COLUMNS = ('long_extensions', 'clock_pauses', 'clock_paused_days')


def upgrade() -> None:
    op.add_column('complaint_case', sa.Column('regulatory_clock', sa.JSON(), nullable=True))
    op.add_column('complaint_case', sa.Column('clock_paused_at', UTCDateTime(), nullable=True))
    for column in FACT_COLUMNS:
        op.add_column('case_fact', sa.Column(column, sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'clock_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('case_number', sa.String(length=40), nullable=False),
        sa.Column('case_unit', sa.String(length=40), nullable=False),
        sa.Column('approver_unit', sa.String(length=40), nullable=False),
        sa.Column('to_days', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('requested_by', sa.String(length=80), nullable=False),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('decided_by', sa.String(length=80), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('opinion', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_case.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_clock_request_case_id', 'clock_request', ['case_id'])
    op.create_index('ix_clock_request_pending', 'clock_request', ['status', 'approver_unit', 'requested_at'])


def downgrade() -> None:
    op.drop_index('ix_clock_request_pending', table_name='clock_request')
    op.drop_index('ix_clock_request_case_id', table_name='clock_request')
    op.drop_table('clock_request')
    for table, column in [*(('case_fact', c) for c in reversed(FACT_COLUMNS)),
                          ('complaint_case', 'clock_paused_at'), ('complaint_case', 'regulatory_clock')]:
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
