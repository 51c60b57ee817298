-- grain: one row per series × observation date × vintage (realtime_start), i.e. every raw row.
-- The one model that reads raw_observations; the latest-vintage view and ingest freshness
-- both build on it, so casts are written once.

with

source as (
    select * from {{ source('fred', 'raw_observations') }}
),

final as (
    select
        {{ cast_string('series_id', 64) }} as series_id,
        {{ cast_date('obs_date') }} as obs_date,
        {{ cast_date('realtime_start') }} as realtime_start,
        {{ cast_date('realtime_end') }} as realtime_end,
        {{ cast_double('value') }} as value,
        ingest_run_id,
        {{ cast_timestamp('ingested_at') }} as ingested_at
    from source
)

select * from final
