-- grain: one row per series × observation date that has a value after the series' fill policy
-- (latest vintage; int_observations_filled), with is_filled marking the filled values.
--
-- Incremental, one series at a time: filling looks at a value's neighbours, so a new day or a
-- revision can change other rows of its series, and each series is rebuilt wholesale. An
-- incremental run compares the series' rows as they should be now with the rows in this table
-- and selects every row of each series that differs in any way (a row added, dropped, or with
-- another value or flag); unchanged series are not rewritten. Comparing outcomes rather than
-- ingest timestamps also rebuilds the series whose fill policy changed, without --full-refresh.
--
-- unique_key is the replacement unit, series_id, not the grain: delete+insert first deletes
-- every row of each series it inserts, so a date whose value was revised to missing disappears
-- with the rest of its old series. A series left with no value at all inserts nothing, so the
-- pre-hook deletes those. The grain (series_id, obs_date) is enforced by the primary key on
-- MySQL/MariaDB and the unique_combination test everywhere.
--
-- The primary key is added when the table is (re)created only: on an incremental run it
-- exists already and adding it again would fail.

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='series_id',
    pre_hook="{% if is_incremental() %}{{ delete_series_without_values(this, ref('stg_fred__observations')) }}{% endif %}",
    post_hook="{% if not is_incremental() %}{{ primary_key(['series_id', 'obs_date']) }}{% endif %}",
) }}

-- depends_on: {{ ref('stg_fred__observations') }} (read by the pre-hook)

with

filled as (
    select * from {{ ref('int_observations_filled') }}
),

observed as (
    select
        series_id,
        obs_date,
        value,
        is_filled
    from filled
    where value is not null
),

{% if is_incremental() %}

existing as (
    select
        series_id,
        obs_date,
        value,
        is_filled
    from {{ this }}
),

added_or_changed as (
    select distinct observed.series_id
    from observed
    left join existing
        on observed.series_id = existing.series_id
        and observed.obs_date = existing.obs_date
    where
        existing.obs_date is null
        or existing.value <> observed.value
        or existing.is_filled <> observed.is_filled
),

dropped as (
    select distinct existing.series_id
    from existing
    left join observed
        on existing.series_id = observed.series_id
        and existing.obs_date = observed.obs_date
    where observed.obs_date is null
),

changed_series as (
    select series_id from added_or_changed
    union
    select series_id from dropped
),

{% endif %}

final as (
    select
        series_id,
        obs_date,
        value,
        is_filled
    from observed
    {% if is_incremental() %}
    where series_id in (select series_id from changed_series)
    {% endif %}
)

select * from final
