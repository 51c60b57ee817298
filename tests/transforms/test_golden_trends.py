"""Golden test for ``mart_series_trends``: every column of every real series recomputed from the
FRED CSVs with pandas alone (``tests.support.trends``), compared within 1e-9 relative on DuckDB
and MariaDB. The default fill policy is none, so the mart's values are the CSV's non-missing ones.
"""

from __future__ import annotations

import pandas as pd

from tests.support.dbt import RealMarts, assert_columns_close
from tests.support.trends import expected_trend

TREND_NUMBERS = [
    "latest_value",
    "change_1d",
    "change_1w",
    "change_1m",
    "change_3m",
    "change_1y",
    "change_ytd",
    "pct_change_1y",
    "high_52w",
    "low_52w",
    "n_obs_1y",
    "zscore_1y",
]


def test_trends_match_pandas_for_every_series(real_marts: RealMarts) -> None:
    got = real_marts.frame(
        "select series_id, latest_date, " + ", ".join(TREND_NUMBERS) + " from mart_series_trends"
    )
    want = pd.DataFrame(
        [
            expected_trend(sid, values)
            for sid, values in real_marts.series.items()
            if values.notna().any()
        ]
    )
    assert_columns_close(got, want, ["series_id"], TREND_NUMBERS)
    assert got.set_index("series_id")["latest_date"].sort_index().tolist() == (
        want.set_index("series_id")["latest_date"].sort_index().tolist()
    )


def test_trends_cover_every_horizon_rule_on_real_series(real_marts: RealMarts) -> None:
    """The real data exercise the rules the docs state, not only the easy case: a series
    whose previous observation is more than a week back (monthly and slower series: 1d and
    1w compare with the same base), and daily series whose 1d base is not the day before."""
    frame = real_marts.frame(
        "select series_id, latest_date, change_1d, change_1w, change_1m from mart_series_trends"
    ).set_index("series_id")
    slow = [s for s, f in real_marts.frequency.items() if f in ("M", "Q") and s in frame.index]
    assert slow
    for sid in slow:
        assert frame.loc[sid, "change_1d"] == frame.loc[sid, "change_1w"]
    daily = [s for s, f in real_marts.frequency.items() if f == "D" and s in frame.index]
    assert any(frame.loc[s, "change_1d"] != frame.loc[s, "change_1w"] for s in daily)
