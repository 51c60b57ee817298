-- grain: one row per series × observation date that FRED lists (latest vintage), the value after
-- the series' fill policy (var fill_policies, from the catalog): missing values inside a short
-- enough gap are filled, the rest stay NULL.
--
-- A table, rebuilt in full on every build: the windows below cost seconds on MariaDB (each
-- window sort spills to a temporary table), and as a view they were recomputed by every reader,
-- i.e. the incremental mart's comparison and each data test (2.5 minutes per build, measured).
-- Computing them once costs one CTAS of every row; mart_observations stays incremental, so the
-- table the API reads is still only rewritten where a series changed. The primary key (MySQL/
-- MariaDB) lets that comparison join both ways by index instead of nested loops.
--
-- Runs of missing values are found without IGNORE NULLS (MySQL/MariaDB have none):
--   n_before = running count of values up to and including the row: a run of NULLs shares it
--              with the value before it (0 for a leading run);
--   n_after  = count of values from the row to the end: a run shares it with the value after
--              it (0 for a trailing run).
-- Partitioning by those counts yields the neighbouring value and date of every row in a run,
-- and the run's length.

{{ config(
    materialized='table',
    post_hook="{{ primary_key(['series_id', 'obs_date']) }}",
) }}

with

observations as (
    select * from {{ ref('stg_fred__observations') }}
),

policies as (
    select * from {{ fill_policies() }} as policy
),

counted as (
    select
        observations.series_id,
        observations.obs_date,
        observations.value as raw_value,
        coalesce(policies.fill_method, {{ cast_string("'none'", 16) }}) as fill_method,
        coalesce(policies.max_gap, 0) as max_gap,
        count(observations.value) over (
            partition by observations.series_id
            order by observations.obs_date
            rows between unbounded preceding and current row
        ) as n_before,
        count(observations.value) over (
            partition by observations.series_id
            order by observations.obs_date
            rows between current row and unbounded following
        ) as n_after
    from observations
    left join policies
        on observations.series_id = policies.series_id
),

neighbours as (
    select
        series_id,
        obs_date,
        raw_value,
        fill_method,
        max_gap,
        n_before,
        n_after,
        max(raw_value) over (partition by series_id, n_before) as prev_value,
        max(case when raw_value is not null then obs_date end)
            over (partition by series_id, n_before) as prev_date,
        max(raw_value) over (partition by series_id, n_after) as next_value,
        max(case when raw_value is not null then obs_date end)
            over (partition by series_id, n_after) as next_date,
        sum(case when raw_value is null then 1 else 0 end)
            over (partition by series_id, n_before) as gap_length
    from counted
),

filled as (
    select
        series_id,
        obs_date,
        raw_value,
        fill_method,
        case
            when raw_value is not null then raw_value
            when gap_length > max_gap then null
            when fill_method = 'ffill' and n_before > 0 then prev_value
            when fill_method = 'linear' and n_before > 0 and n_after > 0
                then prev_value + (next_value - prev_value)
                    * {{ cast_double(days_between('prev_date', 'obs_date')) }}
                    / {{ days_between('prev_date', 'next_date') }}
        end as value
    from neighbours
),

final as (
    select
        series_id,
        obs_date,
        value,
        raw_value,
        case when raw_value is null and value is not null then true else false end as is_filled,
        fill_method
    from filled
)

select * from final
