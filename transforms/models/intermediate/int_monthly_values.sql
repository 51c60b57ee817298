-- grain: one row per series × calendar month holding at least one value, for series observed
-- monthly or more often (frequency_short D, W, BW, M): the monthly average that aligns series
-- of different native frequencies for mart_correlations' `monthly` basis.

{{ config(
    materialized='table',
    post_hook="{{ primary_key(['month_start', 'series_id']) }}"
) }}

with

observations as (
    select * from {{ ref('mart_observations') }}
),

series as (
    select * from {{ ref('stg_fred__series') }}
),

monthly_or_finer as (
    select series_id
    from series
    where frequency_short in ('D', 'W', 'BW', 'M')
),

averaged as (
    select
        observations.series_id,
        {{ period_start('month', 'observations.obs_date') }} as month_start,
        count(*) as n_obs,
        {{ cast_double('avg(observations.value)') }} as value
    from observations
    inner join monthly_or_finer
        on observations.series_id = monthly_or_finer.series_id
    group by
        observations.series_id,
        {{ period_start('month', 'observations.obs_date') }}
),

final as (
    select
        series_id,
        month_start,
        n_obs,
        value
    from averaged
)

select * from final
