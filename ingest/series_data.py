"""The in-memory shape of one FRED series as a source holds it, and its ``date,value`` CSV form.

Values stay FRED's *text* ("4.06", "21.480", ".") so the sandbox can serve them verbatim and
the loader is the single place where text becomes numbers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

MISSING = "."


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """FRED's ``/fred/series`` fields except the realtime period, which depends on the request."""

    series_id: str
    title: str
    observation_start: date
    observation_end: date
    frequency: str
    frequency_short: str
    units: str
    units_short: str
    seasonal_adjustment: str
    seasonal_adjustment_short: str
    last_updated: str
    popularity: int
    notes: str


@dataclass(frozen=True, slots=True)
class SeriesData:
    info: SeriesInfo
    #: (observation date, value text) ascending by date; "." marks a missing value.
    observations: tuple[tuple[date, str], ...]


class SeriesFileError(ValueError):
    """A ``SERIESID.csv`` file is not a FRED-style ``date,value`` file; names file and line."""


def read_series_csv(path: Path) -> list[tuple[date, str]]:
    """Read a ``date,value`` file; values are kept as text, rows sorted by date."""
    rows: list[tuple[date, str]] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header] != ["date", "value"]:
            raise SeriesFileError(f"{path}: header must be 'date,value', got {header!r}")
        for lineno, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != 2:
                raise SeriesFileError(f"{path}:{lineno}: expected 2 fields, got {row!r}")
            try:
                when = date.fromisoformat(row[0].strip())
            except ValueError:
                raise SeriesFileError(f"{path}:{lineno}: bad date {row[0]!r}") from None
            rows.append((when, row[1].strip() or MISSING))
    rows.sort(key=lambda r: r[0])
    return rows


def write_series_csv(path: Path, observations: tuple[tuple[date, str], ...]) -> None:
    """Write FRED's download layout: ``date,value`` header, ISO dates, LF line endings."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        fh.write("date,value\n")
        fh.writelines(f"{d.isoformat()},{v}\n" for d, v in observations)
