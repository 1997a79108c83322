"""reports: the case_fact projection and indexes for the report queries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
import engine.persistence.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_fact',
    sa.Column('received_day', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=120), nullable=False),
    sa.Column('organisation', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('cause', sa.String(length=40), nullable=True),
    sa.Column('grade', sa.String(length=20), nullable=True),
    sa.Column('product', sa.String(length=120), nullable=True),
    sa.Column('received_at', engine.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('received_month', sa.String(length=7), nullable=False),
    sa.Column('internal_due_at', engine.persistence.types.UTCDateTime(), nullable=True),
    sa.Column('regulatory_due_at', engine.persistence.types.UTCDateTime(), nullable=True),
    sa.Column('regulatory_extensions', sa.Integer(), nullable=False),
    sa.Column('customer_key', sa.String(length=64), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('compensation_cents', sa.BigInteger(), nullable=False),
    sa.Column('resolved_on_spot', sa.Boolean(), nullable=False),
    sa.Column('replied_at', engine.persistence.types.UTCDateTime(), nullable=True),
    sa.Column('reply_workday_minutes', sa.Integer(), nullable=True),
    sa.Column('reply_minutes', sa.Integer(), nullable=True),
    sa.Column('satisfaction', sa.String(length=20), nullable=True),
    sa.Column('rework_returns', sa.Integer(), nullable=False),
    sa.Column('review_requested', sa.Boolean(), nullable=False),
    sa.Column('review_overturned', sa.Boolean(), nullable=False),
    sa.Column('rectification_issued', sa.Boolean(), nullable=False),
    sa.Column('rectification_closed', sa.Boolean(), nullable=False),
    sa.Column('root_cause', sa.String(length=200), nullable=True),
    sa.Column('closed_at', engine.persistence.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['complaint_case.id'], ),
    sa.PrimaryKeyConstraint('received_day', 'case_id'),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('case_fact', schema=None) as batch_op:
        batch_op.create_index('ix_case_fact_case', ['case_id'], unique=True)
        batch_op.create_index('ix_case_fact_customer', ['customer_key', 'received_at', 'organisation'], unique=False)
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_open_due', ['status', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_open_due')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_created_at')
    with op.batch_alter_table('case_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_case_fact_customer')
        batch_op.drop_index('ix_case_fact_case')
    op.drop_table('case_fact')
