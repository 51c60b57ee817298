"""Announcing data-version bumps to API processes: what was bumped, and the two ways it travels.

The durable truth is the ``data_versions`` table (``models.versioning``). An announcement is
only a hint that saves readers from asking the database: a lost one is found again by the
API's poll, a duplicate is dropped because versions only grow.

- **Redis** (``settings.redis_url`` set): the stage that bumped publishes one JSON message
  on ``settings.version_channel``; every API replica subscribed to it hears it at once.
- **DuckDB sidecar**: the embedded file admits one process at a time, so an API process
  that opened it to look for new versions could make the next pipeline write fail. The
  stage therefore also writes its last few bumps to ``<file>.versions.json`` beside the
  database (replaced by rename, so a reader never sees half a file). API processes stat and
  read that small file and never open the database to learn about a bump. On MySQL the
  API polls the table instead (one indexed query).

Publishing never fails a stage: the data is committed before anything is announced.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import redis
import sqlalchemy as sa

from models.settings import Settings
from models.values import as_utc

log = logging.getLogger(__name__)

#: Bumps kept in the DuckDB sidecar: enough that an API process polling once a second sees
#: every bump of a pipeline run, not just the last one.
SIDECAR_BUMPS = 32
SIDECAR_SUFFIX = ".versions.json"
#: A publish must not hold up a pipeline stage when Redis is slow or away.
PUBLISH_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class VersionBump:
    """One committed bump. ``series_ids`` is None when the stage does not know which series
    changed (a dbt build, say); readers then treat it as touching every series."""

    version: int
    stage: str
    series_ids: tuple[str, ...] | None
    at: datetime

    def touches(self, wanted: frozenset[str] | None) -> bool:
        """Whether a reader interested in ``wanted`` (None: everything) should hear of it."""
        return wanted is None or self.series_ids is None or not wanted.isdisjoint(self.series_ids)


def normalise_series(series_ids: object) -> tuple[str, ...] | None:
    """Sorted, unique ids; None stays None (unknown)."""
    if series_ids is None:
        return None
    if isinstance(series_ids, str):
        raise TypeError("series_ids must be a collection of ids, not one string")
    return tuple(sorted({str(s) for s in series_ids}))  # type: ignore[attr-defined]


def encode_series(series_ids: tuple[str, ...] | None) -> str | None:
    """The ``data_versions.series_ids`` column value: a JSON array, or NULL when unknown."""
    return None if series_ids is None else json.dumps(list(series_ids))


def decode_series(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else normalise_series(json.loads(text))


def to_message(bump: VersionBump) -> dict[str, object]:
    return {
        "version": bump.version,
        "stage": bump.stage,
        "seriesIds": None if bump.series_ids is None else list(bump.series_ids),
        "at": as_utc(bump.at).isoformat(),
    }


def from_message(raw: str | bytes) -> VersionBump | None:
    """A bump from a Redis message or sidecar entry; None (logged) for anything malformed,
    so one bad publisher cannot stop a listener."""
    try:
        data = json.loads(raw)
        return VersionBump(
            version=int(data["version"]),
            stage=str(data["stage"]),
            series_ids=normalise_series(data.get("seriesIds")),
            at=as_utc(datetime.fromisoformat(str(data["at"]))),
        )
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring a malformed data-version announcement %r: %s", raw[:200], exc)
        return None


def sidecar_path(engine: sa.Engine) -> Path | None:
    """``<file>.versions.json`` beside an embedded DuckDB file; None for MySQL or memory."""
    db = engine.url.database
    if engine.dialect.name != "duckdb" or not db or db == ":memory:":
        return None
    path = Path(db).resolve()
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> list[VersionBump]:
    """The bumps in a sidecar, oldest first; empty when it is missing or unreadable."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("unreadable data-version sidecar %s: %s", path, exc)
        return []
    bumps = [from_message(json.dumps(e)) for e in entries] if isinstance(entries, list) else []
    return sorted((b for b in bumps if b is not None), key=lambda b: b.version)


def write_sidecar(path: Path, bump: VersionBump) -> None:
    """Add ``bump`` to the sidecar, keeping the last ``SIDECAR_BUMPS``; atomic by rename."""
    kept = [b for b in read_sidecar(path) if b.version < bump.version][-(SIDECAR_BUMPS - 1) :]
    text = json.dumps([to_message(b) for b in [*kept, bump]])
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish(settings: Settings, bump: VersionBump) -> bool:
    """One message on ``settings.version_channel`` when Redis is configured; True if sent.
    A Redis outage is logged, not raised: the bump is committed and pollers will find it."""
    if not settings.redis_url:
        return False
    client = redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=PUBLISH_TIMEOUT_SECONDS,
        socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
    )
    try:
        client.publish(settings.version_channel, json.dumps(to_message(bump)))
    except redis.RedisError as exc:
        log.warning("could not announce data version %d on Redis: %s", bump.version, exc)
        return False
    finally:
        client.close()
    return True


def announce(engine: sa.Engine, settings: Settings, bump: VersionBump) -> None:
    """Tell API processes about a committed bump: the DuckDB sidecar, then Redis."""
    path = sidecar_path(engine)
    if path is not None:
        try:
            write_sidecar(path, bump)
        except OSError as exc:
            log.warning("could not write data-version sidecar %s: %s", path, exc)
    publish(settings, bump)
