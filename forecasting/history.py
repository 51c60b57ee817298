"""Read the history to forecast from the dbt marts (``mart_observations``, ``dim_series``).

I/O edge of the forecasting package: everything else takes frames. "Models" in the mart
names are dbt models; their names are spelled in ``models.marts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa

from models import marts
from models.calendar import UnknownFrequencyError, normalize_frequency

#: Years of history read per frequency (counted back from each series' last observation).
#: Local models like ETS gain little from decades-old data and refit much faster without it;
#: frequencies not listed are read in full. Daily market series keep two years (~500
#: business days): their volatility comes in regimes, and a sigma estimated over five years
#: gave intervals covering 99-100 % of the recent backtest points (bench/forecast.py).
HISTORY_YEARS: dict[str, int] = {"D": 2, "W": 20, "BW": 30, "M": 40}

_obs = sa.table(
    marts.OBSERVATIONS,
    sa.column("series_id", sa.String),
    sa.column("obs_date", sa.Date),
    sa.column("value", sa.Double),
)
_dim = sa.table(
    marts.DIM_SERIES,
    sa.column("series_id", sa.String),
    sa.column("frequency", sa.String),
    sa.column("frequency_short", sa.String),
)


class UnknownSeriesError(LookupError):
    """Requested series ids that ``dim_series`` does not know; the message lists them."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        super().__init__(
            f"unknown series id(s): {', '.join(self.missing)} (not in {marts.DIM_SERIES})"
        )


def _resolve_frequency(short: str | None, long: str | None) -> str | None:
    for candidate in (short, long):
        try:
            return normalize_frequency(candidate or "")
        except UnknownFrequencyError:
            continue
    return None


@dataclass(frozen=True)
class SeriesInfo:
    series_id: str
    freq: str | None  # short code, None when dim_series names no frequency we know
    last_obs_date: date | None  # None when the mart holds no observation


def load_series_info(
    engine: sa.Engine, series_ids: Sequence[str] | None = None
) -> list[SeriesInfo]:
    """What the forecaster needs to know per series, ordered by id.

    Raises ``UnknownSeriesError`` naming every requested id missing from ``dim_series``.
    """
    last = (
        sa.select(_obs.c.series_id, sa.func.max(_obs.c.obs_date).label("last_obs_date"))
        .group_by(_obs.c.series_id)
        .subquery()
    )
    query = (
        sa.select(_dim.c.series_id, _dim.c.frequency_short, _dim.c.frequency, last.c.last_obs_date)
        .select_from(_dim.outerjoin(last, last.c.series_id == _dim.c.series_id))
        .order_by(_dim.c.series_id)
    )
    if series_ids is not None:
        query = query.where(_dim.c.series_id.in_(list(series_ids)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if series_ids is not None:
        missing = sorted(set(series_ids) - {r.series_id for r in rows})
        if missing:
            raise UnknownSeriesError(missing)
    return [
        SeriesInfo(r.series_id, _resolve_frequency(r.frequency_short, r.frequency), r.last_obs_date)
        for r in rows
    ]


def read_history(
    engine: sa.Engine,
    info: Sequence[SeriesInfo],
    history_years: Mapping[str, int] = HISTORY_YEARS,
) -> pd.DataFrame:
    """Observations of the series in ``info`` (from ``load_series_info``), windowed per
    frequency; a long frame ``series_id, obs_date, value`` ordered by series and date."""
    conditions = []
    for row in info:
        if row.last_obs_date is None:
            continue
        years = history_years.get(row.freq) if row.freq else None
        if years is None:
            conditions.append(_obs.c.series_id == row.series_id)
        else:
            cutoff = (pd.Timestamp(row.last_obs_date) - pd.DateOffset(years=years)).date()
            conditions.append(sa.and_(_obs.c.series_id == row.series_id, _obs.c.obs_date > cutoff))
    if not conditions:
        return _frame([])
    query = (
        sa.select(_obs.c.series_id, _obs.c.obs_date, _obs.c.value)
        .where(sa.or_(*conditions), _obs.c.value.is_not(None))
        .order_by(_obs.c.series_id, _obs.c.obs_date)
    )
    with engine.connect() as conn:
        return _frame(conn.execute(query).all())


def _frame(rows: Sequence[sa.Row]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": pd.Series([r.series_id for r in rows], dtype=object),
            "obs_date": pd.to_datetime(pd.Series([r.obs_date for r in rows], dtype=object)),
            "value": pd.Series([r.value for r in rows], dtype=float),
        }
    )


def load_history(engine: sa.Engine, series_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Long frame ``series_id, obs_date, value`` of the recent history of each series
    (see ``HISTORY_YEARS``); all series in ``dim_series`` when ``series_ids`` is None."""
    return read_history(engine, load_series_info(engine, series_ids))
