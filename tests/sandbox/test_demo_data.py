"""The synthetic demo series: deterministic, FRED-shaped, honestly labelled."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from ingest.series_data import read_series_csv
from models.calendar import describe_frequency
from sandbox import demo_data
from sandbox.demo_data import demo_series, us_market_holidays, write_demo_csvs


def test_demo_series_are_deterministic() -> None:
    first = {k: v.observations for k, v in demo_series().items()}
    demo_series.cache_clear()
    demo_data._bond_rates.cache_clear()
    assert {k: v.observations for k, v in demo_series().items()} == first


def test_demo_series_say_they_are_synthetic() -> None:
    series = demo_series()
    assert set(series) == {"DGS10", "DGS2", "DFF", "SP500", "DEXUSEU", "UNRATE", "CPIAUCSL", "GDP"}
    for data in series.values():
        assert "SYNTHETIC" in data.info.notes
        assert data.info.observation_start == data.observations[0][0]
        assert data.info.observation_end == data.observations[-1][0]


def test_business_day_series_keep_holiday_rows_as_missing() -> None:
    dgs10 = dict(demo_series()["DGS10"].observations)
    sp500 = dict(demo_series()["SP500"].observations)
    assert dgs10[date(2024, 12, 25)] == "." and dgs10[date(2024, 7, 4)] == "."
    assert dgs10[date(2024, 10, 14)] == "."  # Columbus Day: bond market closed
    assert sp500[date(2024, 10, 14)] != "."  # ...stock market open
    assert sp500[date(2024, 3, 29)] == "."  # Good Friday
    assert all(d.weekday() < 5 for d in dgs10)
    assert dgs10[date(2024, 12, 24)] != "."
    missing_share = sum(v == "." for v in dgs10.values()) / len(dgs10)
    assert 0.03 < missing_share < 0.05


def test_demo_frequencies_and_value_formats_look_like_fred() -> None:
    series = demo_series()
    assert [(s, series[s].info.frequency_short) for s in ("DGS10", "DFF", "UNRATE", "GDP")] == [
        ("DGS10", "D"),
        ("DFF", "D"),
        ("UNRATE", "M"),
        ("GDP", "Q"),
    ]
    assert all(d.day == 1 for d, _ in series["CPIAUCSL"].observations)
    assert all(d.month in (1, 4, 7, 10) for d, _ in series["GDP"].observations)
    dff_dates = [d for d, _ in series["DFF"].observations]
    assert dff_dates == [dff_dates[0] + timedelta(days=i) for i in range(len(dff_dates))]
    unrate = [float(v) for _, v in series["UNRATE"].observations if v != "."]
    assert min(unrate) >= 2.5 and max(unrate) <= 15.5
    assert all(len(v.split(".")[1]) == 3 for _, v in series["CPIAUCSL"].observations if v != ".")


def test_demo_csvs_round_trip(tmp_path: Path) -> None:
    paths = write_demo_csvs(tmp_path / "demo")
    assert sorted(p.name for p in paths) == sorted(f"{s}.csv" for s in demo_series())
    gdp = tmp_path / "demo" / "GDP.csv"
    assert gdp.read_text().startswith("date,value\n1980-01-01,")
    assert tuple(read_series_csv(gdp)) == demo_series()["GDP"].observations


def test_holiday_calendar_observes_weekend_holidays() -> None:
    assert date(2021, 12, 24) in us_market_holidays(2021, "bond")  # Christmas on a Saturday
    assert date(2022, 12, 26) in us_market_holidays(2022, "stock")  # ...on a Sunday
    assert date(2025, 11, 27) in us_market_holidays(2025, "stock")  # Thanksgiving


def test_infer_frequency_reads_the_calendar() -> None:
    thursdays = [date(2024, 1, 4) + timedelta(weeks=i) for i in range(10)]
    assert describe_frequency(thursdays) == ("Weekly, Ending Thursday", "W")
    assert describe_frequency([date(2000 + i, 1, 1) for i in range(5)]) == ("Annual", "A")
    assert describe_frequency([date(2024, 1, 1)]) == ("Not Applicable", "NA")
