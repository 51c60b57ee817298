"""One frequency rule for every layer (``models.calendar``): the calendar itself, ingest's
label of a series known only by its dates, and the frequency and season the forecast picks,
fed the same dates, agree, on edge spacings, irregular series and the real FRED files."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.base import SeriesSpec
from forecasting.prepare import prepare_series, series_frequency
from ingest.fred_facts import facts_for
from ingest.series_data import read_series_csv, series_info_from_facts
from models.calendar import (
    SEASON_LENGTHS,
    SPACING_LIMITS,
    UnknownFrequencyError,
    infer_frequency,
    is_seven_day,
    normalize_frequency,
    seasonal_period,
)


def _ingest_label(dates: list[date]) -> tuple[str, str]:
    """How ingest labels a series it knows only by its dates (the sandbox, a CSV import)."""
    info = series_info_from_facts(
        "TEST", dates, facts_for("TEST"), last_updated="", popularity=0, notes=""
    )
    return info.frequency, info.frequency_short


def _forecast_spec(dates: list[date], label: str | None) -> SeriesSpec:
    """How the forecast picks its calendar: the label (or inference), then the prepared
    series' business-day choice and the season."""
    index = pd.DatetimeIndex(dates)
    y = pd.Series(np.linspace(10.0, 20.0, len(dates)), index=index)
    prep = prepare_series(y, series_frequency(label, index))
    return SeriesSpec.of(prep.freq, business_days=prep.business_days)


def _assert_all_paths_agree(dates: list[date], code: str, name: str | None = None) -> None:
    assert infer_frequency(dates) == code
    long_name, short = _ingest_label(dates)
    assert short == code
    if name is not None:
        assert long_name == name
    inferred = _forecast_spec(dates, None)
    assert inferred == _forecast_spec(dates, short)  # the marts' short code
    assert inferred == _forecast_spec(dates, long_name)  # and its long name
    assert inferred.freq == code
    seven_day = long_name == "Daily, 7-Day"
    assert inferred.business_days is not seven_day
    assert inferred.season == seasonal_period(code, business_days=not seven_day)


def _spaced(days: int, n: int = 40, start: date = date(2001, 1, 4)) -> list[date]:
    return [start + timedelta(days=days * k) for k in range(n)]


EDGE_SPACINGS = {
    7: "W",
    14: "BW",
    28: "M",
    29: "M",
    30: "M",
    31: "M",
    35: "M",
    36: "M",
    40: "M",
    45: "M",
    46: "M",
    85: "Q",
    90: "Q",
    92: "Q",
    95: "Q",
    100: "Q",
}
#: Each limit and the day after it: the last spacing of one frequency, the first of the next.
LIMIT_SPACINGS = {
    1: "D",
    4: "D",
    5: "W",
    10: "W",
    11: "BW",
    21: "BW",
    22: "M",
    60: "M",
    61: "Q",
    136: "Q",
    137: "SA",
    274: "SA",
    275: "A",
    365: "A",
    548: "A",
}


@pytest.mark.parametrize(("days", "code"), sorted({**EDGE_SPACINGS, **LIMIT_SPACINGS}.items()))
def test_every_layer_gives_a_spacing_the_same_frequency(days: int, code: str) -> None:
    _assert_all_paths_agree(_spaced(days), code)


def test_spacing_limits_lie_halfway_between_real_fred_spacings() -> None:
    assert SPACING_LIMITS == (
        (4.0, "D"),
        (10.5, "W"),
        (21.0, "BW"),
        (60.5, "M"),
        (136.5, "Q"),
        (274.5, "SA"),
        (548.0, "A"),
    )


def test_a_spacing_beyond_annual_has_no_frequency_anywhere() -> None:
    dates = _spaced(549)
    with pytest.raises(UnknownFrequencyError, match="549 days"):
        infer_frequency(dates)
    assert _ingest_label(dates) == ("Not Applicable", "NA")
    with pytest.raises(UnknownFrequencyError):
        series_frequency(None, pd.DatetimeIndex(dates))
    with pytest.raises(UnknownFrequencyError, match="fewer than 2"):
        infer_frequency(dates[:1])
    assert _ingest_label(dates[:1]) == ("Not Applicable", "NA")


def _business_days(start: str, n: int) -> list[date]:
    return [ts.date() for ts in pd.bdate_range(start, periods=n)]


