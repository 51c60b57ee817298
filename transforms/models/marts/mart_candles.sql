-- grain: one row per daily series × period (W = ISO week starting Monday, M = calendar month)
-- × period_start, for every period holding at least one observation of int_daily_observations
-- (the daily series' rows of mart_observations).
-- open/close are the values at the period's first/last observation date, high/low its
-- extremes; period_end is the period's last calendar day (Sunday, or the month's last day).

{{ config(post_hook="{{ primary_key(['series_id', 'period', 'period_start']) }}") }}

with

daily_observations as (
    select * from {{ ref('int_daily_observations') }}
),

periods as (
    select
        series_id,
        {{ cast_string("'W'", 1) }} as period,
        {{ period_start('week', 'obs_date') }} as period_start,
        obs_date,
        value
    from daily_observations

    union all

    select
        series_id,
        {{ cast_string("'M'", 1) }} as period,
        {{ period_start('month', 'obs_date') }} as period_start,
        obs_date,
        value
    from daily_observations
),

ranked as (
    select
        series_id,
        period,
        period_start,
        obs_date,
        value,
        row_number() over (
            partition by series_id, period, period_start order by obs_date
        ) as rank_in_period,
        lead(obs_date) over (
            partition by series_id, period, period_start order by obs_date
        ) as next_obs_date
    from periods
),

aggregated as (
    select
        series_id,
        period,
        period_start,
        max(case when rank_in_period = 1 then value end) as open_value,
        max(value) as high_value,
        min(value) as low_value,
        max(case when next_obs_date is null then value end) as close_value,
        count(*) as n_obs,
        min(obs_date) as first_obs_date,
        max(obs_date) as last_obs_date
    from ranked
    group by series_id, period, period_start
),

final as (
    select
        series_id,
        period,
        period_start,
        case
            when period = 'W' then {{ add_days('period_start', 6) }}
            else {{ add_days(add_months('period_start', 1), -1) }}
        end as period_end,
        {{ cast_double('open_value') }} as open_value,
        {{ cast_double('high_value') }} as high_value,
        {{ cast_double('low_value') }} as low_value,
        {{ cast_double('close_value') }} as close_value,
        n_obs,
        first_obs_date,
        last_obs_date
    from aggregated
)

select * from final
