"""FRED's units at an aggregated frequency (``graphql_api.units``) against pandas on edge
cases the real series lack: zeros, sign changes, empty periods, overflow, a leap day."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from graphql_api.terms import Frequency, Transform
from graphql_api.units import transform_aggregated
from tests.support.analytics import fred_units
from tests.support.dbt import close

#: monthly periods with a zero, negatives, a sign change and two empty months (None)
MONTHS = pd.date_range("2019-01-01", periods=30, freq="MS")
MONTHLY: list[float | None] = [
    3.0, 2.5, 0.0, 1.0, -2.0, -4.0, 5.0, None, 6.0, 6.5, 7.0, 7.0,
    8.0, 0.5, 2.0, 3.0, None, 3.5, 4.0, 4.2, 4.1, 1e-20, 1e10, 1.0,
    2.0, 3.0, 3.1, 3.2, 3.3, 3.4,
]  # fmt: skip


def expected(
    dates: pd.DatetimeIndex, values: list[float | None], transform: Transform, code: str
) -> list[float]:
    series = pd.Series([np.nan if v is None else v for v in values], index=dates, dtype=float)
    per_year = {"W": 52, "M": 12, "Q": 4, "A": 1}[code]
    want = fred_units(
        series,
        transform.name,
        per_year=per_year,
        year_back="364d" if code == "W" else "12m",
        index_base=2.0,
    )
    return want.tolist()


def assert_close(got: list[float | None], want: list[float]) -> None:
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if not close(g, w)]
    assert not bad, bad


@pytest.mark.parametrize("transform", list(Transform))
def test_monthly_units_match_pandas(transform: Transform) -> None:
    got = transform_aggregated(
        [d.date() for d in MONTHS], MONTHLY, transform, Frequency.MONTHLY, index_base=2.0
    )
    assert_close(got, expected(MONTHS, MONTHLY, transform, "M"))


@pytest.mark.parametrize("transform", [Transform.CH1, Transform.PC1, Transform.PCA, Transform.CCA])
def test_weekly_units_look_52_weeks_back(transform: Transform) -> None:
    weeks = pd.date_range("2019-12-30", periods=120, freq="W-MON")
    rng = np.random.default_rng(2)
    values: list[float | None] = list(100 + np.cumsum(rng.normal(size=120)))
    values[60] = None
    got = transform_aggregated([d.date() for d in weeks], values, transform, Frequency.WEEKLY)
    assert_close(got, expected(weeks, values, transform, "W"))


def test_empty_periods_stay_null_and_are_skipped_when_looking_back() -> None:
    got = transform_aggregated(
        [d.date() for d in MONTHS], MONTHLY, Transform.CHG, Frequency.MONTHLY
    )
    assert got[7] is None and got[16] is None
    assert got[8] == 6.0 - 5.0  # against the last month with a value
    assert got[0] is None


def test_undefined_rates_are_null_and_a_drop_to_zero_is_minus_100() -> None:
    dates = [d.date() for d in MONTHS]
    pca = transform_aggregated(dates, MONTHLY, Transform.PCA, Frequency.MONTHLY)
    assert pca[2] == -100.0  # 2.5 -> 0
    assert pca[3] is None  # 0 -> 1: division by zero
    assert pca[4] is None  # 1 -> -2: negative ratio
    assert pca[22] is None  # 1e-20 -> 1e10: (1e30)^12 overflows a double
    assert pca[5] == pytest.approx((2**12 - 1) * 100)  # -2 -> -4: a positive ratio


def test_a_year_before_a_leap_day_is_the_28th() -> None:
    dates = [date(2023, 2, 28), date(2024, 2, 29)]
    assert transform_aggregated(dates, [1.0, 3.0], Transform.CH1, Frequency.ANNUAL) == [None, 2.0]


def test_constant_and_empty_series_have_no_normalisation() -> None:
    dates = [d.date() for d in MONTHS[:3]]
    for transform in (Transform.ZSCORE, Transform.MINMAX):
        assert transform_aggregated(dates, [2.0] * 3, transform, Frequency.MONTHLY) == [None] * 3
    assert transform_aggregated(dates, [None] * 3, Transform.LOG, Frequency.MONTHLY) == [None] * 3
    assert (
        transform_aggregated(dates, [1.0] * 3, Transform.INDEX100, Frequency.MONTHLY) == [None] * 3
    )  # no base value
