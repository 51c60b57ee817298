"""The in-memory shape of FRED's data as a source holds it, and its ``date,value`` CSV form.

Shared by both sides of the wire: the client (``ingest.fred_client``) returns these shapes,
the FRED sandbox (the top-level ``sandbox`` package) serves them. Values stay FRED's *text*
("4.06", "21.480", ".") so the sandbox can serve them verbatim and the vintage rules
(``ingest.vintage_plan``) are the single place where text becomes numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.fred_facts import SeriesFacts
from models.calendar import describe_frequency

#: FRED's missing-value marker.
MISSING = "."
#: ALFRED's widest realtime period: asking for it returns every vintage FRED ever published,
#: and the end date is how FRED spells a vintage that is still current ("open end").
REALTIME_MIN = date(1776, 7, 4)
REALTIME_MAX = date(9999, 12, 31)


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


def series_info_from_facts(
    series_id: str,
    dates: Sequence[date],
    facts: SeriesFacts,
    *,
    last_updated: str,
    popularity: int,
    notes: str,
) -> SeriesInfo:
    """Metadata for a series known only by its dates (ascending, at least one) and its facts.

    What a CSV file or generated data cannot say: the span comes from the dates, the
    frequency is inferred from them, the rest is the series' published facts.
    """
    frequency, frequency_short = describe_frequency(dates)
    return SeriesInfo(
        series_id=series_id,
        title=facts.title,
        observation_start=dates[0],
        observation_end=dates[-1],
        frequency=frequency,
        frequency_short=frequency_short,
        units=facts.units,
        units_short=facts.units_short,
        seasonal_adjustment=facts.seasonal_adjustment,
        seasonal_adjustment_short=facts.seasonal_adjustment_short,
        last_updated=last_updated,
        popularity=popularity,
        notes=notes,
    )


@dataclass(frozen=True, slots=True)
class FredObservation:
    """One observation row as FRED sends it, with its vintage (realtime period); ``value`` is
    FRED's text ("." = missing)."""

    obs_date: date
    realtime_start: date
    realtime_end: date
    value: str


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
