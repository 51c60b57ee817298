"""``Indicator.observations`` with transforms, aggregations and both together, on real series
built by dbt on both backends, against pandas computations from the CSV files alone."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from graphql_api.terms import Transform
from tests.support.analytics import (
    PER_YEAR,
    AnalyticsMarts,
    assert_columns_equal,
    fred_units,
    index_base,
    min_max_per_bucket,
    observed,
    resample,
    window,
)
from tests.support.api_data import gql

TRANSFORMS = [t.name for t in Transform]
#: native frequency code and year-ago rule of each series (mart_observation_transforms')
NATIVE = {
    "DGS10": ("D", "365d"),
    "CPIAUCSL": ("M", "12m"),
    "MORTGAGE30US": ("W", "364d"),
    "GDP": ("Q", "12m"),
}
AGGREGATIONS = {"AVG": "avg", "SUM": "sum", "EOP": "eop"}
CODES = {"WEEKLY": "W", "MONTHLY": "M", "QUARTERLY": "Q", "ANNUAL": "A"}


def observations_query(fields: dict[str, str]) -> str:
    """One request: ``indicator(id)`` with an aliased ``observations`` per entry."""
    aliased = "\n".join(
        f"{alias}: observations(start: $start, end: $end, {args}) {{ dates values }}"
        for alias, args in fields.items()
    )
    return f"""query($id: ID!, $start: Date, $end: Date) {{
      indicator(id: $id) {{ {aliased} }} }}"""


def fetch(
    client: TestClient, sid: str, fields: dict[str, str], start: date | None, end: date | None
) -> dict[str, dict[str, list]]:
    variables = {
        "id": sid,
        "start": start and start.isoformat(),
        "end": end and end.isoformat(),
    }
    body = gql(client, observations_query(fields), variables)
    assert "errors" not in body, body["errors"]
    found: dict[str, dict[str, list]] = body["data"]["indicator"]
    return found


def check(got: dict[str, list], want: pd.Series) -> None:
    assert_columns_equal(got["dates"], {"values": got["values"]}, want.to_frame("values"))


@pytest.mark.parametrize(
    ("sid", "start", "end"),
    [
        ("DGS10", date(2008, 6, 1), date(2012, 12, 31)),
        ("CPIAUCSL", None, None),
        ("MORTGAGE30US", date(2019, 1, 1), None),
        ("GDP", date(1990, 1, 1), date(2019, 12, 31)),
    ],
)
def test_every_transform_matches_pandas_over_the_whole_history(
    analytics_client: TestClient,
    marts: AnalyticsMarts,
    sid: str,
    start: date | None,
    end: date | None,
) -> None:
    """The window's first changes use observations before it (year-ago lookups, ZSCORE's
    whole-history mean): the pandas side transforms the whole history, then cuts."""
    found = fetch(analytics_client, sid, {t: f"transform: {t}" for t in TRANSFORMS}, start, end)
    code, year_back = NATIVE[sid]
    values = observed(marts.series[sid])
    base = index_base(marts.series[sid])
    for name in TRANSFORMS:
        want = fred_units(
            values, name, per_year=PER_YEAR[code], year_back=year_back, index_base=base
        )
        check(found[name], window(want, start, end))


@pytest.mark.parametrize(
    ("sid", "frequencies", "start", "end"),
    [
        ("DGS10", ["WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL"], date(1999, 11, 15), None),
        ("CPIAUCSL", ["QUARTERLY", "ANNUAL"], None, date(2001, 1, 1)),
        ("MORTGAGE30US", ["MONTHLY", "ANNUAL"], None, None),
    ],
)
def test_aggregations_match_pandas_resampling(
    analytics_client: TestClient,
    marts: AnalyticsMarts,
    sid: str,
    frequencies: list[str],
    start: date | None,
    end: date | None,
) -> None:
    """Periods by first day; a period is in the window when its first day is."""
    fields = {
        f"{freq}_{agg}": f"frequency: {freq}, aggregation: {agg}"
        for freq in frequencies
        for agg in AGGREGATIONS
    }
    found = fetch(analytics_client, sid, fields, start, end)
    for freq in frequencies:
        for agg, how in AGGREGATIONS.items():
            want = resample(marts.series[sid], CODES[freq], how)
            check(found[f"{freq}_{agg}"], window(want, start, end))


@pytest.mark.parametrize(
    ("sid", "frequency", "start"),
    [
        ("DGS10", "WEEKLY", date(2018, 1, 1)),
        ("DGS10", "MONTHLY", date(2005, 1, 1)),
        ("DGS10", "QUARTERLY", None),
        ("DGS10", "ANNUAL", None),
        ("MORTGAGE30US", "MONTHLY", None),
        ("MORTGAGE30US", "QUARTERLY", date(2000, 1, 1)),
        ("MORTGAGE30US", "ANNUAL", None),
        ("CPIAUCSL", "QUARTERLY", None),
        ("CPIAUCSL", "ANNUAL", date(1990, 1, 1)),
        ("GDP", "ANNUAL", None),
    ],
)
def test_every_transform_of_every_aggregation_matches_pandas(
    analytics_client: TestClient,
    marts: AnalyticsMarts,
    sid: str,
    frequency: str,
    start: date | None,
) -> None:
    """Every transform x aggregation to every frequency coarser than the series' own (the
    combinations no mart holds, computed by the API): aggregate first, then FRED's units at
    the target frequency (n periods per year, a year ago 12 months or 52 weeks back), over the
    aggregated whole history, INDEX100 against the native index's base. One request each."""
    fields = {
        f"{t}_{agg}": f"transform: {t}, frequency: {frequency}, aggregation: {agg}"
        for t in TRANSFORMS
        for agg in AGGREGATIONS
    }
    found = fetch(analytics_client, sid, fields, start, None)
    code = CODES[frequency]
    base = index_base(marts.series[sid])
    for agg, how in AGGREGATIONS.items():
        aggregated = resample(marts.series[sid], code, how)
        for name in TRANSFORMS:
            want = fred_units(
                aggregated,
                name,
                per_year=PER_YEAR[code],
                year_back="364d" if code == "W" else "12m",
                index_base=base,
            )
            check(found[f"{name}_{agg}"], window(want, start, None))


