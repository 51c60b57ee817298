"""Where the sandbox's series come from: the synthetic demo set or a folder of CSV files."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from ingest.fred_facts import facts_for
from ingest.series_data import SeriesData, read_series_csv, series_info_from_facts
from sandbox.demo_data import demo_series

#: Ids that could name a file; anything else (e.g. "../x") simply "does not exist".
_SAFE_ID = re.compile(r"^[A-Z0-9_]{1,64}$")


class SeriesSource(Protocol):
    def get(self, series_id: str) -> SeriesData | None:
        """The series, or None when it does not exist (FRED's 400 "series does not exist")."""
        ...


class DemoSource:
    """The project's synthetic demo series (``sandbox.demo_data``)."""

    def get(self, series_id: str) -> SeriesData | None:
        return demo_series().get(series_id)


class FolderSource:
    """``SERIESID.csv`` files in a folder, re-read when a file changes.

    Re-reading on change is what lets a test edit a value and see the ingest record a
    revision, exactly as a FRED revision would appear to a client.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, tuple[tuple[int, int], SeriesData | None]] = {}
        self._lock = threading.Lock()

    def get(self, series_id: str) -> SeriesData | None:
        if not _SAFE_ID.match(series_id):
            return None
        path = self.folder / f"{series_id}.csv"
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(series_id)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        data = _load_csv_series(series_id, path, stat.st_mtime)
        with self._lock:
            self._cache[series_id] = (stamp, data)
        return data


def _load_csv_series(series_id: str, path: Path, mtime: float) -> SeriesData | None:
    rows = read_series_csv(path)
    if not rows:
        return None
    info = series_info_from_facts(
        series_id,
        [d for d, _ in rows],
        facts_for(series_id),
        last_updated=datetime.fromtimestamp(mtime, UTC).strftime("%Y-%m-%d %H:%M:%S+00"),
        popularity=1,
        notes=f"Served by the fredpipe sandbox from the local file {path.name}.",
    )
    return SeriesData(info, tuple(rows))


def make_source(data_dir: Path | None) -> SeriesSource:
    if data_dir is None:
        return DemoSource()
    if not data_dir.is_dir():
        raise NotADirectoryError(f"sandbox data dir {data_dir} is not a folder")
    return FolderSource(data_dir)
