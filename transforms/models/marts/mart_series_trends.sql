-- grain: one row per series with a value: the "market movers" panel. The latest value and its
-- change over standard horizons, the 52-week range and the z-score against the last year, all
-- from mart_observations (after the fill policy).
--
-- latest_date is the series' last observation date. A horizon h's base is the latest
-- observation on or before the horizon's reference date: latest_date - 1 day (1d), - 7 days
-- (1w), - 1, 3 or 12 calendar months (1m, 3m, 1y; add_months clamps the day to the month's
-- end), and Dec 31 of the year before latest_date's (ytd). change_h = latest_value - base
-- value; NULL when the series has no observation that early. The base is the latest
-- observation at or before the reference date, so a monthly series' 1d and 1w changes are
-- against the previous month's value.
-- high_52w / low_52w: max / min over obs_date > latest_date - 364 days (52 weeks ending at
-- latest_date, latest_date included). zscore_1y: (latest_value - mean) / sample stddev over
-- obs_date > add_months(latest_date, -12) (mart_series_window_stats' 1y window); NULL below 2
-- observations or for a constant year.

{{ config(post_hook="{{ primary_key(['series_id']) }}") }}

with

observations as (
    select * from {{ ref('mart_observations') }}
),

latest_dates as (
    select
        series_id,
        max(obs_date) as latest_date
    from observations
    group by series_id
),

latest as (
    select
        latest_dates.series_id,
        latest_dates.latest_date,
        observations.value as latest_value
    from latest_dates
    inner join observations
        on latest_dates.series_id = observations.series_id
        and latest_dates.latest_date = observations.obs_date
),

-- every series × horizon with the date its base is taken on or before
reference_dates as (
    select series_id, {{ cast_string("'1d'", 3) }} as horizon,
        {{ add_days('latest_date', -1) }} as reference_date
    from latest
    union all
    select series_id, {{ cast_string("'1w'", 3) }}, {{ add_days('latest_date', -7) }}
    from latest
    union all
    select series_id, {{ cast_string("'1m'", 3) }}, {{ add_months('latest_date', -1) }}
    from latest
    union all
    select series_id, {{ cast_string("'3m'", 3) }}, {{ add_months('latest_date', -3) }}
    from latest
    union all
    select series_id, {{ cast_string("'1y'", 3) }}, {{ add_months('latest_date', -12) }}
    from latest
    union all
    select series_id, {{ cast_string("'ytd'", 3) }},
        {{ add_days(period_start('year', 'latest_date'), -1) }}
    from latest
),

base_dates as (
    select
        reference_dates.series_id,
        reference_dates.horizon,
        max(observations.obs_date) as base_date
    from reference_dates
    inner join observations
        on reference_dates.series_id = observations.series_id
        and observations.obs_date <= reference_dates.reference_date
    group by reference_dates.series_id, reference_dates.horizon
),

base_values as (
    select
        base_dates.series_id,
        base_dates.horizon,
        observations.value as base_value
    from base_dates
    inner join observations
        on base_dates.series_id = observations.series_id
        and base_dates.base_date = observations.obs_date
),

-- one row per series: each horizon's base value in a column of its own
bases as (
    select
        series_id,
        max(case when horizon = '1d' then base_value end) as base_1d,
        max(case when horizon = '1w' then base_value end) as base_1w,
        max(case when horizon = '1m' then base_value end) as base_1m,
        max(case when horizon = '3m' then base_value end) as base_3m,
        max(case when horizon = '1y' then base_value end) as base_1y,
        max(case when horizon = 'ytd' then base_value end) as base_ytd
    from base_values
    group by series_id
),

-- the last year of observations (12 calendar months), which holds the last 52 weeks too
last_year as (
    select
        latest.series_id,
        latest.latest_date,
        observations.obs_date,
        observations.value
    from latest
    inner join observations
        on latest.series_id = observations.series_id
        and observations.obs_date > {{ add_months('latest.latest_date', -12) }}
),

year_stats as (
    select
        series_id,
        max(case
            when obs_date > {{ add_days('latest_date', -364) }} then value
        end) as high_52w,
        min(case
            when obs_date > {{ add_days('latest_date', -364) }} then value
        end) as low_52w,
        count(value) as n_obs_1y,
        {{ cast_double('avg(value)') }} as mean_1y,
        {{ sample_stddev('value') }} as stddev_1y,
        case when min(value) < max(value) then 1 else 0 end as varies_1y
    from last_year
    group by series_id
),

final as (
    select
        latest.series_id,
        latest.latest_date,
        latest.latest_value,
        {{ cast_double('latest.latest_value - bases.base_1d') }} as change_1d,
        {{ cast_double('latest.latest_value - bases.base_1w') }} as change_1w,
        {{ cast_double('latest.latest_value - bases.base_1m') }} as change_1m,
        {{ cast_double('latest.latest_value - bases.base_3m') }} as change_3m,
        {{ cast_double('latest.latest_value - bases.base_1y') }} as change_1y,
        {{ cast_double('latest.latest_value - bases.base_ytd') }} as change_ytd,
        {{ safe_divide('100 * (latest.latest_value - bases.base_1y)', 'bases.base_1y') }}
            as pct_change_1y,
        {{ cast_double('year_stats.high_52w') }} as high_52w,
        {{ cast_double('year_stats.low_52w') }} as low_52w,
        year_stats.n_obs_1y,
        {#- a constant year has no z-score, whatever its stddev rounds to #}
        case when year_stats.varies_1y = 1 then {{ safe_divide(
            'latest.latest_value - year_stats.mean_1y', 'year_stats.stddev_1y'
        ) }} end as zscore_1y
    from latest
    left join bases
        on latest.series_id = bases.series_id
    inner join year_stats
        on latest.series_id = year_stats.series_id
)

select * from final
