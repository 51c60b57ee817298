"""Golden tests: mart_observation_transforms and mart_series_window_stats against pandas.

Every column of both marts, for every real series, is recomputed here from the raw CSV values
(``real_marts.series``) with plain pandas/numpy, never from another mart, and compared on DuckDB
and MariaDB within 1e-9 relative. The pandas side is the reference: it is written the obvious
way (``pd.merge_asof`` for "a year ago", boolean masks for windows), not the way the SQL is.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.support.dbt import RealMarts, assert_columns_close

#: base of index_100 (the model's default for var('index_base_date'))
INDEX_BASE_DATE = date(2015, 1, 1)
#: ln of the largest double is 709.78, less ln 100 for the percent: pca is NULL from
MAX_LN_DOUBLE = 705.0
WINDOW_YEARS = {"full": None, "1y": 1, "5y": 5, "10y": 10}

TRANSFORM_COLUMNS = [
    "value",
    "is_filled",
    "chg",
    "ch1",
    "pch",
    "pc1",
    "pca",
    "cch",
    "cca",
    "log_value",
    "zscore",
    "minmax",
    "index_100",
]
WINDOW_NUMBERS = [
    "n_obs",
    "mean",
    "variance",
    "stddev",
    "min_value",
    "max_value",
    "first_value",
    "last_value",
    "change_value",
]
WINDOW_DATES = ["window_start", "window_end", "first_obs_date", "last_obs_date"]


def obs_per_year(frequency: str, frequency_short: str) -> float:
    """FRED's n_obs_per_yr; NaN for a frequency without one."""
    if frequency_short == "D":
        return 365.0 if frequency.startswith("Daily, 7-Day") else 260.0
    table = {"W": 52.0, "BW": 26.0, "M": 12.0, "Q": 4.0, "SA": 2.0, "A": 1.0}
    return table.get(frequency_short, np.nan)


def year_ago_targets(dates: pd.DatetimeIndex, frequency_short: str) -> pd.DatetimeIndex:
    if frequency_short == "D":
        return dates - pd.Timedelta(days=365)
    if frequency_short in ("W", "BW"):
        return dates - pd.Timedelta(days=364)
    return pd.DatetimeIndex([d - pd.DateOffset(months=12) for d in dates])


def positive_log(x: np.ndarray) -> np.ndarray:
    """ln x where x > 0, NaN elsewhere (and no warning)."""
    out = np.full(len(x), np.nan)
    ok = x > 0
    out[ok] = np.log(x[ok])
    return out


def divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b, NaN where b is 0 or NaN."""
    out = np.full(len(a), np.nan)
    ok = (b != 0) & ~np.isnan(b)
    out[ok] = a[ok] / b[ok]
    return out


def compounded_annual(ratio: np.ndarray, n: float) -> np.ndarray:
    """pca from x(t)/x(t-1): NULL for a negative ratio, -100 for 0, NULL on overflow."""
    out = np.full(len(ratio), np.nan)
    if np.isnan(n):
        return out
    out[ratio == 0] = -100.0
    positive = ratio > 0
    logs = np.full(len(ratio), np.inf)
    logs[positive] = n * np.log(ratio[positive])
    ok = positive & (logs < MAX_LN_DOUBLE)
    out[ok] = (np.power(ratio[ok], n) - 1) * 100
    return out


def expected_transforms(real_marts: RealMarts, sid: str) -> pd.DataFrame:
    s = real_marts.series[sid].dropna()
    dates = pd.DatetimeIndex(pd.to_datetime(list(s.index))).as_unit("s")
    x = s.to_numpy(dtype=float)
    prev = s.shift(1).to_numpy(dtype=float)
    short = real_marts.frequency[sid]
    n = obs_per_year(real_marts.frequency_name[sid], short)

    targets = year_ago_targets(dates, short).as_unit("s")
    lookups = pd.DataFrame({"target": targets, "row": np.arange(len(x))})
    history = pd.DataFrame({"found": dates, "year_ago": x})
    matched = pd.merge_asof(
        lookups.sort_values("target"),
        history,
        left_on="target",
        right_on="found",
        direction="backward",
    ).sort_values("row")
    year_ago = matched["year_ago"].to_numpy(dtype=float)

    ratio = divide(x, prev)
    cch = (positive_log(x) - positive_log(prev)) * 100
    std = float(np.std(x, ddof=1)) if len(x) > 1 else np.nan
    spread = float(x.max() - x.min())
    after_base = s[[d >= INDEX_BASE_DATE for d in s.index]]
    base = float(after_base.iloc[0]) if len(after_base) else np.nan
    return pd.DataFrame(
        {
            "series_id": sid,
            "obs_date": list(s.index),
            "value": x,
            "is_filled": 0.0,
            "chg": x - prev,
            "ch1": x - year_ago,
            "pch": (ratio - 1) * 100,
            "pc1": (divide(x, year_ago) - 1) * 100,
            "pca": compounded_annual(ratio, n),
            "cch": cch,
            "cca": cch * n,
            "log_value": positive_log(x),
            "zscore": divide(x - x.mean(), np.full(len(x), std)),
            "minmax": divide(x - x.min(), np.full(len(x), spread)),
            "index_100": divide(100 * x, np.full(len(x), base)),
        }
    )


def expected_windows(real_marts: RealMarts, sid: str) -> pd.DataFrame:
    s = real_marts.series[sid].dropna()
    end = s.index[-1]
    rows = []
    for name, years in WINDOW_YEARS.items():
        if years is None:
            inside, start = s, s.index[0]
        else:
            cutoff = (pd.Timestamp(end) - pd.DateOffset(months=12 * years)).date()
            inside = s[[d > cutoff for d in s.index]]
            start = (pd.Timestamp(cutoff) + pd.Timedelta(days=1)).date()
        values = inside.to_numpy(dtype=float)
        rows.append(
            {
                "series_id": sid,
                "window_name": name,
                "window_start": start,
                "window_end": end,
                "n_obs": float(len(values)),
                "mean": float(values.mean()),
                "variance": float(np.var(values, ddof=1)) if len(values) > 1 else np.nan,
                "stddev": float(np.std(values, ddof=1)) if len(values) > 1 else np.nan,
                "min_value": float(values.min()),
                "max_value": float(values.max()),
                "first_value": float(values[0]),
                "last_value": float(values[-1]),
                "change_value": float(values[-1] - values[0]),
                "first_obs_date": inside.index[0],
                "last_obs_date": inside.index[-1],
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def transforms(real_marts: RealMarts) -> pd.DataFrame:
    got = real_marts.frame("select * from mart_observation_transforms")
    got["is_filled"] = got["is_filled"].astype(float)
    return got


@pytest.fixture(scope="module")
def window_stats(real_marts: RealMarts) -> pd.DataFrame:
    got = real_marts.frame("select * from mart_series_window_stats")
    got["window_name"] = got["window_name"].str.strip()
    return got


def test_transforms_match_pandas_for_every_series_and_column(
    real_marts: RealMarts, transforms: pd.DataFrame
) -> None:
    want = pd.concat([expected_transforms(real_marts, sid) for sid in real_marts.series])
    assert_columns_close(transforms, want, ["series_id", "obs_date"], TRANSFORM_COLUMNS)


def test_window_stats_match_pandas_for_every_series_and_column(
    real_marts: RealMarts, window_stats: pd.DataFrame
) -> None:
    want = pd.concat([expected_windows(real_marts, sid) for sid in real_marts.series])
    key = ["series_id", "window_name"]
    assert_columns_close(window_stats, want, key, WINDOW_NUMBERS)
    got_dates = window_stats.set_index(key).sort_index()[WINDOW_DATES]
    want_dates = want.set_index(key).sort_index()[WINDOW_DATES]
    assert got_dates.to_dict("index") == want_dates.to_dict("index")


def test_every_series_has_every_window(window_stats: pd.DataFrame, real_marts: RealMarts) -> None:
    windows = window_stats.groupby("series_id")["window_name"].apply(frozenset).to_dict()
    assert windows == {sid: frozenset(WINDOW_YEARS) for sid in real_marts.series}


def test_short_history_windows_hold_the_whole_history(window_stats: pd.DataFrame) -> None:
    """SP500 (FRED serves ten years) is shorter than its 10y window: same content as full."""
    sp = window_stats[window_stats["series_id"] == "SP500"].set_index("window_name")
    ten, full = sp.to_dict("index")["10y"], sp.to_dict("index")["full"]
    assert ten["n_obs"] == full["n_obs"]
    assert ten["first_obs_date"] == full["first_obs_date"]
    assert ten["window_start"] < full["window_start"]


def test_pca_is_null_across_a_sign_change_and_defined_between_negatives(
    transforms: pd.DataFrame,
) -> None:
    """T10Y2Y crosses zero: a negative ratio has no compounded rate; two negatives have one."""
    t = transforms[transforms["series_id"] == "T10Y2Y"].sort_values("obs_date")
    prev = t["value"].shift(1)
    sign_change = t[(t["value"] * prev < 0)]
    ratio = t["value"] / prev
    representable = 260 * np.log(ratio.where(ratio > 0)) < MAX_LN_DOUBLE
    both_negative = t[(t["value"] < 0) & (prev < 0) & representable]
    assert len(sign_change) > 0 and sign_change["pca"].isna().all()
    assert sign_change["pch"].notna().all()
    assert len(both_negative) > 0 and both_negative["pca"].notna().all()


def test_pca_is_null_where_the_annual_factor_overflows(transforms: pd.DataFrame) -> None:
    """A daily rate jumping from 0.01 to 0.2 compounds to 20^260: NULL, not an error or inf."""
    t = transforms[transforms["series_id"].isin(["T10Y2Y", "DGS3MO"])]
    ratio = 1 + t["pch"] / 100
    overflowing = t[(ratio > 0) & (260 * np.log(ratio.where(ratio > 0)) >= MAX_LN_DOUBLE)]
    assert len(overflowing) > 0
    assert overflowing["pca"].isna().all()
    assert np.isfinite(t["pca"].dropna()).all()


def test_log_based_transforms_are_null_for_non_positive_values(
    transforms: pd.DataFrame,
) -> None:
    """DCOILWTICO settled at -36.98 on 2020-04-20: no log, no continuous rate, pch defined."""
    row = transforms[
        (transforms["series_id"] == "DCOILWTICO") & (transforms["obs_date"] == date(2020, 4, 20))
    ].iloc[0]
    assert row["value"] == pytest.approx(-36.98)
    assert pd.isna(row["log_value"]) and pd.isna(row["cch"]) and pd.isna(row["cca"])
    assert pd.isna(row["pca"])
    assert row["pch"] < -100


def test_index_100_is_100_at_the_base_date(transforms: pd.DataFrame) -> None:
    on_or_after = transforms[transforms["obs_date"] >= INDEX_BASE_DATE]
    first = on_or_after.sort_values("obs_date").groupby("series_id").head(1)
    assert len(first) > 0
    assert np.allclose(first["index_100"].astype(float), 100.0, rtol=1e-12)
    never = set(transforms["series_id"]) - set(first["series_id"])
    assert transforms[transforms["series_id"].isin(never)]["index_100"].isna().all()
