"""urgent and group complaints: a case's urgent handling (first-contact and task-force deadlines, the first
contact, chase marks), its task force's departments and its daily progress entries

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import engine.persistence.types
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = engine.persistence.types.UTCDateTime
    op.create_table(
        'urgent_case',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('case_number', sa.String(length=40), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('grade', sa.String(length=20), nullable=True),
        sa.Column('is_group', sa.Boolean(), nullable=False),
        sa.Column('received_at', when(), nullable=False),
        sa.Column('registered_at', when(), nullable=False),
        sa.Column('manager_unit', sa.String(length=40), nullable=False),
        sa.Column('manager_department', sa.String(length=80), nullable=False),
        sa.Column('first_contact_due_at', when(), nullable=False),
        sa.Column('task_force_due_at', when(), nullable=False),
        sa.Column('first_contact_at', when(), nullable=True),
        sa.Column('first_contact_by', sa.String(length=80), nullable=True),
        sa.Column('first_contact_method', sa.String(length=20), nullable=True),
        sa.Column('first_contact_note', sa.Text(), nullable=False),
        sa.Column('task_force_at', when(), nullable=True),
        sa.Column('task_force_by', sa.String(length=80), nullable=True),
        sa.Column('lead_unit', sa.String(length=40), nullable=True),
        sa.Column('lead_department', sa.String(length=80), nullable=True),
        sa.Column('lead_person', sa.String(length=80), nullable=False),
        sa.Column('first_contact_chased_at', when(), nullable=True),
        sa.Column('task_force_chased_at', when(), nullable=True),
        sa.Column('progress_checked_through', sa.Date(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_case.id']),
        sa.PrimaryKeyConstraint('case_id'),
    )
    op.create_index('ix_urgent_case_unit', 'urgent_case', ['unit'])
    op.create_table(
        'urgent_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('department', sa.String(length=80), nullable=False),
        sa.Column('lead', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['urgent_case.case_id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_urgent_member_case_id', 'urgent_member', ['case_id'])
    op.create_index('ix_urgent_member_queue', 'urgent_member', ['unit', 'department'])
    op.create_table(
        'urgent_progress',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('recorded_at', when(), nullable=False),
        sa.Column('recorded_by', sa.String(length=80), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('department', sa.String(length=80), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['urgent_case.case_id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_urgent_progress_case_day', 'urgent_progress', ['case_id', 'day'])


def downgrade() -> None:
    op.drop_index('ix_urgent_progress_case_day', table_name='urgent_progress')
    op.drop_table('urgent_progress')
    op.drop_index('ix_urgent_member_queue', table_name='urgent_member')
    op.drop_index('ix_urgent_member_case_id', table_name='urgent_member')
    op.drop_table('urgent_member')
    op.drop_index('ix_urgent_case_unit', table_name='urgent_case')
    op.drop_table('urgent_case')
