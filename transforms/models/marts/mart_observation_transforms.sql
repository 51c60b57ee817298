-- grain: one row per series × observation date with a value (the rows of mart_observations),
-- with FRED's units transformations of the value and whole-history normalisations.
--
-- x(t-1) is the series' previous row (mart_observations only holds dates with a value).
-- "A year ago" is an as-of lookup: the latest observation on or before obs_date minus 365 days
-- (daily), 364 days (weekly, biweekly) or 12 calendar months (monthly and slower). It is done
-- with window functions, not a correlated subquery (see `events`): the observations and one
-- "target" row per observation share one timeline per series, and a running sum tells each
-- target the latest observation at or before it (observations sort first on a tie).
-- index_100's base is the first observation on or after var('index_base_date', '2015-01-01').

{{ config(post_hook="{{ primary_key(['series_id', 'obs_date']) }}") }}

{%- set index_base_date = var('index_base_date', '2015-01-01') | string %}
{%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', index_base_date) %}
    {{ exceptions.raise_compiler_error("var index_base_date must be an ISO date, got '" ~ index_base_date ~ "'") }}
{%- endif %}
{#- ln of the largest double is 709.78, and pca multiplies the power by 100 (ln 100 = 4.61):
    above 705, (ratio^n - 1) * 100 overflows, which MariaDB raises as an error and DuckDB
    turns into inf. Such a rate is NULL (not representable), as for a negative ratio. #}
{%- set max_ln_double = 705 %}
{#- Day 0 of the year-ago timeline: before any observation. #}
{%- set epoch = '1000-01-01' %}

with

observations as (
    select * from {{ ref('mart_observations') }}
),

series as (
    select * from {{ ref('stg_fred__series') }}
),

-- A small integer per series for the window steps: series_id (varchar(64), 256 bytes in a
-- fixed-width in-memory row) would make MariaDB's window temporary tables spill to disk.
series_keys as (
    select
        series_id,
        {{ obs_per_year('frequency', 'frequency_short') }} as n_obs_per_yr,
        frequency_short,
        row_number() over (order by series_id) as series_key
    from series
),

-- The window steps carry only keys and dates (values are looked up by primary key at the end):
-- MariaDB sorts window input in a temporary table that goes to disk beyond tmp_table_size.
framed as (
    select
        series_keys.series_key,
        observations.obs_date,
        lag(observations.obs_date) over (
            partition by series_keys.series_key
            order by observations.obs_date
        ) as prev_obs_date,
        case
            when series_keys.frequency_short = 'D'
                then {{ add_days('observations.obs_date', -365) }}
            when series_keys.frequency_short in ('W', 'BW')
                then {{ add_days('observations.obs_date', -364) }}
            else {{ add_months('observations.obs_date', -12) }}
        end as year_ago_target
    from observations
    inner join series_keys
        on observations.series_id = series_keys.series_id
),

event_kinds as (
    select 0 as event_kind
    union all
    select 1
),

-- Each observation twice on its series' timeline: as itself (kind 0, at obs_date) and as the
-- target of its year-ago lookup (kind 1, at year_ago_target). An observation adds the days
-- since the previous one, so the running sum at a target is the latest observation date at or
-- before it, in days since {{ epoch }} (exact integer arithmetic; MariaDB's running MAX over a
-- frame is quadratic, its running SUM is linear). On a tie the observation sorts first.
events as (
    select
        framed.series_key,
        framed.obs_date,
        framed.prev_obs_date,
        event_kinds.event_kind,
        case
            when event_kinds.event_kind = 0 then framed.obs_date
            else framed.year_ago_target
        end as event_date,
        case
            when event_kinds.event_kind = 0
                then {{ days_between(
                    'coalesce(framed.prev_obs_date, ' ~ cast_date("'" ~ epoch ~ "'") ~ ')',
                    'framed.obs_date'
                ) }}
            else 0
        end as days_added
    from framed
    cross join event_kinds
),

as_of as (
    select
        series_key,
        obs_date,
        prev_obs_date,
        event_kind,
        sum(days_added) over (
            partition by series_key
            order by event_date, event_kind
            rows between unbounded preceding and current row
        ) as seen_days
    from events
),

targets as (
    select
        series_key,
        obs_date,
        prev_obs_date,
        case
            when seen_days > 0
                then {{ add_days(cast_date("'" ~ epoch ~ "'"), 'seen_days') }}
        end as year_ago_date
    from as_of
    where event_kind = 1
),

year_ago as (
    select
        series_keys.series_id,
        targets.obs_date,
        current_obs.value,
        current_obs.is_filled,
        series_keys.n_obs_per_yr,
        previous_obs.value as prev_value,
        year_ago_obs.value as year_ago_value,
        {{ safe_divide('current_obs.value', 'previous_obs.value') }} as ratio
    from targets
    inner join series_keys
        on targets.series_key = series_keys.series_key
    inner join observations as current_obs
        on series_keys.series_id = current_obs.series_id
        and targets.obs_date = current_obs.obs_date
    left join observations as previous_obs
        on series_keys.series_id = previous_obs.series_id
        and targets.prev_obs_date = previous_obs.obs_date
    left join observations as year_ago_obs
        on series_keys.series_id = year_ago_obs.series_id
        and targets.year_ago_date = year_ago_obs.obs_date
),

history as (
    select
        series_id,
        {{ cast_double('avg(value)') }} as mean_value,
        {{ sample_stddev('value') }} as stddev_value,
        min(value) as min_value,
        max(value) as max_value
    from observations
    group by series_id
),

index_base_dates as (
    select
        series_id,
        min(obs_date) as base_date
    from observations
    where obs_date >= {{ cast_date("'" ~ index_base_date ~ "'") }}
    group by series_id
),

index_base as (
    select
        index_base_dates.series_id,
        observations.value as base_value
    from index_base_dates
    inner join observations
        on index_base_dates.series_id = observations.series_id
        and index_base_dates.base_date = observations.obs_date
),

final as (
    select
        year_ago.series_id,
        year_ago.obs_date,
        year_ago.value,
        year_ago.is_filled,
        {{ cast_double('year_ago.value - year_ago.prev_value') }} as chg,
        {{ cast_double('year_ago.value - year_ago.year_ago_value') }} as ch1,
        (year_ago.ratio - 1) * 100 as pch,
        ({{ safe_divide('year_ago.value', 'year_ago.year_ago_value') }} - 1) * 100 as pc1,
        case
            when year_ago.n_obs_per_yr is null or year_ago.ratio is null or year_ago.ratio < 0
                then null
            when year_ago.ratio = 0
                then {{ cast_double('-100') }}
            when year_ago.n_obs_per_yr * ln(year_ago.ratio) < {{ max_ln_double }}
                then (power(year_ago.ratio, year_ago.n_obs_per_yr) - 1) * 100
        end as pca,
        ({{ safe_ln('year_ago.value') }} - {{ safe_ln('year_ago.prev_value') }}) * 100 as cch,
        ({{ safe_ln('year_ago.value') }} - {{ safe_ln('year_ago.prev_value') }}) * 100
            * year_ago.n_obs_per_yr as cca,
        {{ safe_ln('year_ago.value') }} as log_value,
        {{ safe_divide('year_ago.value - history.mean_value', 'history.stddev_value') }} as zscore,
        {{ safe_divide(
            'year_ago.value - history.min_value', '(history.max_value - history.min_value)'
        ) }} as minmax,
        {{ safe_divide('100 * year_ago.value', 'index_base.base_value') }} as index_100
    from year_ago
    inner join history
        on year_ago.series_id = history.series_id
    left join index_base
        on year_ago.series_id = index_base.series_id
)

select * from final
