-- grain: one row per daily series × observation date of int_daily_observations (the rows of
-- mart_observations whose series has stg_fred__series.frequency_short = 'D'), with trailing
-- technical indicators over the series' own observations
-- (rows, not calendar days: a holiday without a value is simply not a row).
--
--   sma_n           mean of the last n values (this one included); NULL until n exist
--   log_return      ln(value / previous value); NULL at the first row or when either is <= 0
--   volatility_n    sample (n - 1) stddev of the last n log returns × sqrt(252), annualised;
--                   NULL unless all n of them are defined
--   bollinger_*     Bollinger (20, 2): mid = sma_20, upper/lower = sma_20 ± 2 × population
--                   (divisor n) stddev of the last 20 values, Bollinger's own convention
--
-- Precision: the engines' windowed avg/stddev (ROWS frames) match a two-pass numpy computation
-- to ~1e-13 relative on every real daily series (MariaDB's sliding sum drifts the most). Do not
-- replace the stddevs with sum/sum-of-squares formulas: a flat stretch (many zero returns) then
-- leaves a residue whose square root is far above the 1e-9 tolerance.

{{ config(post_hook="{{ primary_key(['series_id', 'obs_date']) }}") }}

{%- set by_date = 'partition by series_id order by obs_date' %}

with

daily_observations as (
    select * from {{ ref('int_daily_observations') }}
),

lagged as (
    select
        series_id,
        obs_date,
        value,
        lag(value) over ({{ by_date }}) as previous_value
    from daily_observations
),

returns as (
    select
        series_id,
        obs_date,
        value,
        case
            when value > 0 and previous_value > 0 then ln(value / previous_value)
        end as log_return
    from lagged
),

windowed as (
    select
        series_id,
        obs_date,
        value,
        log_return,
        {%- for n in [20, 50, 200] %}
        {{ trailing('count', 'value', n) }} as n_values_{{ n }},
        {{ trailing('avg', 'value', n) }} as mean_{{ n }},
        {%- endfor %}
        {{ trailing('stddev_pop', 'value', 20) }} as stddev_pop_20,
        {%- for n in [21, 63] %}
        {{ trailing('count', 'log_return', n) }} as n_returns_{{ n }},
        {{ trailing('stddev_samp', 'log_return', n) }} as stddev_return_{{ n }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from returns
),

final as (
    select
        series_id,
        obs_date,
        {{ cast_double('value') }} as value,
        {%- for n in [20, 50, 200] %}
        {{ cast_double('case when n_values_' ~ n ~ ' = ' ~ n ~ ' then mean_' ~ n ~ ' end') }}
            as sma_{{ n }},
        {%- endfor %}
        {{ cast_double('log_return') }} as log_return,
        {%- for n in [21, 63] %}
        {{ cast_double(
            'case when n_returns_' ~ n ~ ' = ' ~ n
            ~ ' then stddev_return_' ~ n ~ ' * sqrt(252) end'
        ) }} as volatility_{{ n }},
        {%- endfor %}
        {{ cast_double('case when n_values_20 = 20 then mean_20 end') }} as bollinger_mid,
        {{ cast_double('case when n_values_20 = 20 then mean_20 + 2 * stddev_pop_20 end') }}
            as bollinger_upper,
        {{ cast_double('case when n_values_20 = 20 then mean_20 - 2 * stddev_pop_20 end') }}
            as bollinger_lower
    from windowed
)

select * from final
