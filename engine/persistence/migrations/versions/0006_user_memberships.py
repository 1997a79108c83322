"""user memberships of (unit, department) pairs replace app_user.departments; existing users become
members of each department's home unit (the first unit of the organisation tree that has it)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

DEFAULT_UNIT = 'HO'

app_user = sa.table('app_user', sa.column('id', sa.Integer), sa.column('departments', sa.JSON))
membership = sa.table('user_membership', sa.column('user_id', sa.Integer), sa.column('unit', sa.String),
                      sa.column('department', sa.String))


def _home_units() -> dict:
    return op.get_context().config.attributes.get('home_units', {})


def upgrade() -> None:
    # Read first and drop the column before the new table references app_user: on SQLite a batch
    # alteration re-creates app_user, which would cascade into memberships already written.
    bind = op.get_bind()
    homes = _home_units()
    rows = [{'user_id': user_id, 'unit': homes.get(dept, DEFAULT_UNIT), 'department': dept}
            for user_id, departments in bind.execute(sa.select(app_user.c.id, app_user.c.departments))
            for dept in dict.fromkeys(departments or [])]
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('departments')
    op.create_table(
        'user_membership',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('department', sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'unit', 'department'),
    )
    op.create_index('ix_user_membership_queue', 'user_membership', ['unit', 'department'])
    if rows:
        op.bulk_insert(membership, rows)


def downgrade() -> None:
    bind = op.get_bind()
    departments: dict = {}
    for user_id, dept in bind.execute(sa.select(membership.c.user_id, membership.c.department)
                                      .order_by(membership.c.unit, membership.c.department)):
        departments.setdefault(user_id, {})[dept] = None
    op.drop_index('ix_user_membership_queue', table_name='user_membership')
    op.drop_table('user_membership')
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('departments', sa.JSON(), nullable=True))
    for (user_id,) in bind.execute(sa.select(app_user.c.id)).all():
        bind.execute(app_user.update().where(app_user.c.id == user_id)
                     .values(departments=list(departments.get(user_id, {}))))
    with op.batch_alter_table('app_user') as batch:
        batch.alter_column('departments', existing_type=sa.JSON(), nullable=False)
