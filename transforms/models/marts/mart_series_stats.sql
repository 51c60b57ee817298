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
        count(value) as n_obs,
        {{ cast_double('avg(value)') }} as mean,
        {{ sample_variance('value') }} as variance,
        {{ sample_stddev('value') }} as stddev,
        min(value) as min_value,
        max(value) as max_value,
        min(obs_date) as first_obs_date,
        max(obs_date) as last_obs_date
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
