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
