"""``models.correlation_repository`` on the real FRED series built by dbt (``real_marts``), on
DuckDB and MariaDB: the monthly basis read from the marts is dbt's ``int_monthly_values`` (and
pandas' calendar-month means of the CSVs), windows select months by their first day, and the
stored correlations come back per pair with every window."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from models import correlation_repository, marts
from tests.support.dbt import RealMarts, close

INT_MONTHLY_VALUES = (
    Path(__file__).parents[2] / "transforms/models/intermediate/int_monthly_values.sql"
)


def _monthly_means(values: pd.Series) -> pd.Series:
    values = values.dropna()
    return values.groupby([date(d.year, d.month, 1) for d in values.index]).mean()


def test_monthly_basis_frequencies_are_dbts() -> None:
    found = re.search(r"frequency_short in \(([^)]*)\)", INT_MONTHLY_VALUES.read_text())
    assert found is not None
    assert tuple(c.strip(" '") for c in found.group(1).split(",")) == (
        marts.MONTHLY_BASIS_FREQUENCIES
    )


def test_monthly_values_are_int_monthly_values_and_pandas(real_marts: RealMarts) -> None:
    ids = sorted(real_marts.series)
    with real_marts.engine.connect() as conn:
        got = correlation_repository.monthly_values(conn, ids, None, None)
    stored = real_marts.frame("select series_id, month_start, value from int_monthly_values")
    assert set(got) == set(stored["series_id"])
    assert set(got) == {s for s, f in real_marts.frequency.items() if f in ("D", "W", "BW", "M")}
    for sid, cols in got.items():
        mine = stored[stored["series_id"] == sid].sort_values("month_start")
        assert cols.dates == mine["month_start"].tolist()
        assert cols.values == pytest.approx(mine["value"].tolist(), rel=1e-12)
        want = _monthly_means(real_marts.series[sid])
        assert cols.dates == list(want.index)
        assert all(close(a, b) for a, b in zip(cols.values, want.tolist(), strict=True))


def test_monthly_window_selects_months_by_their_first_day(real_marts: RealMarts) -> None:
    start, end = date(2019, 2, 15), date(2019, 6, 10)
    with real_marts.engine.connect() as conn:
        got = correlation_repository.monthly_values(
            conn, ["DGS10", "UNRATE", "MORTGAGE30US", "GDP"], start, end
        )
    months = [date(2019, m, 1) for m in (3, 4, 5, 6)]
    assert set(got) == {"DGS10", "UNRATE", "MORTGAGE30US"}  # GDP is quarterly
    for sid, cols in got.items():
        assert cols.dates == months, sid
        want = _monthly_means(real_marts.series[sid])
        assert cols.values == pytest.approx([want[m] for m in months], rel=1e-12)


def test_stored_correlations_are_every_window_of_every_pair(real_marts: RealMarts) -> None:
    ids = ["UNRATE", "DGS10", "CPIAUCSL"]
    with real_marts.engine.connect() as conn:
        got = correlation_repository.stored_correlations(conn, ids, correlation_repository.MONTHLY)
    assert set(got) == {("CPIAUCSL", "DGS10"), ("CPIAUCSL", "UNRATE"), ("DGS10", "UNRATE")}
    for (a, b), windows in got.items():
        assert [w.window_name for w in windows] == list(marts.WINDOW_NAMES)
        row = real_marts.rows(
            "select correlation, n_obs from mart_correlations where series_a = :a and "
            "series_b = :b and basis = 'monthly' and window_name = 'full'",
            a=a,
            b=b,
        )[0]
        assert (windows[0].correlation, windows[0].n_obs) == (row[0], row[1])
