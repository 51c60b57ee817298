"""Forecast model selection: per-window backtest metrics, candidate rank/spec/params, run key.

Revision 0001 creates its tables from the current ``models.tables`` definitions, so on a new
database they already have these columns; each step here only adds what is missing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models import tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NEW_COLUMNS = {
    "forecast_runs": ("run_key",),
    "forecast_models": ("spec", "rank", "windows", "params"),
}
_RUN_KEY_INDEX = "ix_forecast_runs_run_key"


def _columns(table: str) -> set[str]:
    # An empty select, not the inspector: duckdb_engine's column reflection reads catalog
    # tables DuckDB does not have.
    return set(op.get_bind().execute(sa.text(f"select * from {table} where 1 = 0")).keys())


def upgrade() -> None:
    for table_name, names in _NEW_COLUMNS.items():
        present = _columns(table_name)
        table = tables.metadata.tables[table_name]
        for name in names:
            if name not in present:
                column = table.c[name]
                op.add_column(table_name, sa.Column(name, column.type, nullable=True))
    tables.forecast_backtests.create(op.get_bind(), checkfirst=True)
    op.create_index(_RUN_KEY_INDEX, "forecast_runs", ["run_key"])  # only this revision makes it


def downgrade() -> None:
    op.drop_index(_RUN_KEY_INDEX, table_name="forecast_runs")
    sa.Table("forecast_backtests", sa.MetaData()).drop(op.get_bind(), checkfirst=True)
    for table_name, names in _NEW_COLUMNS.items():
        for name in names:
            op.drop_column(table_name, name)
