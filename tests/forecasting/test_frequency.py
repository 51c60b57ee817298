"""Forecast calendars (future dates, horizons) and how histories are prepared for a fit; the
frequency facts and their inference are tested in ``tests/models/test_calendar.py``."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecasting.frequency import default_horizon, future_dates
from forecasting.prepare import prepare_series


def _days(index: pd.DatetimeIndex) -> list[date]:
    return [ts.date() for ts in index]


def test_daily_future_dates_skip_weekends() -> None:
    dates = future_dates(date(2024, 5, 2), 4, "D")  # a Thursday
    assert _days(dates) == [date(2024, 5, 3), date(2024, 5, 6), date(2024, 5, 7), date(2024, 5, 8)]
    assert dates.name == "date"


def test_daily_future_dates_after_a_saturday_start_on_monday() -> None:
    assert _days(future_dates(date(2024, 5, 4), 1, "D")) == [date(2024, 5, 6)]


def test_seven_day_daily_future_dates_keep_weekends() -> None:
    dates = future_dates(date(2024, 5, 3), 3, "D", business_days=False)
    assert _days(dates) == [date(2024, 5, 4), date(2024, 5, 5), date(2024, 5, 6)]


def test_weekly_future_dates_keep_the_weekday() -> None:
    dates = future_dates(date(2026, 5, 14), 3, "W")  # MORTGAGE30US reports on Thursdays
    assert _days(dates) == [date(2026, 5, 21), date(2026, 5, 28), date(2026, 6, 4)]
    assert _days(future_dates(date(2026, 5, 14), 1, "BW")) == [date(2026, 5, 28)]


def test_monthly_future_dates_are_month_starts_across_the_year_end() -> None:
    dates = future_dates(date(2024, 11, 1), 3, "M")
    assert _days(dates) == [date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]


def test_quarterly_future_dates_are_quarter_starts() -> None:
    dates = future_dates(date(2024, 7, 1), 3, "Q")
    assert _days(dates) == [date(2024, 10, 1), date(2025, 1, 1), date(2025, 4, 1)]


def test_semiannual_and_annual_future_dates() -> None:
    assert _days(future_dates(date(2023, 7, 1), 2, "SA")) == [date(2024, 1, 1), date(2024, 7, 1)]
    assert _days(future_dates(date(2023, 1, 1), 2, "A")) == [date(2024, 1, 1), date(2025, 1, 1)]


def test_period_future_dates_snap_an_off_grid_last_date_to_the_next_period() -> None:
    assert _days(future_dates(date(2024, 11, 15), 1, "M")) == [date(2024, 12, 1)]
    assert _days(future_dates(date(2024, 8, 20), 1, "Q")) == [date(2024, 10, 1)]


def test_default_horizons_per_frequency_and_override() -> None:
    horizons = {code: default_horizon(code) for code in ("D", "W", "M", "Q", "A")}
    assert horizons == {"D": 30, "W": 13, "M": 12, "Q": 8, "A": 5}
    assert default_horizon("M", 3) == 3
    with pytest.raises(ValueError):
        default_horizon("M", 0)


def test_daily_gaps_are_not_filled_and_a_long_gap_cuts_the_history() -> None:
    before = pd.bdate_range("2020-01-01", periods=100)
    after = pd.bdate_range(before[-1] + pd.offsets.BDay(60), periods=80)
    holiday_hole = after.delete([10, 11])  # a short gap: kept as is, not filled
    y = pd.Series(
        np.arange(len(before) + len(holiday_hole), dtype=float), index=before.append(holiday_hole)
    )
    prep = prepare_series(y, "D")
    assert len(prep.values) == len(holiday_hole)
    assert prep.values.index[0] == after[0]
    assert prep.business_days
    assert prep.notes and "gap" in prep.notes[0] and "100 earlier observations" in prep.notes[0]


def test_one_missing_month_is_interpolated_and_noted() -> None:
    index = pd.date_range("2020-01-01", periods=24, freq="MS")
    y = pd.Series(np.arange(24, dtype=float), index=index).drop(index[15])
    prep = prepare_series(y, "M")
    assert len(prep.values) == 24
    assert prep.values.iloc[15] == pytest.approx(15.0)
    assert any("interpolated 1" in n for n in prep.notes)


def test_sparse_early_monthly_history_is_cut_not_interpolated() -> None:
    quarterly_part = pd.date_range("1960-01-01", "1977-10-01", freq="QS")
    monthly_part = pd.date_range("1978-01-01", periods=60, freq="MS")
    y = pd.Series(1.0, index=quarterly_part.append(monthly_part))
    prep = prepare_series(y, "M")
    assert prep.values.index[0] == pd.Timestamp("1978-01-01")
    assert len(prep.values) == 60


def test_missing_and_duplicate_values_are_dropped() -> None:
    index = pd.DatetimeIndex(["2024-01-02", "2024-01-03", "2024-01-03", "2024-01-04"])
    y = pd.Series([1.0, np.nan, 2.0, np.inf], index=index)
    prep = prepare_series(y, "D")
    assert prep.values.to_list() == [1.0, 2.0]
