-- grain: one row per series × target frequency × period. Frequency conversion as FRED's
-- (average, sum, end of period) to every standard frequency strictly coarser than the series'
-- native one: D → W, M, Q, A; W and BW → M, Q, A; M → Q, A; Q and SA → A.
-- Periods are labelled by their first day: ISO weeks Monday..Sunday, calendar months,
-- quarters and years (FRED labels a weekly period by its last day, e.g. "week ending Friday";
-- here period_end gives that end). Every period between the series' first and last one is
-- present: one without observations has n_obs = 0 and NULL values, so gaps are explicit.

{{ config(post_hook="{{ primary_key(['series_id', 'frequency', 'period_start']) }}") }}

{#- Empty periods come from integers(n): a gap spans at most this many periods (20,000 weeks
    ≈ 383 years). #}
{%- set max_periods = 20000 -%}

with

observations as (
    select * from {{ ref('mart_observations') }}
),

series as (
    select * from {{ ref('stg_fred__series') }}
),

-- native frequency → target frequency; months per target period (0: a week of 7 days)
conversions as (
    {%- set pairs = [
        ('D', 'W', 0), ('D', 'M', 1), ('D', 'Q', 3), ('D', 'A', 12),
        ('W', 'M', 1), ('W', 'Q', 3), ('W', 'A', 12),
        ('BW', 'M', 1), ('BW', 'Q', 3), ('BW', 'A', 12),
        ('M', 'Q', 3), ('M', 'A', 12),
        ('Q', 'A', 12),
        ('SA', 'A', 12),
    ] %}
    {%- for native, target, months in pairs %}
    select
        '{{ native }}' as native_frequency,
        '{{ target }}' as frequency,
        {{ months }} as months_per_period
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

targeted as (
    select
        observations.series_id,
        conversions.frequency,
        conversions.months_per_period,
        observations.obs_date,
        observations.value,
        observations.is_filled,
        case conversions.frequency
            when 'W' then {{ period_start('week', 'observations.obs_date') }}
            when 'M' then {{ period_start('month', 'observations.obs_date') }}
            when 'Q' then {{ period_start('quarter', 'observations.obs_date') }}
            else {{ period_start('year', 'observations.obs_date') }}
        end as period_start
    from observations
    inner join series
        on observations.series_id = series.series_id
    inner join conversions
        on series.frequency_short = conversions.native_frequency
),

aggregated as (
    select
        series_id,
        frequency,
        months_per_period,
        period_start,
        count(*) as n_obs,
        count(case when is_filled then 1 end) as n_filled,
        {{ cast_double('avg(value)') }} as value_avg,
        {{ cast_double('sum(value)') }} as value_sum,
        max(obs_date) as last_obs_date
    from targeted
    group by series_id, frequency, months_per_period, period_start
),

with_end_value as (
    select
        aggregated.*,
        observations.value as value_eop,
        lead(aggregated.period_start) over (
            partition by aggregated.series_id, aggregated.frequency
            order by aggregated.period_start
        ) as next_period_start
    from aggregated
    inner join observations
        on aggregated.series_id = observations.series_id
        and aggregated.last_obs_date = observations.obs_date
),

-- the periods (days for W, months otherwise) from each non-empty period to the next one
spans as (
    select
        with_end_value.*,
        {{ days_between('period_start', 'next_period_start') }} as span_days,
        (extract(year from next_period_start) - extract(year from period_start)) * 12
        + extract(month from next_period_start) - extract(month from period_start) as span_months
    from with_end_value
    where next_period_start is not null
),

-- the calendar spine's empty periods: those strictly between two non-empty ones. Joining the
-- few periods followed by a gap to integers() (rather than a full spine to the data on a
-- computed date) keeps MariaDB off a nested-loop join on an expression.
empty_periods as (
    select
        spans.series_id,
        spans.frequency,
        spans.months_per_period,
        case
            when spans.frequency = 'W'
                then {{ add_days('spans.period_start', 'steps.n * 7') }}
            else {{ add_months('spans.period_start', 'steps.n * spans.months_per_period') }}
        end as period_start
    from spans
    inner join {{ integers(max_periods) }} as steps
        on steps.n >= 1
        and case
            when spans.frequency = 'W' then steps.n * 7 < spans.span_days
            else steps.n * spans.months_per_period < spans.span_months
        end
    where
        (spans.frequency = 'W' and spans.span_days > 7)
        or (spans.frequency <> 'W' and spans.span_months > spans.months_per_period)
),

periods as (
    select
        series_id,
        frequency,
        months_per_period,
        period_start,
        n_obs,
        n_filled,
        value_avg,
        value_sum,
        value_eop
    from with_end_value
    union all
    select
        series_id,
        frequency,
        months_per_period,
        period_start,
        0 as n_obs,
        0 as n_filled,
        null as value_avg,
        null as value_sum,
        null as value_eop
    from empty_periods
),

final as (
    select
        series_id,
        {{ cast_string('frequency', 1) }} as frequency,
        period_start,
        case
            when frequency = 'W' then {{ add_days('period_start', 6) }}
            else {{ add_days(add_months('period_start', 'months_per_period'), -1) }}
        end as period_end,
        n_obs,
        n_filled,
        value_avg,
        value_sum,
        value_eop
    from periods
)

select * from final
