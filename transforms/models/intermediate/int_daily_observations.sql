-- grain: one row per daily series (stg_fred__series.frequency_short = 'D', business-day and
-- 7-day daily alike) × observation date of mart_observations: the series' values after the
-- fill policy. The one place that says which series are daily, for mart_daily_technicals,
-- mart_candles and int_series_pairs_aligned's `daily` basis.
-- Primary key (obs_date, series_id) on MySQL, in that order so int_series_pairs_aligned's
-- self-join on the date is an index lookup (the marts' windows sort by series anyway).

{{ config(post_hook="{{ primary_key(['obs_date', 'series_id']) }}") }}

with

observations as (
    select * from {{ ref('mart_observations') }}
),

series as (
    select * from {{ ref('stg_fred__series') }}
),

daily_series as (
    select series_id
    from series
    where frequency_short = 'D'
),

final as (
    select
        observations.series_id,
        observations.obs_date,
        observations.value
    from observations
    inner join daily_series
        on observations.series_id = daily_series.series_id
)

select * from final
