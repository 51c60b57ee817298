"""Golden tests of ``mart_daily_technicals`` and ``mart_candles`` on every real daily series.

The expected values are computed here from the CSVs alone (``real_marts.series``, missing values
dropped: the default fill policy keeps only dated values), with numpy's two-pass mean and
standard deviation over explicit windows, never from another mart. Both databases must agree
with them within 1e-9 relative on every row and column.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from tests.support.dbt import RealMarts, assert_columns_close

SMA_WINDOWS = (20, 50, 200)
VOLATILITY_WINDOWS = (21, 63)
BOLLINGER_WINDOW = 20
BOLLINGER_WIDTH = 2.0
TRADING_DAYS = 252

TECHNICAL_COLUMNS = [
    "value",
    "sma_20",
    "sma_50",
    "sma_200",
    "log_return",
    "volatility_21",
    "volatility_63",
    "bollinger_mid",
    "bollinger_upper",
    "bollinger_lower",
]
CANDLE_COLUMNS = [
    "period_end",
    "open_value",
    "high_value",
    "low_value",
    "close_value",
    "n_obs",
    "first_obs_date",
    "last_obs_date",
]


def _daily_ids(real_marts: RealMarts) -> list[str]:
    return sorted(sid for sid, short in real_marts.frequency.items() if short == "D")


def _trailing(x: np.ndarray, n: int, statistic: str) -> np.ndarray:
    """``statistic`` over each run of ``n`` consecutive values ending at a row; NaN before the
    n-th row, and wherever the window holds a NaN (numpy propagates it)."""
    out = np.full(len(x), np.nan)
    if len(x) < n:
        return out
    windows = sliding_window_view(x, n)
    if statistic == "mean":
        out[n - 1 :] = windows.mean(axis=1)
    elif statistic == "std_sample":
        out[n - 1 :] = windows.std(axis=1, ddof=1)
    else:
        out[n - 1 :] = windows.std(axis=1, ddof=0)
    return out


def expected_technicals(series_id: str, values: pd.Series) -> pd.DataFrame:
    observed = values.dropna()
    x = observed.to_numpy(dtype=float)
    previous = np.concatenate([[np.nan], x[:-1]])
    defined = (x > 0) & (previous > 0)
    ratio = np.divide(x, previous, out=np.ones_like(x), where=defined)
    log_return = np.where(defined, np.log(ratio), np.nan)
    out = pd.DataFrame({"series_id": series_id, "obs_date": list(observed.index), "value": x})
    for n in SMA_WINDOWS:
        out[f"sma_{n}"] = _trailing(x, n, "mean")
    out["log_return"] = log_return
    for n in VOLATILITY_WINDOWS:
        out[f"volatility_{n}"] = _trailing(log_return, n, "std_sample") * np.sqrt(TRADING_DAYS)
    mid = _trailing(x, BOLLINGER_WINDOW, "mean")
    spread = BOLLINGER_WIDTH * _trailing(x, BOLLINGER_WINDOW, "std_population")
    out["bollinger_mid"] = mid
    out["bollinger_upper"] = mid + spread
    out["bollinger_lower"] = mid - spread
    return out


def _week(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def _month(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def expected_candles(series_id: str, values: pd.Series) -> pd.DataFrame:
    observed = values.dropna()
    frames = []
    for period, bounds in (("W", _week), ("M", _month)):
        spans = [bounds(day) for day in observed.index]
        rows = pd.DataFrame(
            {
                "period_start": [s for s, _ in spans],
                "period_end": [e for _, e in spans],
                "obs_date": list(observed.index),
                "value": observed.to_numpy(dtype=float),
            }
        )
        grouped = rows.groupby("period_start", sort=True).agg(
            period_end=("period_end", "first"),
            open_value=("value", "first"),
            high_value=("value", "max"),
            low_value=("value", "min"),
            close_value=("value", "last"),
            n_obs=("value", "size"),
            first_obs_date=("obs_date", "min"),
            last_obs_date=("obs_date", "max"),
        )
        frames.append(grouped.reset_index().assign(series_id=series_id, period=period))
    return pd.concat(frames, ignore_index=True)


def test_technicals_cover_exactly_the_daily_series(real_marts: RealMarts) -> None:
    daily = _daily_ids(real_marts)
    # both kinds of daily series: business days (DGS10, ...) and 7-day (DFF)
    assert {"DGS10", "DFF"} <= set(daily)
    assert {real_marts.frequency_name[sid] for sid in daily} == {"Daily", "Daily, 7-Day"}
    for relation in ("mart_daily_technicals", "mart_candles"):
        got = real_marts.frame(f"select distinct series_id from {relation}")
        assert sorted(got["series_id"]) == daily, relation


def test_daily_technicals_match_numpy_on_every_daily_series(real_marts: RealMarts) -> None:
    want = pd.concat(
        [expected_technicals(sid, real_marts.series[sid]) for sid in _daily_ids(real_marts)],
        ignore_index=True,
    )
    got = real_marts.frame(
        f"select series_id, obs_date, {', '.join(TECHNICAL_COLUMNS)} from mart_daily_technicals"
    )
    assert_columns_close(got, want, ["series_id", "obs_date"], TECHNICAL_COLUMNS)


def test_candles_match_pandas_on_every_daily_series(real_marts: RealMarts) -> None:
    want = pd.concat(
        [expected_candles(sid, real_marts.series[sid]) for sid in _daily_ids(real_marts)],
        ignore_index=True,
    )
    got = real_marts.frame(
        f"select series_id, period, period_start, {', '.join(CANDLE_COLUMNS)} from mart_candles"
    )
    key = ["series_id", "period", "period_start"]
    numeric = [c for c in CANDLE_COLUMNS if not c.endswith(("_date", "_end"))]
    assert_columns_close(got, want, key, numeric)
    dates = [c for c in CANDLE_COLUMNS if c not in numeric]
    g = got.set_index(key).sort_index()[dates]
    w = want.set_index(key).sort_index()[dates]
    assert (g == w).all().all(), g[(g != w).any(axis=1)].head()


def test_real_data_reaches_the_undefined_and_flat_cases(real_marts: RealMarts) -> None:
    """The golden comparison above is only as strong as the cases the data holds: returns
    undefined at values <= 0, and flat stretches whose volatility is exactly zero."""
    row = real_marts.rows(
        "select"
        " sum(case when value <= 0 then 1 else 0 end) as non_positive,"
        " sum(case when volatility_21 = 0 then 1 else 0 end) as flat_21,"
        " sum(case when log_return is null then 1 else 0 end) as undefined_returns"
        " from mart_daily_technicals"
    )[0]
    assert row.non_positive > 0
    assert row.flat_21 > 0
    assert row.undefined_returns > len(_daily_ids(real_marts))
