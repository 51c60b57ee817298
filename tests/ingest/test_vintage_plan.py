"""The vintage rules as pure functions: FRED's value text, row checks, new and revised vintages."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.series_data import FredObservation
from ingest.vintage_plan import ObsRow, parse_fred_value, plan_history, plan_vintages, to_rows


@pytest.mark.parametrize(
    ("text", "value"),
    [(".", None), ("4.06", 4.06), ("-0.5", -0.5), (" 21.480 ", 21.48), ("0", 0.0)],
)
def test_parse_fred_value_maps_dot_to_none_and_numbers_to_floats(
    text: str, value: float | None
) -> None:
    assert parse_fred_value(text) == value


@pytest.mark.parametrize("text", ["", "n/a", "1,234.5", "nan", "inf"])
def test_parse_fred_value_rejects_non_numeric_text(text: str) -> None:
    with pytest.raises(ValueError, match="FRED value"):
        parse_fred_value(text)


def test_plan_vintages_keeps_only_new_dates_and_changed_values() -> None:
    d1, d2, d3 = date(2020, 1, 1), date(2020, 4, 1), date(2020, 7, 1)
    day1, day2 = date(2024, 1, 1), date(2024, 1, 2)
    latest = {d1: (day1, 1.0), d2: (day1, None)}
    incoming = [
        ObsRow(d1, day2, day2, 1.0),
        ObsRow(d2, day2, day2, 2.0),
        ObsRow(d3, day2, day2, None),
    ]
    inserts, updates = plan_vintages(incoming, latest)
    assert [r.obs_date for r in inserts] == [d2, d3]
    assert updates == []
    same_day = [ObsRow(d1, day1, day1, 1.5), ObsRow(d2, day1, day1, None)]
    assert plan_vintages(same_day, latest) == ([], [same_day[0]])
    older = [ObsRow(d1, date(2023, 1, 1), day1, 9.0)]
    assert plan_vintages(older, latest) == ([], [])


def test_plan_history_merges_past_vintages_into_each_dates_timeline() -> None:
    d, end = date(2020, 1, 1), date(9999, 12, 31)
    jan, feb, mar, apr = (date(2024, m, 1) for m in (1, 2, 3, 4))
    stored = {d: {mar: 5.0}}
    incoming = [ObsRow(d, jan, jan, 4.0), ObsRow(d, feb, feb, 4.0), ObsRow(d, mar, end, 5.0)]
    inserts, updates = plan_history(incoming, stored)
    # feb repeats jan's value; mar is stored with the same value.
    assert (inserts, updates) == ([incoming[0]], [])
    # A past vintage equal to the stored one after it is still new history: it is inserted.
    assert plan_history([ObsRow(d, feb, feb, 5.0)], stored) == ([ObsRow(d, feb, feb, 5.0)], [])
    # A vintage between two stored ones is compared with the one before it.
    two = {d: {jan: 1.0, mar: 3.0}}
    assert plan_history([ObsRow(d, feb, feb, 1.0)], two) == ([], [])
    assert plan_history([ObsRow(d, feb, feb, 2.0)], two) == ([ObsRow(d, feb, feb, 2.0)], [])
    # A re-sent stored vintage with another value corrects it; None is a value like any other.
    assert plan_history([ObsRow(d, jan, feb, None)], two) == ([], [ObsRow(d, jan, feb, None)])
    assert plan_history([ObsRow(d, apr, end, 3.0)], two) == ([], [])


def test_to_rows_orders_vintages_per_date() -> None:
    raw = [
        FredObservation(date(2020, 1, 1), date(2021, 1, 1), date(9999, 12, 31), "2"),
        FredObservation(date(2020, 1, 1), date(2020, 2, 1), date(2020, 12, 31), "."),
    ]
    assert [(r.realtime_start, r.value) for r in to_rows(raw)] == [
        (date(2020, 2, 1), None),
        (date(2021, 1, 1), 2.0),
    ]
