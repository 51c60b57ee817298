-- mart_candles is internally consistent and covers mart_daily_technicals exactly:
-- low <= open, close <= high; first/last observation dates lie inside [period_start, period_end]
-- in order; a period holds no more observations than calendar days; and each series' candles
-- of either period count every one of its daily rows once.
-- Returns offending rows; empty means pass. Values are copied, never computed: exact compares.

with

candles as (
    select * from {{ ref('mart_candles') }}
),

technicals as (
    select * from {{ ref('mart_daily_technicals') }}
),

inconsistent_candles as (
    select
        series_id,
        period,
        period_start,
        'candle' as failure
    from candles
    where
        low_value > open_value
        or low_value > close_value
        or open_value > high_value
        or close_value > high_value
        or first_obs_date < period_start
        or last_obs_date > period_end
        or first_obs_date > last_obs_date
        or n_obs > {{ days_between('period_start', 'period_end') }} + 1
),

candle_counts as (
    select
        series_id,
        period,
        sum(n_obs) as n_obs
    from candles
    group by series_id, period
),

daily_counts as (
    select
        series_id,
        count(*) as n_obs
    from technicals
    group by series_id
),

expected_counts as (
    select
        daily_counts.series_id,
        periods.period,
        daily_counts.n_obs
    from daily_counts
    cross join (
        select 'W' as period
        union all
        select 'M' as period
    ) as periods
),

miscounted_series as (
    select
        expected_counts.series_id,
        expected_counts.period,
        {{ cast_date('null') }} as period_start,
        'coverage' as failure
    from expected_counts
    left join candle_counts
        on
            expected_counts.series_id = candle_counts.series_id
            and expected_counts.period = candle_counts.period
    where candle_counts.n_obs is null or candle_counts.n_obs <> expected_counts.n_obs
),

final as (
    select * from inconsistent_candles
    union all
    select * from miscounted_series
)

select * from final
