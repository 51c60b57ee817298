"""Real FRED series in a migrated database, built by dbt once per backend for golden tests.

Golden tests compare a mart column with an independent pandas/numpy computation on the same
real series (``FREDPIPE_REAL_DATA_DIR``, i.e. ``../shared/fred``). Building the dbt project
costs seconds per backend, so one session-wide build (``real_marts`` in ``conftest.py``) serves
every golden test file; tests only read from it. Tests that build their own database write
hand-made ``raw_series`` / ``raw_observations`` rows with ``series_row`` and ``observation_row``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from flows.dbt_runner import DbtResult
from ingest.csv_import import load_csv

#: The vintage stamped on every loaded row (one vintage: staging's latest is the file's value).
LOADED_VINTAGE = date(2026, 1, 2)
REL_TOL = 1e-9
#: ``fetched_at`` / ``ingested_at`` of hand-made raw rows unless a test says otherwise
LOADED_AT = datetime(2024, 6, 1, 12, 0, 0)
#: ``realtime_end`` of a vintage that is still FRED's current one
CURRENT = date(9999, 12, 31)


@dataclass(frozen=True)
class RealMarts:
    """A database holding every real series, after ``dbt build`` on the default vars."""

    backend: str
    url: str
    engine: sa.Engine
    result: DbtResult
    #: series id -> values indexed by ``datetime.date`` (NaN where FRED has ".")
    series: dict[str, pd.Series]
    #: series id -> FRED's ``frequency_short`` as stored (D, W, M, Q, ...)
    frequency: dict[str, str]
    #: series id -> FRED's ``frequency`` text as stored ("Daily", "Daily, 7-Day", ...)
    frequency_name: dict[str, str]

    def rows(self, sql: str, **params: object) -> list[sa.Row]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params))

    def frame(self, sql: str, **params: object) -> pd.DataFrame:
        """A query's rows as a frame; date columns stay ``datetime.date``."""
        with self.engine.connect() as conn:
            result = conn.execute(sa.text(sql), params)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def series_row(series_id: str, *, title: str | None = None) -> dict[str, object]:
    """A ``raw_series`` row of a hand-made daily series (title ``test <id>`` unless given)."""
    return {
        "series_id": series_id,
        "title": f"test {series_id}" if title is None else title,
        "units": "u",
        "units_short": "u",
        "frequency": "Daily",
        "frequency_short": "D",
        "seasonal_adjustment": "NSA",
        "fetched_at": LOADED_AT,
    }


def observation_row(
    series_id: str,
    obs_date: date,
    value: float | None,
    *,
    realtime_start: date,
    ingested_at: datetime = LOADED_AT,
) -> dict[str, object]:
    """A ``raw_observations`` row: ``obs_date``'s value in the vintage that starts at
    ``realtime_start`` and is still current; ``None`` is FRED's "." (missing)."""
    return {
        "series_id": series_id,
        "obs_date": obs_date,
        "realtime_start": realtime_start,
        "realtime_end": CURRENT,
        "value": value,
        "ingested_at": ingested_at,
    }


def read_fred_csv(path: Path) -> pd.Series:
    """A ``date,value`` FRED CSV as floats indexed by ``datetime.date``; "." is NaN."""
    frame = pd.read_csv(path, na_values=["."], parse_dates=["date"])
    return pd.Series(
        frame["value"].to_numpy(dtype=float), index=frame["date"].dt.date, name=path.stem
    )


def real_series_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.glob("*.csv") if p.stem.isupper())


def load_real_series(engine: sa.Engine, data_dir: Path) -> dict[str, pd.Series]:
    """Load every real series of ``data_dir`` through the CSV importer; returns them read
    independently by pandas (the golden side)."""
    out: dict[str, pd.Series] = {}
    for path in real_series_files(data_dir):
        report = load_csv(engine, path, series_id=path.stem, realtime_start=LOADED_VINTAGE)
        assert not report.failed, report.results
        out[path.stem] = read_fred_csv(path)
    return out


def close(got: object, want: object, rel: float = REL_TOL) -> bool:
    """Equal within ``rel`` relative (absolute near zero); NULL/NaN equals only NULL/NaN;
    anything that is not a number (a date, a string) must be exactly equal."""
    missing_got = got is None or (isinstance(got, float) and math.isnan(got))
    missing_want = want is None or (isinstance(want, float) and math.isnan(want))
    if missing_got or missing_want:
        return missing_got and missing_want
    assert got is not None and want is not None
    if not isinstance(got, int | float) or not isinstance(want, int | float):
        return bool(got == want)
    return math.isclose(float(got), float(want), rel_tol=rel, abs_tol=rel)


def assert_columns_close(
    got: pd.DataFrame, want: pd.DataFrame, key: list[str], columns: list[str]
) -> None:
    """Every ``columns`` value of ``got`` equals ``want``'s on the same ``key`` within 1e-9
    relative; both frames must hold exactly the same keys. Reports the first mismatches."""
    g = got.set_index(key).sort_index()
    w = want.set_index(key).sort_index()
    assert list(g.index) == list(w.index), (
        f"keys differ: {len(g)} rows vs {len(w)} expected; "
        f"only in mart: {list(g.index.difference(w.index))[:5]}, "
        f"only expected: {list(w.index.difference(g.index))[:5]}"
    )
    for column in columns:
        bad = [
            (k, a, b)
            for k, a, b in zip(g.index, g[column].tolist(), w[column].tolist(), strict=True)
            if not close(a, b)
        ]
        assert not bad, f"{column}: {len(bad)} of {len(g)} differ, e.g. {bad[:5]}"
