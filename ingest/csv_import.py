"""Load FRED's own CSV downloads into the raw tables, offline, as a recorded ingest run.

Formats, told apart by the header:

- single series: ``observation_date,DGS10`` (FRED's download today) or ``DATE,DGS10`` (older);
- the project's ``date,value`` files (the series id is the file name, or ``series_id=``);
- ``fredgraph.csv``: ``observation_date`` (or ``DATE``) then one column per series.

An empty field or ``.`` is a missing value (stored as NULL). In a multi-column file the
empty fields *before a series' first and after its last value* are not observations (series
start and end on different days), so they are dropped rather than stored as NULL.

Metadata comes from, in order: the ``metadata`` argument, a sidecar beside the file
(``NAME.toml`` or ``NAME.json``, either flat fields for a single series or one table per
series id), then inference (``series_data.series_info_from_facts``): frequency from the dates,
title, units and seasonal adjustment from ``fred_facts.facts_for``. Every vintage gets
``realtime_start`` (default: today, as FRED would stamp a download) and an open end.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ingest.fred_facts import facts_for
from ingest.raw_store import keep_open, store_series
from ingest.run import RunProgress, run_series
from ingest.run_records import IngestReport, SeriesResult
from ingest.series_data import MISSING, REALTIME_MAX, SeriesInfo, series_info_from_facts
from ingest.vintage_plan import BadSourceDataError, ObsRow, parse_fred_value
from models.tables import FAILED, SUCCESS

DATE_HEADERS = ("observation_date", "date")
#: What a sidecar or ``metadata=`` may set: every ``SeriesInfo`` field except the id and the
#: observation span, which come from the file itself.
META_FIELDS = tuple(
    f.name
    for f in fields(SeriesInfo)
    if f.name not in ("series_id", "observation_start", "observation_end")
)


class CsvFormatError(ValueError):
    """The file is none of the FRED download formats; raised before any run is recorded."""


@dataclass
class ParsedSeries:
    """One column of a file: (line number, date, value text) per observation."""

    series_id: str
    cells: list[tuple[int, date, str]] = field(default_factory=list)


@dataclass
class ParsedFile:
    path: Path
    series: list[ParsedSeries]
    #: A problem of the date column (bad, out of order, duplicated); fails every series.
    problem: tuple[str, str] | None = None


# --- parsing (pure: text in, data out) ----------------------------------------------------


def _series_ids(path: Path, header: Sequence[str], series_id: str | None) -> list[str]:
    names = [h.strip() for h in header]
    if len(names) < 2 or names[0].lower() not in DATE_HEADERS or not all(names[1:]):
        raise CsvFormatError(
            f"{path}: header must be 'observation_date,SERIES[,...]', 'DATE,SERIES[,...]' "
            f"or 'date,value'; got {header!r}"
        )
    if [n.lower() for n in names] == ["date", "value"]:
        return [series_id or path.stem]
    if series_id is not None:
        if len(names) != 2:
            raise CsvFormatError(f"{path}: series_id= only applies to a single-series file")
        return [series_id]
    return names[1:]


def parse_csv(path: Path, *, series_id: str | None = None) -> ParsedFile:
    """Read any supported layout into per-series cells; values stay FRED's text."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise CsvFormatError(f"{path}: the file is empty")
        ids = _series_ids(path, header, series_id)
        parsed = ParsedFile(path, [ParsedSeries(sid) for sid in ids])
        previous: date | None = None
        for lineno, row in enumerate(reader, start=2):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            where = f"{path.name}:{lineno}"
            if len(row) != len(ids) + 1:
                parsed.problem = (f"expected {len(ids) + 1} fields, got {len(row)}", where)
                break
            try:
                when = date.fromisoformat(row[0].strip())
            except ValueError:
                parsed.problem = (f"bad date {row[0]!r}", where)
                break
            if previous is not None and when <= previous:
                order = "duplicated" if when == previous else "out of order"
                parsed.problem = (f"date {when} {order} (after {previous})", where)
                break
            previous = when
            for column, text in zip(parsed.series, row[1:], strict=True):
                column.cells.append((lineno, when, text.strip()))
    if len(ids) > 1:
        for column in parsed.series:
            column.cells = _trim_empty_ends(column.cells)
    return parsed


