"""Alembic environment: uses the connection handed in by ``models.migrate`` or the URL."""

from __future__ import annotations

from alembic import context

from models.engine import make_engine
from models.migrate import DuckDBImpl  # noqa: F401  (registers the DuckDB impl)
from models.tables import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