def test_native_frequency_means_no_aggregation(analytics_client: TestClient) -> None:
    fields = {
        "native": "transform: PC1",
        "same": "transform: PC1, frequency: MONTHLY, aggregation: SUM",
        "level": "frequency: MONTHLY, aggregation: EOP",
        "plain": "",
    }
    found = fetch(analytics_client, "CPIAUCSL", fields, date(2010, 1, 1), date(2012, 1, 1))
    assert found["same"] == found["native"]
    assert found["level"] == found["plain"]
    assert len(found["plain"]["dates"]) == 25


def test_max_points_keeps_50_years_of_daily_data_under_a_chart_width(
    analytics_client: TestClient,
) -> None:
    fields = {"full": "", "chart": "maxPoints: 1400"}
    found = fetch(analytics_client, "DGS10", fields, None, None)
    full, chart = found["full"], found["chart"]
    assert len(full["dates"]) > 15_000  # 1962 to today
    assert 1300 <= len(chart["dates"]) <= 1400
    assert chart["dates"][0] == full["dates"][0]
    assert chart["dates"][-1] == full["dates"][-1]
    by_date = dict(zip(full["dates"], full["values"], strict=True))
    assert all(by_date[d] == v for d, v in zip(chart["dates"], chart["values"], strict=True))
    assert chart["dates"] == sorted(chart["dates"])
    assert min(chart["values"]) == min(full["values"])
    assert max(chart["values"]) == max(full["values"])


def test_max_points_applies_after_a_transform_of_an_aggregation(
    analytics_client: TestClient,
) -> None:
    args = "transform: PC1, frequency: WEEKLY"
    found = fetch(
        analytics_client, "DGS10", {"full": args, "chart": f"{args}, maxPoints: 200"}, None, None
    )
    full, chart = found["full"], found["chart"]
    assert len(chart["dates"]) <= 200
    assert chart["dates"][0] == full["dates"][0] and chart["values"][0] is None  # no year ago
    assert chart["dates"][-1] == full["dates"][-1]
    by_date = dict(zip(full["dates"], full["values"], strict=True))
    assert all(by_date[d] == v for d, v in zip(chart["dates"], chart["values"], strict=True))
    assert max(v for v in chart["values"] if v is not None) == max(
        v for v in full["values"] if v is not None
    )


@pytest.mark.parametrize(
    ("sid", "args", "max_points"),
    [
        ("DGS10", "", 1400),
        ("DGS10", "transform: PC1", 1000),
        ("DGS10", "transform: PC1, frequency: WEEKLY", 200),
        ("MORTGAGE30US", "transform: CHG, frequency: MONTHLY, aggregation: EOP", 97),
        ("CPIAUCSL", "transform: PCA", 7),
    ],
)
def test_max_points_keeps_what_pandas_picks_per_bucket(
    analytics_client: TestClient, sid: str, args: str, max_points: int
) -> None:
    """The downsampled series is exactly the points the documented rule picks (pandas
    ``cut``/``groupby`` over the full answer, itself checked against pandas above), with and
    without NULLs (a year-ago change has a year of them at the start)."""
    sep = ", " if args else ""
    fields = {"full": args or "transform: LEVEL", "chart": f"{args}{sep}maxPoints: {max_points}"}
    found = fetch(analytics_client, sid, fields, None, None)
    full = pd.Series(
        [float("nan") if v is None else v for v in found["full"]["values"]],
        index=pd.to_datetime(found["full"]["dates"]),
    )
    assert len(full) > max_points
    want = min_max_per_bucket(full, max_points)
    check(found["chart"], want)
    assert len(found["chart"]["dates"]) <= max_points
