"""``Indicator.technicals``, ``candles`` and ``windowStats`` on real series built by dbt on both
backends, against pandas computations from the CSV files alone."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.support.analytics import (
    AnalyticsMarts,
    assert_columns_equal,
    candles,
    technicals,
    window,
    window_stats,
)
from tests.support.api_data import gql
from tests.support.dbt import close

TECHNICALS = [
    "sma20",
    "sma50",
    "sma200",
    "volatility21",
    "volatility63",
    "bollingerUpper",
    "bollingerMiddle",
    "bollingerLower",
]


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, date(1963, 6, 30)), (date(2019, 12, 1), date(2021, 3, 31))],
)
def test_technicals_match_pandas_rolling_windows(
    analytics_client: TestClient, marts: AnalyticsMarts, start: date | None, end: date | None
) -> None:
    """The series' start (windows filling up: null, then values) and a window in the middle
    (windows reaching before it)."""
    query = f"""query($start: Date, $end: Date) {{ indicator(id: "DGS10") {{
        technicals(start: $start, end: $end) {{ dates {" ".join(TECHNICALS)} }} }} }}"""
    variables = {"start": start and start.isoformat(), "end": end and end.isoformat()}
    body = gql(analytics_client, query, variables)
    assert "errors" not in body, body
    got = body["data"]["indicator"]["technicals"]
    want = window(technicals(marts.series["DGS10"]), start, end)
    assert_columns_equal(got["dates"], {c: got[c] for c in TECHNICALS}, want)
    first_sma200_defined = got["sma200"][0] is not None
    assert first_sma200_defined == (start is not None)


@pytest.mark.parametrize(("frequency", "code"), [("WEEKLY", "W"), ("MONTHLY", "M")])
def test_candles_match_pandas_ohlc(
    analytics_client: TestClient, marts: AnalyticsMarts, frequency: str, code: str
) -> None:
    start, end = date(2001, 9, 1), date(2002, 3, 31)
    query = f"""{{ indicator(id: "DGS10") {{
        candles(frequency: {frequency}, start: "{start}", end: "{end}") {{
            dates open high low close }} }} }}"""
    body = gql(analytics_client, query)
    assert "errors" not in body, body
    got = body["data"]["indicator"]["candles"]
    want = window(candles(marts.series["DGS10"], code), start, end)
    assert_columns_equal(got["dates"], {c: got[c] for c in ("open", "high", "low", "close")}, want)


def test_candles_are_monthly_by_default(analytics_client: TestClient) -> None:
    query = """{ indicator(id: "DGS10") { a: candles(start: "2020-01-01", end: "2020-12-31") {
        dates close } b: candles(frequency: MONTHLY, start: "2020-01-01", end: "2020-12-31") {
        dates close } } }"""
    found = gql(analytics_client, query)["data"]["indicator"]
    assert found["a"] == found["b"]
    assert found["a"]["dates"] == [f"2020-{m:02d}-01" for m in range(1, 13)]


@pytest.mark.parametrize("sid", ["DGS10", "CPIAUCSL", "MORTGAGE30US", "GDP"])
def test_window_stats_match_pandas(
    analytics_client: TestClient, marts: AnalyticsMarts, sid: str
) -> None:
    fields = (
        "window windowStart windowEnd count mean variance stddev min max firstValue lastValue "
        "change start end"
    )
    body = gql(analytics_client, f'{{ indicator(id: "{sid}") {{ windowStats {{ {fields} }} }} }}')
    assert "errors" not in body, body
    got = body["data"]["indicator"]["windowStats"]
    want = window_stats(marts.series[sid])
    assert [g["window"] for g in got] == ["full", "1y", "5y", "10y"]
    for g, w in zip(got, want, strict=True):
        for name, expected in w.items():
            if isinstance(expected, date):
                expected = expected.isoformat()
            elif not isinstance(expected, str):
                expected = float(expected) if not pd.isna(expected) else None
            assert close(g[name], expected), (sid, g["window"], name, g[name], expected)


@pytest.mark.parametrize("max_points", [2, 300, 1500])
def test_technicals_max_points_keeps_evenly_spaced_rows_of_the_full_answer(
    analytics_client: TestClient, marts: AnalyticsMarts, max_points: int
) -> None:
    """The rows kept are the documented positions round(k (n - 1) / (maxPoints - 1)) of the
    window, computed here with Python's own arithmetic, and their values are pandas'."""
    start, end = date(2010, 1, 1), date(2019, 12, 31)
    query = f"""query($m: Int) {{ indicator(id: "DGS10") {{
        technicals(start: "{start}", end: "{end}", maxPoints: $m) {{
            dates {" ".join(TECHNICALS)} }} }} }}"""
    body = gql(analytics_client, query, {"m": max_points})
    assert "errors" not in body, body
    got = body["data"]["indicator"]["technicals"]
    want = window(technicals(marts.series["DGS10"]), start, end)
    n = len(want)
    assert n > 1500, "the window must be longer than every budget tested"
    positions = [round(k * (n - 1) / (max_points - 1)) for k in range(max_points)]
    assert len(got["dates"]) == max_points
    assert_columns_equal(got["dates"], {c: got[c] for c in TECHNICALS}, want.iloc[positions])


def test_technicals_max_points_above_the_rows_returns_them_all(
    analytics_client: TestClient,
) -> None:
    query = """{ indicator(id: "DGS10") {
        all: technicals(start: "2020-01-01", end: "2020-03-31") { dates sma20 }
        capped: technicals(start: "2020-01-01", end: "2020-03-31", maxPoints: 1000) {
            dates sma20 } } }"""
    found = gql(analytics_client, query)["data"]["indicator"]
    assert found["all"] == found["capped"] and len(found["all"]["dates"]) > 50
