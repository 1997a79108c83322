"""knowledge base and alerts: typical cases (searchable: pg_trgm on PostgreSQL, FTS5 trigram on SQLite), risk
alerts and their addressees' acknowledgements

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-26
"""
import logging

import sqlalchemy as sa
import engine.persistence.types
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    op.create_table(
        'typical_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('case_number', sa.String(length=40), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('category', sa.String(length=40), nullable=True),
        sa.Column('cause', sa.String(length=40), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('facts', sa.Text(), nullable=False),
        sa.Column('analysis', sa.Text(), nullable=False),
        sa.Column('resolution', sa.Text(), nullable=False),
        sa.Column('lessons', sa.Text(), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=80), nullable=False),
        sa.Column('created_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.Column('updated_by', sa.String(length=80), nullable=False),
        sa.Column('updated_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.Column('published_by', sa.String(length=80), nullable=True),
        sa.Column('published_at', engine.persistence.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_case.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id'),
    )
    op.create_index('ix_typical_case_similar', 'typical_case', ['status', 'category', 'cause', 'published_at'])
    op.create_table(
        'alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('typical_case_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('issued_by', sa.String(length=80), nullable=False),
        sa.Column('issued_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.Column('whole_bank', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['typical_case_id'], ['typical_case.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_alert_typical_case_id', 'alert', ['typical_case_id'])
    op.create_index('ix_alert_issued_at', 'alert', ['issued_at'])
    op.create_table(
        'alert_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('department', sa.String(length=80), nullable=True),
        sa.Column('acknowledged_by', sa.String(length=80), nullable=True),
        sa.Column('acknowledged_at', engine.persistence.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['alert_id'], ['alert.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_alert_recipient_alert_id', 'alert_recipient', ['alert_id'])
    op.create_index('ix_alert_recipient_unit', 'alert_recipient', ['unit', 'department', 'acknowledged_at'])
    if op.get_bind().dialect.name == "postgresql":
        _trigram_index()
    else:
        op.execute("CREATE VIRTUAL TABLE typical_case_search USING fts5(search_text, tokenize='trigram')")


def _trigram_index() -> None:
    """A GIN trigram index on the search text (pg_trgm). The extension is created in `public` unless the
    database has it already; a role that may not create it gets no index (searching still works, by a
    sequential scan) and a warning: a DBA runs `CREATE EXTENSION pg_trgm` and the index is made on the next
    upgrade (README, Knowledge base)."""
    conn = op.get_bind()
    schema = _trigram_schema(conn)
    if schema is None:
        try:
            with conn.begin_nested():
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        except sa.exc.DBAPIError as err:
            log.warning("pg_trgm could not be created (%s): the knowledge base is searched without an index",
                        str(err.orig).strip())
            return
        schema = _trigram_schema(conn)
    op.execute(f'CREATE INDEX ix_typical_case_search ON typical_case USING gin (search_text "{schema}".gin_trgm_ops)')


def _trigram_schema(conn: sa.engine.Connection) -> str | None:
    return conn.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_typical_case_search")  # the extension stays: others may use it
    else:
        op.execute("DROP TABLE IF EXISTS typical_case_search")
    op.drop_index('ix_alert_recipient_unit', table_name='alert_recipient')
    op.drop_index('ix_alert_recipient_alert_id', table_name='alert_recipient')
    op.drop_table('alert_recipient')
    op.drop_index('ix_alert_issued_at', table_name='alert')
    op.drop_index('ix_alert_typical_case_id', table_name='alert')
    op.drop_table('alert')
    op.drop_index('ix_typical_case_similar', table_name='typical_case')
    op.drop_table('typical_case')
