"""Golden test for ``mart_series_trends``: every column of every real series recomputed from the
FRED CSVs with pandas alone (``Series.asof`` for "the latest observation on or before",
boolean masks for the 52-week and 1-year windows), compared within 1e-9 relative on DuckDB and
MariaDB. The default fill policy is none, so the mart's values are the CSV's non-missing ones.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from tests.support.dbt import RealMarts, assert_columns_close

TREND_NUMBERS = [
    "latest_value",
    "change_1d",
    "change_1w",
    "change_1m",
    "change_3m",
    "change_1y",
    "change_ytd",
    "pct_change_1y",
    "high_52w",
    "low_52w",
    "n_obs_1y",
    "zscore_1y",
]


def _months_back(day: date, months: int) -> date:
    """``day`` minus ``months`` calendar months, the day clamped to the month's end."""
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


def _base(values: pd.Series, reference: date) -> float:
    """The value of the latest observation on or before ``reference``; NaN if none."""
    if reference < values.index[0]:
        return float("nan")
    return float(values.asof(reference))


def _expected_row(series_id: str, values: pd.Series) -> dict[str, object]:
    latest_date = values.index[-1]
    latest = float(values.iloc[-1])
    references = {
        "1d": latest_date - timedelta(days=1),
        "1w": latest_date - timedelta(days=7),
        "1m": _months_back(latest_date, 1),
        "3m": _months_back(latest_date, 3),
        "1y": _months_back(latest_date, 12),
        "ytd": date(latest_date.year - 1, 12, 31),
    }
    base = {h: _base(values, d) for h, d in references.items()}
    dates = np.array(values.index)
    weeks52 = values[dates > latest_date - timedelta(days=364)]
    year = values[dates > _months_back(latest_date, 12)].to_numpy()
    sd = year.std(ddof=1) if year.size > 1 else float("nan")
    constant = year.min() == year.max()
    return {
        "series_id": series_id,
        "latest_date": latest_date,
        "latest_value": latest,
        **{f"change_{h}": latest - b for h, b in base.items()},
        "pct_change_1y": (latest / base["1y"] - 1) * 100 if base["1y"] != 0 else None,
        "high_52w": float(weeks52.max()),
        "low_52w": float(weeks52.min()),
        "n_obs_1y": year.size,
        "zscore_1y": None if constant else (latest - year.mean()) / sd,
    }


def test_trends_match_pandas_for_every_series(real_marts: RealMarts) -> None:
    got = real_marts.frame(
        "select series_id, latest_date, " + ", ".join(TREND_NUMBERS) + " from mart_series_trends"
    )
    want = pd.DataFrame(
        [
            _expected_row(sid, values.dropna().sort_index())
            for sid, values in real_marts.series.items()
            if values.notna().any()
        ]
    )
    assert_columns_close(got, want, ["series_id"], TREND_NUMBERS)
    assert got.set_index("series_id")["latest_date"].sort_index().tolist() == (
        want.set_index("series_id")["latest_date"].sort_index().tolist()
    )


def test_trends_cover_every_horizon_rule_on_real_series(real_marts: RealMarts) -> None:
    """The real data exercise the rules the docs state, not only the easy case: a series
    whose previous observation is more than a week back (monthly and slower series: 1d and
    1w compare with the same base), and daily series whose 1d base is not the day before."""
    frame = real_marts.frame(
        "select series_id, latest_date, change_1d, change_1w, change_1m from mart_series_trends"
    ).set_index("series_id")
    slow = [s for s, f in real_marts.frequency.items() if f in ("M", "Q") and s in frame.index]
    assert slow
    for sid in slow:
        assert frame.loc[sid, "change_1d"] == frame.loc[sid, "change_1w"]
    daily = [s for s, f in real_marts.frequency.items() if f == "D" and s in frame.index]
    assert any(frame.loc[s, "change_1d"] != frame.loc[s, "change_1w"] for s in daily)