def test_irregular_series_with_gaps_agree_on_every_layer() -> None:
    holidays = _business_days("2024-01-01", 300)
    del holidays[100:103], holidays[10]  # a holiday and a three-day outage
    _assert_all_paths_agree(holidays, "D", "Daily")
    calendar_days = [date(2024, 1, 1) + timedelta(days=k) for k in range(200)]
    _assert_all_paths_agree(calendar_days, "D", "Daily, 7-Day")
    # a business-day series with the odd weekend date (FRED's BAMLH0A0HYM2 has 1.3 %)
    odd_weekend = sorted([*_business_days("2024-01-01", 300), date(2024, 3, 2), date(2024, 6, 8)])
    _assert_all_paths_agree(odd_weekend, "D", "Daily")
    thursdays = _spaced(7, 60)
    thursdays[20] -= timedelta(days=1)  # a holiday week published on Wednesday
    del thursdays[40]  # a week never published
    _assert_all_paths_agree(thursdays, "W", "Weekly, Ending Thursday")
    months = [ts.date() for ts in pd.date_range("2015-01-01", periods=60, freq="MS")]
    _assert_all_paths_agree(months[:30] + months[31:], "M", "Monthly")  # one month missing
    quarterly_then_monthly = [
        *(ts.date() for ts in pd.date_range("1960-01-01", "1977-10-01", freq="QS")),
        *(ts.date() for ts in pd.date_range("1978-01-01", periods=120, freq="MS")),
    ]  # UMCSENT's history
    _assert_all_paths_agree(quarterly_then_monthly, "M", "Monthly")
    quarters = [ts.date() for ts in pd.date_range("1990-01-01", periods=40, freq="QS")]
    _assert_all_paths_agree(quarters[:20] + quarters[21:], "Q", "Quarterly")


def _published_frequencies(real_data_dir: Path) -> dict[str, tuple[str, str]]:
    """series id -> (FRED's long name, code) from the ``freq`` column of the files' provenance
    table ("Daily", "Daily (7-day)", "Weekly (Thursday)", "Monthly", "Quarterly")."""
    out: dict[str, tuple[str, str]] = {}
    for line in (real_data_dir / "SOURCES.md").read_text().splitlines():
        match = re.match(r"\| (\w+)\.csv \| (\w+)(?: \(([^)]+)\))? \|", line)
        if match:
            sid, base, detail = match.groups()
            name = {"7-day": f"{base}, 7-Day", None: base}.get(detail, f"{base}, Ending {detail}")
            out[sid] = (name, normalize_frequency(base))
    return out


def test_real_fred_series_get_their_published_frequency_on_every_layer(
    real_data_dir: Path,
) -> None:
    published = _published_frequencies(real_data_dir)
    assert len(published) >= 20
    assert published["DFF"] == ("Daily, 7-Day", "D")
    assert published["MORTGAGE30US"] == ("Weekly, Ending Thursday", "W")
    for sid, (name, code) in published.items():
        rows = read_series_csv(real_data_dir / f"{sid}.csv")
        dates = [d for d, _ in rows]  # the sandbox labels a file by all its dates
        _assert_all_paths_agree(dates, code, name)
        valued = [d for d, v in rows if v != "."]  # the marts hold dates with a value
        assert _forecast_spec(valued, None).freq == code, sid


def test_frequency_names_normalise_and_unknown_ones_fail_clearly() -> None:
    assert normalize_frequency("Weekly, Ending Friday") == "W"
    assert normalize_frequency("Daily, 7-Day") == "D"
    assert normalize_frequency(" q ") == "Q"
    with pytest.raises(UnknownFrequencyError, match="'Fortnightly'"):
        normalize_frequency("Fortnightly")


def test_infer_frequency_from_spacing() -> None:
    assert infer_frequency(pd.bdate_range("2024-01-01", periods=30)) == "D"
    assert infer_frequency(pd.date_range("2024-01-04", periods=10, freq="7D")) == "W"
    assert infer_frequency(pd.date_range("2020-01-01", periods=10, freq="MS")) == "M"
    assert infer_frequency(pd.date_range("2020-01-01", periods=10, freq="QS")) == "Q"
    assert infer_frequency(pd.date_range("2000-01-01", periods=10, freq="YS")) == "A"


def test_seven_day_detection() -> None:
    assert is_seven_day(pd.date_range("2024-01-01", periods=60, freq="D"))
    assert not is_seven_day(pd.bdate_range("2024-01-01", periods=60))


def test_every_frequency_but_annual_has_a_season() -> None:
    assert set(SEASON_LENGTHS) == {"D", "W", "BW", "M", "Q", "SA"}
    assert seasonal_period("A") is None
    assert seasonal_period("D", business_days=False) == 7
