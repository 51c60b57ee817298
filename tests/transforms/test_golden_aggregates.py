"""Golden tests for ``mart_observations_resampled`` and ``mart_correlations``.

Every real series (and every pair of them) is recomputed here from the FRED CSVs with
pandas/numpy alone (``real_marts.series``), never from another mart, and every column is
compared within 1e-9 relative on DuckDB and MariaDB. The default fill policy is none, so the
marts' values are the CSV's non-missing ones and ``n_filled`` is 0.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

import numpy as np
import pandas as pd

from tests.support.dbt import RealMarts, assert_columns_close

#: native frequency_short -> the coarser target frequencies the mart converts it to
TARGETS = {
    "D": ["W", "M", "Q", "A"],
    "W": ["M", "Q", "A"],
    "BW": ["M", "Q", "A"],
    "M": ["Q", "A"],
    "Q": ["A"],
    "SA": ["A"],
}
MONTHS_PER_PERIOD = {"M": 1, "Q": 3, "A": 12}
MONTHLY_OR_FINER = ("D", "W", "BW", "M")
WINDOW_YEARS = {"full": None, "1y": 1, "5y": 5, "10y": 10}

RESAMPLED_NUMBERS = ["n_obs", "n_filled", "value_avg", "value_sum", "value_eop"]
RESAMPLED_DATES = ["period_end"]
CORRELATION_NUMBERS = ["correlation", "n_obs"]
CORRELATION_DATES = ["start_date", "end_date"]


def _assert_dates_equal(
    got: pd.DataFrame, want: pd.DataFrame, key: list[str], columns: list[str]
) -> None:
    """Dates compare exactly (``close`` is for numbers); keys as in ``assert_columns_close``."""
    g = got.set_index(key).sort_index()
    w = want.set_index(key).sort_index()
    for column in columns:
        bad = [(k, a, b) for k, a, b in zip(g.index, g[column], w[column], strict=True) if a != b]
        assert not bad, f"{column}: {len(bad)} of {len(g)} differ, e.g. {bad[:5]}"


def _values(real_marts: RealMarts, series_id: str) -> pd.Series:
    return real_marts.series[series_id].dropna().sort_index()


def _add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def _period_start(day: date, frequency: str) -> date:
    if frequency == "W":
        return day - timedelta(days=day.weekday())
    months = MONTHS_PER_PERIOD[frequency]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def _next_period(start: date, frequency: str) -> date:
    if frequency == "W":
        return start + timedelta(days=7)
    return _add_months(start, MONTHS_PER_PERIOD[frequency])


def _expected_resampled(real_marts: RealMarts) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for series_id, frequency in sorted(real_marts.frequency.items()):
        values = _values(real_marts, series_id)
        if values.empty:
            continue
        for target in TARGETS.get(frequency, []):
            groups = values.groupby([_period_start(d, target) for d in values.index])
            stats = pd.DataFrame(
                {
                    "n": groups.size(),
                    "avg": groups.mean(),
                    "sum": groups.sum(),
                    "eop": groups.last(),
                }
            )
            start, last = min(stats.index), max(stats.index)
            while start <= last:
                following = _next_period(start, target)
                row = stats.loc[start] if start in stats.index else None
                rows.append(
                    {
                        "series_id": series_id,
                        "frequency": target,
                        "period_start": start,
                        "period_end": following - timedelta(days=1),
                        "n_obs": 0 if row is None else int(row["n"]),
                        "n_filled": 0,
                        "value_avg": None if row is None else float(row["avg"]),
                        "value_sum": None if row is None else float(row["sum"]),
                        "value_eop": None if row is None else float(row["eop"]),
                    }
                )
                start = following
    return pd.DataFrame(rows)


def _monthly_averages(values: pd.Series) -> pd.Series:
    return values.groupby([date(d.year, d.month, 1) for d in values.index]).mean()


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 3 or x.min() == x.max() or y.min() == y.max():
        return None
    return float(np.corrcoef(x, y)[0, 1])


def _expected_correlations(real_marts: RealMarts) -> pd.DataFrame:
    bases: dict[str, dict[str, pd.Series]] = {
        "monthly": {
            sid: _monthly_averages(_values(real_marts, sid))
            for sid, freq in real_marts.frequency.items()
            if freq in MONTHLY_OR_FINER
        },
        "daily": {
            sid: _values(real_marts, sid)
            for sid, freq in real_marts.frequency.items()
            if freq == "D"
        },
    }
    rows: list[dict[str, object]] = []
    for basis, by_series in bases.items():
        for series_a, series_b in combinations(sorted(by_series), 2):
            both = pd.concat([by_series[series_a], by_series[series_b]], axis=1, join="inner")
            if both.empty:
                continue
            end = max(both.index)
            for window_name, years in WINDOW_YEARS.items():
                kept = both if years is None else both[both.index > _add_months(end, -12 * years)]
                x, y = kept.iloc[:, 0].to_numpy(), kept.iloc[:, 1].to_numpy()
                rows.append(
                    {
                        "series_a": series_a,
                        "series_b": series_b,
                        "basis": basis,
                        "window_name": window_name,
                        "correlation": _pearson(x, y),
                        "n_obs": len(kept),
                        "start_date": min(kept.index),
                        "end_date": max(kept.index),
                    }
                )
    return pd.DataFrame(rows)


def test_resampled_matches_pandas_for_every_series_and_frequency(real_marts: RealMarts) -> None:
    got = real_marts.frame(
        "select series_id, frequency, period_start, "
        + ", ".join(RESAMPLED_DATES + RESAMPLED_NUMBERS)
        + " from mart_observations_resampled"
    )
    want = _expected_resampled(real_marts)
    key = ["series_id", "frequency", "period_start"]
    assert_columns_close(got, want, key, RESAMPLED_NUMBERS)
    _assert_dates_equal(got, want, key, RESAMPLED_DATES)


def test_resampled_spine_makes_gaps_explicit(real_marts: RealMarts) -> None:
    """Periods of one series and frequency tile the calendar without holes, and the periods
    with no observation are rows with n_obs = 0 and NULL values."""
    frame = real_marts.frame(
        "select series_id, frequency, period_start, period_end, n_obs, value_avg"
        " from mart_observations_resampled"
    )
    for (_, _), group in frame.groupby(["series_id", "frequency"]):
        group = group.sort_values("period_start")
        ends = group["period_end"].tolist()[:-1]
        starts = group["period_start"].tolist()[1:]
        assert all(e + timedelta(days=1) == s for e, s in zip(ends, starts, strict=True))
    empty = frame[frame["n_obs"] == 0]
    assert not empty.empty, "the real series have gaps (e.g. WILL5000INDFC); none is explicit"
    assert empty["value_avg"].isna().all()


def test_correlations_match_numpy_for_every_pair_and_window(real_marts: RealMarts) -> None:
    got = real_marts.frame(
        "select series_a, series_b, basis, window_name, "
        + ", ".join(CORRELATION_NUMBERS + CORRELATION_DATES)
        + " from mart_correlations"
    )
    want = _expected_correlations(real_marts)
    assert {"monthly", "daily"} <= set(want["basis"])
    key = ["series_a", "series_b", "basis", "window_name"]
    assert_columns_close(got, want, key, CORRELATION_NUMBERS)
    _assert_dates_equal(got, want, key, CORRELATION_DATES)
