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

#: grain: one row per series x observation date of ``OBSERVATIONS``; FRED's units transforms.
OBSERVATION_TRANSFORMS = "mart_observation_transforms"
#: The value columns of ``OBSERVATION_TRANSFORMS`` (``value`` is the level).
TRANSFORM_VALUE_COLUMNS = (
    "value",
    "chg",
    "ch1",
    "pch",
    "pc1",
    "pca",
    "cch",
    "cca",
    "log_value",
    "zscore",
    "minmax",
    "index_100",
)
#: grain: one row per series x target frequency (W, M, Q, A) x period, empty periods included.
OBSERVATIONS_RESAMPLED = "mart_observations_resampled"
RESAMPLED_FREQUENCIES = ("W", "M", "Q", "A")
RESAMPLED_VALUE_COLUMNS = ("value_avg", "value_sum", "value_eop")
#: grain: one row per daily series x observation date; trailing technical indicators.
DAILY_TECHNICALS = "mart_daily_technicals"
#: The native ``frequency_short`` of the only series ``DAILY_TECHNICALS`` and ``CANDLES`` cover.
DAILY_MART_FREQUENCY = "D"
TECHNICAL_COLUMNS = (
    "sma_20",
    "sma_50",
    "sma_200",
    "volatility_21",
    "volatility_63",
    "bollinger_upper",
    "bollinger_mid",
    "bollinger_lower",
)
#: grain: one row per daily series x period (W, M) x period start, non-empty periods only.
CANDLES = "mart_candles"
CANDLE_PERIODS = ("W", "M")
CANDLE_COLUMNS = ("open_value", "high_value", "low_value", "close_value")
#: grain: one row per series x window (``WINDOW_NAMES``); statistics inside the window.
SERIES_WINDOW_STATS = "mart_series_window_stats"
#: The windows of ``SERIES_WINDOW_STATS`` in the order the API lists them.
WINDOW_NAMES = ("full", "1y", "5y", "10y")
WINDOW_STATS_COLUMNS = (
    "series_id",
    "window_name",
    "window_start",
    "window_end",
    "n_obs",
    "mean",
    "variance",
    "stddev",
    "min_value",
    "max_value",
    "first_value",
    "last_value",
    "change_value",
    "first_obs_date",
    "last_obs_date",
)

#: grain: one row per series pair (``series_a < series_b``) x basis x window (full, 1y, 5y, 10y
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
