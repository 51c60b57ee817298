"""The monotonically increasing data version that keys the API cache and drives the API's
``dataUpdated`` subscription.

Each bump is one ``data_versions`` row (the durable truth), optionally naming the series
whose data changed; once committed it is announced to API processes
(``models.version_events``: Redis when configured, and a sidecar file beside a DuckDB file).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from models.settings import Settings, get_settings
from models.tables import data_versions
from models.values import as_utc, utcnow
from models.version_events import (
    VersionBump,
    announce,
    decode_series,
    encode_series,
    normalise_series,
)

#: The most bumps one poll reads; more than this between two polls is coalesced by readers.
MAX_BUMPS_PER_READ = 100


def current_version(conn: sa.Connection) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(data_versions.c.version), 0))
        ).scalar_one()
    )


def bump_version(
    engine: sa.Engine,
    stage: str,
    series_ids: Iterable[str] | None = None,
    *,
    settings: Settings | None = None,
) -> int:
    """Record that ``stage`` finished; readers keyed on the old version now miss their cache.

    ``series_ids``: the series whose data this stage changed, when the stage knows (None:
    unknown, subscribers treat it as touching every series). ``settings`` say where to
    announce the bump (Redis URL and channel); default: the process's settings, which the
    CLI installs, so stages deep in ingest need not carry them.
    """
    ids = normalise_series(series_ids)
    # Whole seconds: MySQL's DATETIME keeps no fraction, so the time announced (Redis, the
    # sidecar) is then the one a poll of the table reads back, on either backend.
    at = utcnow().replace(microsecond=0)
    with engine.begin() as conn:
        if conn.dialect.name == "mysql":
            # Serialise concurrent bumps; DuckDB transactions already conflict on the key.
            conn.execute(sa.text("SELECT 1 FROM data_versions FOR UPDATE"))
        new = current_version(conn) + 1
        conn.execute(
            data_versions.insert().values(
                version=new, stage=stage, created_at=at, series_ids=encode_series(ids)
            )
        )
    announce(engine, settings or get_settings(), VersionBump(new, stage, ids, as_utc(at)))
    return new


def bumps_after(conn: sa.Connection, version: int) -> list[VersionBump]:
    """Bumps newer than ``version``, oldest first (at most ``MAX_BUMPS_PER_READ``, the newest
    ones: a reader that fell far behind needs the latest version more than the history)."""
    rows = conn.execute(
        sa.select(data_versions)
        .where(data_versions.c.version > version)
        .order_by(data_versions.c.version.desc())
        .limit(MAX_BUMPS_PER_READ)
    ).all()
    return [
        VersionBump(
            version=int(r.version),
            stage=str(r.stage),
            series_ids=decode_series(r.series_ids),
            at=as_utc(r.created_at),
        )
        for r in reversed(rows)
    ]


def latest_bump(conn: sa.Connection) -> VersionBump | None:
    """The newest bump (None before the first): when the pipeline last committed data."""
    row = conn.execute(
        sa.select(data_versions).order_by(data_versions.c.version.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return VersionBump(
        version=int(row.version),
        stage=str(row.stage),
        series_ids=decode_series(row.series_ids),
        at=as_utc(row.created_at),
    )


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
