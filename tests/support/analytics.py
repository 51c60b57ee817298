"""A handful of real FRED series built by dbt into the analytics marts, and the independent
pandas computations the API's analytics fields are checked against.

``analytics_marts`` loads only ``ANALYTICS_SERIES`` (a business-daily, a weekly, a monthly and
a quarterly series) before ``dbt build``, so one build per backend stays short. (The whole
project is built: selecting only the marts read here would still select the relationship tests
of the marts left out, which then fail.) The pandas side is written the obvious pandas way
(``resample``, ``rolling``, ``merge_asof``), never the way the SQL or ``graphql_api.units``
is, and from the CSV files alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from numpy.lib.stride_tricks import sliding_window_view

from flows.dbt_runner import dbt_build
from ingest.csv_import import load_csv
from models.engine import make_engine
from models.migrate import upgrade
from models.settings import load_settings
from models.versioning import bump_version
from tests.support.databases import fresh_database
from tests.support.dbt import LOADED_VINTAGE, close, read_fred_csv

#: business-daily, monthly, weekly (ending Thursday), quarterly
ANALYTICS_SERIES = ("DGS10", "CPIAUCSL", "MORTGAGE30US", "GDP")
#: the default of dbt's var ``index_base_date``
INDEX_BASE_DATE = date(2015, 1, 1)
#: FRED's n_obs_per_yr of the frequencies involved (business-daily 260)
PER_YEAR = {"D": 260, "W": 52, "M": 12, "Q": 4, "A": 1}
#: pandas' period start rule of each resampling code (ISO weeks start on Monday)
RESAMPLE_RULES = {"W": "W-MON", "M": "MS", "Q": "QS", "A": "YS"}
#: ln of the largest double less ln 100: an annualised rate is null from there on
MAX_LN_DOUBLE = 705.0


@dataclass(frozen=True)
class AnalyticsMarts:
    backend: str
    url: str
    engine: sa.Engine
    #: series id -> the CSV's values (NaN for ".") indexed by ``datetime.date``
    series: dict[str, pd.Series]


@contextmanager
def analytics_marts(backend: str, directory: Path, data_dir: Path) -> Iterator[AnalyticsMarts]:
    """A fresh database with ``ANALYTICS_SERIES`` loaded from ``data_dir`` and the analytics
    marts built, its data version bumped (as a pipeline stage does)."""
    with fresh_database(backend, directory) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            series = {}
            for sid in ANALYTICS_SERIES:
                path = data_dir / f"{sid}.csv"
                report = load_csv(engine, path, series_id=sid, realtime_start=LOADED_VINTAGE)
                assert not report.failed, report.results
                series[sid] = read_fred_csv(path)
            dbt_build(load_settings(database_url=url))
            bump_version(engine, "analytics-test")
            yield AnalyticsMarts(backend, url, engine, series)
        finally:
            engine.dispose()


def observed(values: pd.Series) -> pd.Series:
    """The values with a date (NaN dropped: the default fill policy), by ``Timestamp``."""
    x = values.dropna()
    return pd.Series(x.to_numpy(dtype=float), index=pd.to_datetime(list(x.index)))


def resample(values: pd.Series, code: str, how: str) -> pd.Series:
    """FRED's aggregation (``avg``, ``sum``, ``eop``) of the observed values to ``code``,
    by period start; every period from the first to the last is there, NaN when empty."""
    grouped = observed(values).resample(RESAMPLE_RULES[code], closed="left", label="left")
    if how == "avg":
        return grouped.mean()
    if how == "sum":
        return grouped.sum(min_count=1)
    return grouped.last()


def _year_back(index: pd.DatetimeIndex, rule: str) -> pd.DatetimeIndex:
    if rule == "365d":
        return index - pd.Timedelta(days=365)
    if rule == "364d":
        return index - pd.Timedelta(days=364)
    return pd.DatetimeIndex([d - pd.DateOffset(months=12) for d in index])


def fred_units(
    values: pd.Series,
    transform: str,
    *,
    per_year: int,
    year_back: str,
    index_base: float | None = None,
) -> pd.Series:
    """FRED's units ``transform`` (the API's enum name) of ``values`` (by ``Timestamp``; NaN
    is no observation and stays NaN): x(t-1) the previous observation, a year ago the latest
    observation on or before ``year_back`` (``365d``, ``364d``, ``12m``) earlier."""
    x = values.dropna()
    prev = x.shift(1)
    lookup = pd.DataFrame({"when": _year_back(x.index, year_back).as_unit("ns")})
    history = pd.DataFrame({"when": x.index.as_unit("ns"), "year_ago": x.to_numpy()})
    year_ago = pd.Series(
        pd.merge_asof(lookup, history, on="when", direction="backward")["year_ago"].to_numpy(),
        index=x.index,
    )
    ratio = (x / prev.where(prev != 0)).astype(float)
    log = np.log(x.where(x > 0))
    log_prev = np.log(prev.where(prev > 0))
    spread = x.max() - x.min()
    out = {
        "LEVEL": x,
        "CHG": x - prev,
        "CH1": x - year_ago,
        "PCH": (ratio - 1) * 100,
        "PC1": (x / year_ago.where(year_ago != 0) - 1) * 100,
        "PCA": pd.Series(
            np.select(
                [ratio < 0, ratio == 0, per_year * np.log(ratio.where(ratio > 0)) < MAX_LN_DOUBLE],
                [np.nan, -100.0, (ratio**per_year - 1) * 100],
                default=np.nan,
            ),
            index=x.index,
        ),
        "CCH": (log - log_prev) * 100,
        "CCA": (log - log_prev) * 100 * per_year,
        "LOG": log,
        "ZSCORE": (x - x.mean()) / x.std() if x.std() else x * np.nan,
        "MINMAX": (x - x.min()) / spread if spread else x * np.nan,
        "INDEX100": 100 * x / index_base if index_base else x * np.nan,
    }[transform]
    return out.reindex(values.index)


def index_base(values: pd.Series) -> float:
    """The base of INDEX100: the first observed value on or after ``INDEX_BASE_DATE``."""
    x = observed(values)
    return float(x[x.index >= pd.Timestamp(INDEX_BASE_DATE)].iloc[0])


def _trailing(x: np.ndarray, n: int, how: str) -> np.ndarray:
    """Two-pass mean or std (``std1`` sample, ``std0`` population) of each run of ``n``."""
    out = np.full(len(x), np.nan)
    if len(x) >= n:
        windows = sliding_window_view(x, n)
        if how == "mean":
            out[n - 1 :] = windows.mean(axis=1)
        else:
            out[n - 1 :] = windows.std(axis=1, ddof=1 if how == "std1" else 0)
    return out


def technicals(values: pd.Series) -> pd.DataFrame:
    """SMAs, annualised volatility of log returns and Bollinger (20, 2), per observation."""
    x = observed(values)
    v = x.to_numpy()
    log_returns = np.log(x / x.shift(1)).where((x > 0) & (x.shift(1) > 0)).to_numpy()
    sma20 = _trailing(v, 20, "mean")
    band = 2 * _trailing(v, 20, "std0")
    return pd.DataFrame(
        {
            "sma20": sma20,
            "sma50": _trailing(v, 50, "mean"),
            "sma200": _trailing(v, 200, "mean"),
            "volatility21": _trailing(log_returns, 21, "std1") * np.sqrt(252),
            "volatility63": _trailing(log_returns, 63, "std1") * np.sqrt(252),
            "bollingerUpper": sma20 + band,
            "bollingerMiddle": sma20,
            "bollingerLower": sma20 - band,
        },
        index=x.index,
    )


def candles(values: pd.Series, code: str) -> pd.DataFrame:
    """OHLC per ISO week or calendar month with an observation, by period start."""
    ohlc = observed(values).resample(RESAMPLE_RULES[code], closed="left", label="left").ohlc()
    return ohlc.dropna(how="all")


def window_stats(values: pd.Series) -> list[dict[str, object]]:
    """Full, 1y, 5y, 10y statistics back from the last observation (after ``end - N years``)."""
    x = observed(values)
    end = x.index[-1]
    rows = []
    for name, years in (("full", 0), ("1y", 1), ("5y", 5), ("10y", 10)):
        cutoff = end - pd.DateOffset(years=years)
        inside = x if years == 0 else x[x.index > cutoff]
        rows.append(
            {
                "window": name,
                "windowStart": (x.index[0] if years == 0 else cutoff + pd.Timedelta(days=1)).date(),
                "windowEnd": end.date(),
                "count": len(inside),
                "mean": inside.mean(),
                "variance": inside.var(ddof=1),
                "stddev": inside.std(ddof=1),
                "min": inside.min(),
                "max": inside.max(),
                "firstValue": inside.iloc[0],
                "lastValue": inside.iloc[-1],
                "change": inside.iloc[-1] - inside.iloc[0],
                "start": inside.index[0].date(),
                "end": inside.index[-1].date(),
            }
        )
    return rows


def window(expected: pd.Series | pd.DataFrame, start: date | None, end: date | None) -> pd.Series:
    """The rows of ``expected`` (by ``Timestamp``) dated inside [start, end]."""
    keep = np.ones(len(expected), dtype=bool)
    if start is not None:
        keep &= expected.index >= pd.Timestamp(start)
    if end is not None:
        keep &= expected.index <= pd.Timestamp(end)
    return expected[keep]


def assert_columns_equal(
    dates: list[str], columns: dict[str, list[float | None]], want: pd.DataFrame
) -> None:
    """The API's columns (ISO dates, values) equal ``want`` (by ``Timestamp``, one column per
    name) date for date and within 1e-9 relative, NULL only where ``want`` is NaN."""
    assert dates == [d.date().isoformat() for d in want.index], (
        f"{len(dates)} dates vs {len(want)} expected; first {dates[:3]} vs {list(want.index[:3])}"
    )
    for name, got in columns.items():
        bad = [
            (d, g, w)
            for d, g, w in zip(dates, got, want[name].tolist(), strict=True)
            if not close(g, w)
        ]
        assert not bad, f"{name}: {len(bad)} of {len(dates)} differ, e.g. {bad[:5]}"


def min_max_per_bucket(values: pd.Series, max_points: int) -> pd.Series:
    """The points ``maxPoints`` keeps, by the rule ``Indicator.observations`` documents, picked
    with pandas: the first and last point; the m points between them cut (``pd.cut``) into B
    buckets, bucket k holding positions floor(k m / B) to floor((k + 1) m / B) - 1; each
    bucket's first lowest and first highest value and its first NULL. B starts at
    min((max_points - 2) // 2, m); while its picks overflow the budget (2 B + buckets holding
    both NULLs and values > max_points - 2), B becomes min(B - 1, (budget - those) // 2)."""
    if len(values) <= max_points:
        return values
    inner = pd.Series(values.to_numpy(dtype=float)[1:-1])
    m, budget = len(inner), max_points - 2

    def labels(buckets: int) -> np.ndarray:
        edges = (np.arange(buckets + 1) * m) // buckets
        return np.asarray(pd.cut(pd.RangeIndex(m), bins=edges, right=False, labels=False))

    def mixed(buckets: int) -> int:
        nulls = inner.isna().groupby(labels(buckets)).agg(["sum", "size"])
        return int(((nulls["sum"] > 0) & (nulls["sum"] < nulls["size"])).sum())

    buckets = min(budget // 2, m)
    while buckets > 0 and 2 * buckets + mixed(buckets) > budget:
        buckets = max(0, min(buckets - 1, (budget - mixed(buckets)) // 2))
    picked = {0, len(values) - 1}
    if buckets:
        for _, group in inner.groupby(labels(buckets)):
            present = group.dropna()
            if len(present):
                picked |= {int(present.idxmin()) + 1, int(present.idxmax()) + 1}
            if group.isna().any():
                picked.add(int(group.index[group.isna()][0]) + 1)
    return values.iloc[sorted(picked)]
