"""case failure: when and where a case's workflow last failed (element, code, parameters), for supervisors

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import engine.persistence.types
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('complaint_case', sa.Column('failed_at', engine.persistence.types.UTCDateTime(), nullable=True))
    op.add_column('complaint_case', sa.Column('failure', sa.JSON(), nullable=True))
    op.create_index('ix_complaint_case_failed_at', 'complaint_case', ['failed_at'])


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of complaint_case would trip its foreign keys.
    op.drop_index('ix_complaint_case_failed_at', table_name='complaint_case')
    op.drop_column('complaint_case', 'failure')
    op.drop_column('complaint_case', 'failed_at')
