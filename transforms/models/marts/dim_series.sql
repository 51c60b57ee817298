-- grain: one row per series in raw_series: descriptive metadata plus freshness.
-- A series without any value yet keeps its row with n_obs = 0 and NULL dates.

{{ config(post_hook="{{ primary_key(['series_id']) }}") }}

with

series as (
    select * from {{ ref('stg_fred__series') }}
),

stats as (
    select * from {{ ref('mart_series_stats') }}
),

vintages as (
    select * from {{ ref('stg_fred__observation_vintages') }}
),

ingestion as (
    select
        series_id,
        max(ingested_at) as last_ingested_at
    from vintages
    group by series_id
),

final as (
    select
        series.series_id,
        series.title,
        series.units,
        series.units_short,
        series.frequency,
        series.frequency_short,
        series.seasonal_adjustment,
        stats.first_obs_date,
        stats.last_obs_date,
        coalesce(stats.n_obs, 0) as n_obs,
        ingestion.last_ingested_at
    from series
    left join stats
        on series.series_id = stats.series_id
    left join ingestion
        on series.series_id = ingestion.series_id
)

select * from final
