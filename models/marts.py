"""Names and columns of the dbt marts (in ``transforms/``) that Python reads.

dbt owns these relations; this module is the one place the Python side spells their names,
so a rename in dbt fails loudly in one spot. "Models" here are dbt models.
"""

from __future__ import annotations

#: grain: one row per series and observation date with a value (latest vintage, after the
#: series' fill policy).
OBSERVATIONS = "mart_observations"
#: grain: one row per series; full-history statistics.
SERIES_STATS = "mart_series_stats"
#: grain: one row per series; metadata and freshness.
DIM_SERIES = "dim_series"

#: ``is_filled``: the value was filled by the series' missing-value policy (catalog ``fill``).
OBSERVATION_COLUMNS = ("series_id", "obs_date", "value", "is_filled")
DIM_SERIES_COLUMNS = (
    "series_id",
    "title",
    "units",
    "units_short",
    "frequency",
    "frequency_short",
    "seasonal_adjustment",
    "first_obs_date",
    "last_obs_date",
    "n_obs",
    "last_ingested_at",
)
STATS_COLUMNS = (
    "series_id",
    "n_obs",
    "mean",
    "variance",
    "stddev",
    "min_value",
    "max_value",
    "first_obs_date",
    "last_obs_date",
)

#: grain: one row per series pair (``series_a < series_b``) × basis × window (full, 1y, 5y, 10y
#: ending at the pair's last common point): Pearson correlation of the pair's aligned values.
CORRELATIONS = "mart_correlations"
CORRELATION_COLUMNS = (
    "series_a",
    "series_b",
    "basis",
    "window_name",
    "correlation",
    "n_obs",
    "start_date",
    "end_date",
)
#: The native ``frequency_short`` of the series the ``monthly`` correlation basis averages by
#: calendar month (dbt's ``int_monthly_values``); slower series take no part in it.
MONTHLY_BASIS_FREQUENCIES = ("D", "W", "BW", "M")
#: grain: one row per series with a value: latest value, changes over standard horizons,
#: 52-week range and 1-year z-score ("market movers").
SERIES_TRENDS = "mart_series_trends"
TREND_COLUMNS = (
    "series_id",
    "latest_date",
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
)
