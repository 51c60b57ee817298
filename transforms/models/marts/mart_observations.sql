-- grain: one row per series × observation date that has a value, latest vintage.

{{ config(post_hook="{{ primary_key(['series_id', 'obs_date']) }}") }}

with

observations as (
    select * from {{ ref('stg_fred__observations') }}
),

final as (
    select
        series_id,
        obs_date,
        value
    from observations
    where value is not null
)

select * from final
