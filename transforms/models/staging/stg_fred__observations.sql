-- grain: one row per series × observation date, holding the latest vintage's value
-- (largest realtime_start). A missing value (FRED's ".") stays NULL.

with

vintages as (
    select * from {{ ref('stg_fred__observation_vintages') }}
),

ranked as (
    select
        series_id,
        obs_date,
        value,
        row_number() over (
            partition by series_id, obs_date
            order by realtime_start desc
        ) as vintage_rank
    from vintages
),

final as (
    select
        series_id,
        obs_date,
        value
    from ranked
    where vintage_rank = 1
)

select * from final
