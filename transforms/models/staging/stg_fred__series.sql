-- grain: one row per FRED series (raw_series as loaded by ingest), typed.

with

source as (
    select * from {{ source('fred', 'raw_series') }}
),

final as (
    select
        {{ cast_string('series_id', 64) }} as series_id,
        title,
        units,
        units_short,
        frequency,
        frequency_short,
        seasonal_adjustment,
        seasonal_adjustment_short,
        {{ cast_date('observation_start') }} as observation_start,
        {{ cast_date('observation_end') }} as observation_end,
        last_updated,
        popularity,
        notes,
        {{ cast_timestamp('fetched_at') }} as fetched_at
    from source
)

select * from final
