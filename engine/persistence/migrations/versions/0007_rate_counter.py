"""rate counters: failed sign-ins per user name and refusals per source address, in fixed windows shared by
every web process

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

import engine.persistence.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_counter',
        sa.Column('key', sa.String(length=250), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_rate_counter_expires_at', 'rate_counter', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rate_counter_expires_at', table_name='rate_counter')
    op.drop_table('rate_counter')
