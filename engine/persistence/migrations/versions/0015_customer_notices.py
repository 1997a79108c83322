"""customer notices: the outbox of acknowledgement, extension and result notices to complainants

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import engine.persistence.types
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'customer_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('case_number', sa.String(length=40), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('address', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', engine.persistence.types.UTCDateTime(), nullable=True),
        sa.Column('created_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.Column('sent_at', engine.persistence.types.UTCDateTime(), nullable=True),
        sa.Column('sent_by', sa.String(length=80), nullable=True),
        sa.Column('last_error', sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_case.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_customer_notice_case_id', 'customer_notice', ['case_id'])
    op.create_index('ix_customer_notice_due', 'customer_notice', ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_customer_notice_due', table_name='customer_notice')
    op.drop_index('ix_customer_notice_case_id', table_name='customer_notice')
    op.drop_table('customer_notice')
