"""The versioned series catalog (``catalog.toml``): which indicators are tracked, how often."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CATALOG = Path(__file__).with_name("catalog.toml")
SCHEDULES = ("daily", "hourly")
#: FRED series ids are upper-case letters, digits and underscores.
SERIES_ID_RE = re.compile(r"^[A-Z0-9_]{1,64}$")


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class CatalogEntry:
    series_id: str
    schedule: str


@dataclass(frozen=True)
class Catalog:
    version: int
    series: tuple[CatalogEntry, ...]

    def ids(self, schedule: str | None = None) -> list[str]:
        return [e.series_id for e in self.series if schedule in (None, e.schedule)]


def parse_series_ids(text: str) -> list[str]:
    """Parse a ``A,B`` command-line list: upper-cased, de-duplicated, order kept."""
    ids: list[str] = []
    for raw in text.split(","):
        sid = raw.strip().upper()
        if not sid:
            continue
        if not SERIES_ID_RE.match(sid):
            raise CatalogError(f"not a FRED series id: {raw.strip()!r}")
        if sid not in ids:
            ids.append(sid)
    if not ids:
        raise CatalogError("no series ids given")
    return ids


def load_catalog(path: Path = DEFAULT_CATALOG) -> Catalog:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path}: {exc}") from None
    entries: list[CatalogEntry] = []
    seen: set[str] = set()
    for i, item in enumerate(data.get("series", [])):
        sid = str(item.get("id", ""))
        schedule = str(item.get("schedule", "daily"))
        if not SERIES_ID_RE.match(sid):
            raise CatalogError(f"{path}: series #{i + 1} has a bad id {sid!r}")
        if schedule not in SCHEDULES:
            raise CatalogError(f"{path}: {sid} has schedule {schedule!r}; use one of {SCHEDULES}")
        if sid in seen:
            raise CatalogError(f"{path}: {sid} is listed twice")
        seen.add(sid)
        entries.append(CatalogEntry(sid, schedule))
    if not entries:
        raise CatalogError(f"{path}: lists no series")
    return Catalog(version=int(data.get("version", 1)), series=tuple(entries))
