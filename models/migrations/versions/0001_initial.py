"""Initial schema: raw, forecast and app tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models import tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = (
    tables.raw_series,
    tables.raw_observations,
    tables.ingest_runs,
    tables.ingest_run_series,
    tables.forecast_runs,
    tables.forecast_points,
    tables.forecast_models,
    tables.data_versions,
)


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind, checkfirst=True)
    op.create_index("ix_forecast_runs_status_created", "forecast_runs", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_forecast_runs_status_created", table_name="forecast_runs")
    bind = op.get_bind()
    for table in reversed(_TABLES):
        sa.Table(table.name, sa.MetaData()).drop(bind, checkfirst=True)
