"""Run Alembic migrations programmatically against any supported URL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.ddl.impl import DefaultImpl

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DuckDBImpl(DefaultImpl):
    """Alembic has no DuckDB dialect of its own; DuckDB speaks enough generic DDL."""

    __dialect__ = "duckdb"
    transactional_ddl = True


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine_or_url: sa.Engine | str, revision: str = "head") -> None:
    if isinstance(engine_or_url, sa.Engine):
        cfg = alembic_config(engine_or_url.url.render_as_string(hide_password=False))
        with engine_or_url.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    else:
        command.upgrade(alembic_config(engine_or_url), revision)


def head_revision() -> str | None:
    """The newest revision of ``migrations/versions``: what ``upgrade`` brings a database to."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("duckdb://")).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
