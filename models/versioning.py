"""The monotonically increasing data version that keys the API cache."""

from __future__ import annotations

import sqlalchemy as sa

from models.tables import data_versions
from models.values import utcnow


def current_version(conn: sa.Connection) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(data_versions.c.version), 0))
        ).scalar_one()
    )


def bump_version(engine: sa.Engine, stage: str) -> int:
    """Record that ``stage`` finished; readers keyed on the old version now miss their cache."""
    with engine.begin() as conn:
        if conn.dialect.name == "mysql":
            # Serialise concurrent bumps; DuckDB transactions already conflict on the key.
            conn.execute(sa.text("SELECT 1 FROM data_versions FOR UPDATE"))
        new = current_version(conn) + 1
        conn.execute(data_versions.insert().values(version=new, stage=stage, created_at=utcnow()))
    return new


def latest_version_of_others(conn: sa.Connection, stage: str) -> int:
    """The newest version bumped by any stage but ``stage``: what ``stage`` read as input.

    A forecast run bumps the version itself, so keying its idempotency on the current
    version would make every run look new; keying on its input's version does not.
    """
    return int(
        conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(data_versions.c.version), 0)).where(
                data_versions.c.stage != stage
            )
        ).scalar_one()
    )
