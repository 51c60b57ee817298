"""Accounts: users, machine clients and refresh tokens (``models.accounts``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models import tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = (tables.app_users, tables.api_clients, tables.refresh_tokens)


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind, checkfirst=True)
    op.create_index("ix_refresh_tokens_subject", "refresh_tokens", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_refresh_tokens_subject", table_name="refresh_tokens")
    bind = op.get_bind()
    for table in reversed(_TABLES):
        sa.Table(table.name, sa.MetaData()).drop(bind, checkfirst=True)
