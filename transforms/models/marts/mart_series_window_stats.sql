-- grain: one row per series with a value × window (full, 1y, 5y, 10y): statistics of the
-- series' values in mart_observations (after the fill policy) inside the window.
--
-- window_end is the series' last observation date. An Ny window holds the observations with
-- obs_date > add_months(window_end, -12 * N) and starts the day after that cutoff; the full
-- window holds every observation and starts at the first. A window reaching before the series'
-- first observation simply holds the whole history (its row still exists).

{{ config(post_hook="{{ primary_key(['series_id', 'window_name']) }}") }}

with

observations as (
    select * from {{ ref('mart_observations') }}
),

windows as (
    select {{ cast_string("'full'", 8) }} as window_name, 0 as n_years
    union all
    select {{ cast_string("'1y'", 8) }}, 1
    union all
    select {{ cast_string("'5y'", 8) }}, 5
    union all
    select {{ cast_string("'10y'", 8) }}, 10
),

series_bounds as (
    select
        series_id,
        min(obs_date) as first_date,
        max(obs_date) as last_date
    from observations
    group by series_id
),

window_bounds as (
    select
        series_bounds.series_id,
        windows.window_name,
        case
            when windows.n_years = 0 then series_bounds.first_date
            else {{ add_days(add_months('series_bounds.last_date', '-12 * windows.n_years'), 1) }}
        end as window_start,
        series_bounds.last_date as window_end
    from series_bounds
    cross join windows
),

in_window as (
    select
        window_bounds.series_id,
        window_bounds.window_name,
        window_bounds.window_start,
        window_bounds.window_end,
        observations.obs_date,
        observations.value
    from window_bounds
    inner join observations
        on window_bounds.series_id = observations.series_id
        and observations.obs_date >= window_bounds.window_start
),

aggregated as (
    select
        series_id,
        window_name,
        window_start,
        window_end,
        {{ summary_statistics() }}
    from in_window
    group by series_id, window_name, window_start, window_end
),

final as (
    select
        aggregated.series_id,
        aggregated.window_name,
        aggregated.window_start,
        aggregated.window_end,
        aggregated.n_obs,
        aggregated.mean,
        aggregated.variance,
        aggregated.stddev,
        aggregated.min_value,
        aggregated.max_value,
        first_obs.value as first_value,
        last_obs.value as last_value,
        {{ cast_double('last_obs.value - first_obs.value') }} as change_value,
        aggregated.first_obs_date,
        aggregated.last_obs_date
    from aggregated
    inner join observations as first_obs
        on aggregated.series_id = first_obs.series_id
        and aggregated.first_obs_date = first_obs.obs_date
    inner join observations as last_obs
        on aggregated.series_id = last_obs.series_id
        and aggregated.last_obs_date = last_obs.obs_date
)

select * from final
