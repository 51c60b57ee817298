-- grain: one row per basis × series pair (series_a < series_b) × point date both series have:
--   daily:   two daily series (int_daily_observations) on an observation date both have a value;
--   monthly: two series observed monthly or more often (int_monthly_values) on a month both
--            have (point_date = the month's first day).
-- The aligned points mart_correlations reads three times (pair end, the anchor values at it, the
-- windows' sums): a table, so MariaDB joins the ~700k daily points once instead of once per read.

{{ config(
    materialized='table',
    post_hook="{{ primary_key(['basis', 'series_a', 'series_b', 'point_date']) }}"
) }}

with

daily_observations as (
    select * from {{ ref('int_daily_observations') }}
),

monthly_values as (
    select * from {{ ref('int_monthly_values') }}
),

daily_pairs as (
    select
        'daily' as basis,
        a.series_id as series_a,
        b.series_id as series_b,
        a.obs_date as point_date,
        a.value as x,
        b.value as y
    from daily_observations as a
    inner join daily_observations as b
        on a.obs_date = b.obs_date
        and a.series_id < b.series_id
),

monthly_pairs as (
    select
        'monthly' as basis,
        a.series_id as series_a,
        b.series_id as series_b,
        a.month_start as point_date,
        a.value as x,
        b.value as y
    from monthly_values as a
    inner join monthly_values as b
        on a.month_start = b.month_start
        and a.series_id < b.series_id
),

unioned as (
    select * from daily_pairs
    union all
    select * from monthly_pairs
),

final as (
    select
        {{ cast_string('basis', 8) }} as basis,
        series_a,
        series_b,
        point_date,
        x,
        y
    from unioned
)

select * from final