def _trim_empty_ends(cells: list[tuple[int, date, str]]) -> list[tuple[int, date, str]]:
    filled = [i for i, (_, _, text) in enumerate(cells) if text]
    return cells[filled[0] : filled[-1] + 1] if filled else []


def to_obs_rows(parsed: ParsedFile, column: ParsedSeries, vintage: date) -> list[ObsRow]:
    """Typed rows of one column, or ``BadSourceDataError`` naming the file line."""
    if parsed.problem is not None:
        raise BadSourceDataError(column.series_id, *parsed.problem)
    rows: list[ObsRow] = []
    for lineno, when, text in column.cells:
        try:
            value = parse_fred_value(text or MISSING)
        except ValueError as exc:
            where = f"{parsed.path.name}:{lineno}"
            raise BadSourceDataError(column.series_id, str(exc), where) from None
        rows.append(ObsRow(when, vintage, REALTIME_MAX, value))
    if not rows:
        problem = "the series has no observations"
        raise BadSourceDataError(column.series_id, problem, parsed.path.name)
    return rows


# --- metadata -----------------------------------------------------------------------------


def read_sidecar(path: Path) -> dict[str, Any]:
    """``NAME.toml`` or ``NAME.json`` beside ``path``; {} when there is none."""
    for suffix, load in ((".toml", tomllib.loads), (".json", json.loads)):
        side = path.with_suffix(suffix)
        if side.exists():
            data = load(side.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise CsvFormatError(f"{side}: expected a table/object at the top level")
            return data
    return {}


def _given_fields(series_id: str, given: Mapping[str, Any], single: bool) -> dict[str, Any]:
    """Fields for one series: its own table, or flat fields when the file has one series."""
    own = given.get(series_id)
    if isinstance(own, Mapping):
        return {k: v for k, v in own.items() if k in META_FIELDS}
    if single:
        return {k: v for k, v in given.items() if k in META_FIELDS}
    return {}


def series_info(
    series_id: str, rows: Sequence[ObsRow], given: Mapping[str, Any], source: str
) -> SeriesInfo:
    """Supplied fields win; the rest is inferred from the dates and ``fred_facts``."""
    inferred = series_info_from_facts(
        series_id,
        [r.obs_date for r in rows],
        facts_for(series_id),
        last_updated="",
        popularity=0,
        notes=f"Imported from the CSV file {source}.",
    )
    supplied: dict[str, Any] = {
        k: int(v) if k == "popularity" else str(v) for k, v in given.items() if k in META_FIELDS
    }
    return replace(inferred, **supplied)


# --- entry point --------------------------------------------------------------------------


def load_csv(
    engine: sa.Engine,
    path: Path | str,
    *,
    series_id: str | None = None,
    realtime_start: date | None = None,
    metadata: Mapping[str, Any] | None = None,
    progress: RunProgress | None = None,
) -> IngestReport:
    """Load one FRED CSV download as a recorded ingest run; returns its report.

    ``series_id`` names the series of a single-series file (default: its header, or the
    file name for ``date,value``). ``metadata`` is like a sidecar: ``{"DGS10": {"title":
    ...}}`` or, for a single series, flat fields. A bad series fails alone (its error names
    the file line) and writes nothing; a file in no known layout raises ``CsvFormatError``.
    """
    path = Path(path)
    parsed = parse_csv(path, series_id=series_id)
    given = dict(read_sidecar(path))
    for key, value in (metadata or {}).items():  # per-series tables merge field by field
        base = given.get(key)
        if isinstance(base, Mapping) and isinstance(value, Mapping):
            given[key] = {**base, **value}
        else:
            given[key] = value
    vintage = realtime_start or datetime.now(UTC).date()
    single = len(parsed.series) == 1
    by_id = {column.series_id: column for column in parsed.series}

    def load_one(sid: str, run_id: str) -> SeriesResult:
        column = by_id[sid]
        try:
            rows = to_obs_rows(parsed, column, vintage)
            info = series_info(sid, rows, _given_fields(sid, given, single), path.name)
            written = store_series(engine, info, rows, run_id)
        except (ValueError, TypeError, sa.exc.SQLAlchemyError) as exc:
            return SeriesResult(sid, FAILED, rows_fetched=len(column.cells), error=str(exc))
        return SeriesResult(sid, SUCCESS, rows_fetched=len(rows), rows_written=written)

    with keep_open(engine):
        return run_series(engine, list(by_id), load_one, progress=progress)
