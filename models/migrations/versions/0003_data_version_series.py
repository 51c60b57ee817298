"""Data versions name the series they changed (``data_versions.series_ids``, a JSON array;
NULL = unknown), so the API's ``dataUpdated`` subscription can filter by series.

Revision 0001 creates its tables from the current ``models.tables`` definitions, so on a new
database the column is already there; this step only adds it where it is missing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _columns(table: str) -> set[str]:
    # An empty select, not the inspector (duckdb_engine's reflection reads missing catalogs).
    return set(op.get_bind().execute(sa.text(f"select * from {table} where 1 = 0")).keys())


def upgrade() -> None:
    if "series_ids" not in _columns("data_versions"):
        op.add_column("data_versions", sa.Column("series_ids", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("data_versions", "series_ids")
