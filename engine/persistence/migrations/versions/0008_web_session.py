"""web sessions on the server: the cookie carries a session id, the table its hash; sign-out, idleness, a
password change or disabling the user deletes the row, and with it every copy of the cookie

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

import engine.persistence.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_session',
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('created_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.Column('last_seen_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id_hash'),
    )
    op.create_index('ix_web_session_username', 'web_session', ['username'], unique=False)
    op.create_index('ix_web_session_last_seen_at', 'web_session', ['last_seen_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_web_session_last_seen_at', table_name='web_session')
    op.drop_index('ix_web_session_username', table_name='web_session')
    op.drop_table('web_session')
