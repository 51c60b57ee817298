-- grain: one row per series with at least one value; statistics over its full history
-- (latest vintage, missing values excluded). variance/stddev are sample (n - 1) statistics.

{{ config(post_hook="{{ primary_key(['series_id']) }}") }}

with

observations as (
    select * from {{ ref('mart_observations') }}
),

aggregated as (
    select
        series_id,
        {{ summary_statistics() }}
    from observations
    group by series_id
),

final as (
    select
        series_id,
        n_obs,
        mean,
        variance,
        stddev,
        min_value,
        max_value,
        first_obs_date,
        last_obs_date
    from aggregated
)

select * from final
