-- Cross-mart consistency: dim_series and mart_series_stats agree on counts and dates, each
-- series' date span is ordered, and its mean lies within [min, max] (up to rounding).
-- Returns offending series; empty means pass.

with

stats as (
    select * from {{ ref('mart_series_stats') }}
),

dim as (
    select * from {{ ref('dim_series') }}
),

final as (
    select
        stats.series_id,
        stats.n_obs,
        dim.n_obs as dim_n_obs
    from stats
    inner join dim
        on stats.series_id = dim.series_id
    where
        stats.n_obs <> dim.n_obs
        or stats.first_obs_date <> dim.first_obs_date
        or stats.last_obs_date <> dim.last_obs_date
        or stats.first_obs_date > stats.last_obs_date
        or stats.mean < stats.min_value - 1e-9 * (abs(stats.min_value) + 1)
        or stats.mean > stats.max_value + 1e-9 * (abs(stats.max_value) + 1)
)

select * from final
