"""a covering index of the case's key, status and receipt time: a staff member's case search starts from the
case ids of their queues' tasks (0025) and checks each case's status and receipt day in this narrow index
(SQLite: a covering index; PostgreSQL: an index-only scan) instead of reading each wide complaint_case row;
an outlet front desk's closed complaints of one month checked ~1,900 cases row by row at 1M cases; a SQLite
database with statistics (ANALYZE, as README advises for large ones) gets this index's too: without them SQLite
prefers the table's key

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_complaint_case_id_status_received', 'complaint_case', ['id', 'status', 'received_at'])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.execute(
            sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first() is not None:
        op.execute("ANALYZE ix_complaint_case_id_status_received")


def downgrade() -> None:
    op.drop_index('ix_complaint_case_id_status_received', table_name='complaint_case')
