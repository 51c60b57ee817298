"""The independent pandas computation of a series' trend (``mart_series_trends``), written the
obvious pandas way (``Series.asof`` for "the latest observation on or before", boolean masks for
the 52-week and 1-year windows) from a FRED CSV's values alone."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd


def months_back(day: date, months: int) -> date:
    """``day`` minus ``months`` calendar months, the day clamped to the month's end."""
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


def _base(values: pd.Series, reference: date) -> float:
    """The value of the latest observation on or before ``reference``; NaN if none."""
    if reference < values.index[0]:
        return float("nan")
    return float(values.asof(reference))


def expected_trend(series_id: str, values: pd.Series) -> dict[str, object]:
    """The mart's row under its column names, from ``values`` (indexed by date; NaN = missing)."""
    values = values.dropna().sort_index()
    latest_date = values.index[-1]
    latest = float(values.iloc[-1])
    references = {
        "1d": latest_date - timedelta(days=1),
        "1w": latest_date - timedelta(days=7),
        "1m": months_back(latest_date, 1),
        "3m": months_back(latest_date, 3),
        "1y": months_back(latest_date, 12),
        "ytd": date(latest_date.year - 1, 12, 31),
    }
    base = {h: _base(values, d) for h, d in references.items()}
    dates = np.array(values.index)
    weeks52 = values[dates > latest_date - timedelta(days=364)]
    year = values[dates > months_back(latest_date, 12)].to_numpy()
    sd = year.std(ddof=1) if year.size > 1 else float("nan")
    return {
        "series_id": series_id,
        "latest_date": latest_date,
        "latest_value": latest,
        **{f"change_{h}": latest - b for h, b in base.items()},
        "pct_change_1y": (latest / base["1y"] - 1) * 100 if base["1y"] != 0 else None,
        "high_52w": float(weeks52.max()),
        "low_52w": float(weeks52.min()),
        "n_obs_1y": year.size,
        "zscore_1y": None if year.min() == year.max() else (latest - year.mean()) / sd,
    }
