"""The versioned series catalog (``catalog.toml``): which indicators are tracked, how often.

The loader is strict on purpose: a typo in a key or a schedule would otherwise silently drop a
series from its deployment, and nobody notices a missing refresh for weeks. Every error names
the file and the entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CATALOG = Path(__file__).with_name("catalog.toml")
#: ``daily``: daily and slower series; ``hourly``: intraday-fresh ones (see flows/deployments.py).
SCHEDULES = ("daily", "hourly")
#: FRED series ids are upper-case letters, digits and underscores.
SERIES_ID_RE = re.compile(r"^[A-Z0-9_]{1,64}$")
_TOP_KEYS = {"version", "series"}
_ENTRY_KEYS = {"id", "schedule", "title", "fill", "max_gap"}
#: Missing-value policies (int_observations_filled in transforms/): "none" leaves gaps, "ffill"
#: carries the last value forward, "linear" interpolates by date between two values.
FILL_METHODS = ("none", "ffill", "linear")


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class CatalogEntry:
    series_id: str
    schedule: str
    #: A human hint for operators reading the file; FRED's own title is stored at ingest.
    title: str | None = None
    #: Missing-value policy (one of ``FILL_METHODS``) applied by dbt's int_observations_filled.
    fill: str = "none"
    #: Longest run of consecutive missing observations ``fill`` may fill (None with "none").
    max_gap: int | None = None


@dataclass(frozen=True)
class Catalog:
    version: int
    series: tuple[CatalogEntry, ...]

    def ids(self, schedule: str | None = None) -> list[str]:
        return [e.series_id for e in self.series if schedule in (None, e.schedule)]

    def fill_policies(self) -> dict[str, dict[str, Any]]:
        """The dbt var ``fill_policies``: ``{series: {"method": ..., "max_gap": N}}`` for every
        series whose ``fill`` is not "none" (dbt fills nothing for a series it does not list)."""
        return {
            e.series_id: {"method": e.fill, "max_gap": e.max_gap}
            for e in self.series
            if e.fill != "none"
        }


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
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path}: {exc}") from None
    return parse_catalog(data, str(path))


def parse_catalog(data: dict[str, Any], where: str) -> Catalog:
    """Validate a decoded catalog document; ``where`` names it in error messages."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise CatalogError(f"{where}: unknown top-level key(s) {unknown}; allowed: version, series")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CatalogError(f"{where}: 'version' must be a positive integer, got {version!r}")
    items = data.get("series")
    if not isinstance(items, list) or not items:
        raise CatalogError(f"{where}: lists no series (expected [[series]] tables)")
    entries: list[CatalogEntry] = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        entry = _entry(item, f"{where}: series #{i}")
        if entry.series_id in seen:
            raise CatalogError(f"{where}: {entry.series_id} is listed twice")
        seen.add(entry.series_id)
        entries.append(entry)
    return Catalog(version=version, series=tuple(entries))


def _entry(item: object, where: str) -> CatalogEntry:
    if not isinstance(item, dict):
        raise CatalogError(f"{where} is not a table")
    unknown = sorted(set(item) - _ENTRY_KEYS)
    if unknown:
        raise CatalogError(
            f"{where} has unknown key(s) {unknown}; allowed: id, schedule, title, fill, max_gap"
        )
    sid = item.get("id")
    if not isinstance(sid, str) or not SERIES_ID_RE.match(sid):
        raise CatalogError(f"{where} has a bad id {sid!r} (upper-case FRED id expected)")
    schedule = item.get("schedule")
    if schedule not in SCHEDULES:
        raise CatalogError(f"{where} ({sid}) has schedule {schedule!r}; use one of {SCHEDULES}")
    title = item.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise CatalogError(f"{where} ({sid}) has a title that is not a non-empty string")
    fill, max_gap = _fill_policy(item, f"{where} ({sid})")
    return CatalogEntry(sid, str(schedule), title, fill, max_gap)


def _fill_policy(item: dict[str, Any], where: str) -> tuple[str, int | None]:
    """``fill`` defaults to "none"; ``max_gap`` (an integer >= 1) goes with any other method."""
    fill = item.get("fill", "none")
    if fill not in FILL_METHODS:
        raise CatalogError(f"{where} has fill {fill!r}; use one of {FILL_METHODS}")
    max_gap = item.get("max_gap")
    if fill == "none":
        if max_gap is not None:
            raise CatalogError(f'{where} has max_gap but no fill (fill = "none")')
        return "none", None
    if max_gap is None:
        raise CatalogError(f"{where} has fill {fill!r} but no max_gap (an integer >= 1)")
    if isinstance(max_gap, bool) or not isinstance(max_gap, int) or max_gap < 1:
        raise CatalogError(f"{where} has max_gap {max_gap!r}; it must be an integer >= 1")
    return str(fill), max_gap
