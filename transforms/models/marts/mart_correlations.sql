-- grain: one row per series pair (series_a < series_b) × basis × window, for every pair and
-- window with at least one overlapping point in that basis: the Pearson correlation of the
-- pair's aligned values (int_series_pairs_aligned):
--   monthly: calendar-month averages, for series observed monthly or more often (D, W, BW, M),
--            on the months both series have;
--   daily:   two daily series' values on the dates both observe.
-- Windows full, 1y, 5y, 10y end at the pair's last common point: an Ny window holds the points
-- with date > add_months(end, -12 * N). Two passes: the pair-window means first, then the sums
-- of the values centred on them (see macros/statistics_pearson.sql). No window-function
-- aggregates: MariaDB evaluates `avg(x) over (partition by ...)` row by row (minutes on the
-- ~700k daily pair points); grouped CTEs joined back take seconds.

{{ config(post_hook="{{ primary_key(['series_a', 'series_b', 'basis', 'window_name']) }}") }}

with

pairs as (
    select * from {{ ref('int_series_pairs_aligned') }}
),

windows as (
    select 'full' as window_name, 0 as window_months
    union all select '1y', 12
    union all select '5y', 60
    union all select '10y', 120
),

pair_ends as (
    select
        basis,
        series_a,
        series_b,
        max(point_date) as pair_end
    from pairs
    group by basis, series_a, series_b
),

-- pass 1: each pair-window's points and means
window_means as (
    select
        pairs.basis,
        pairs.series_a,
        pairs.series_b,
        windows.window_name,
        windows.window_months,
        pair_ends.pair_end,
        count(*) as n_obs,
        min(pairs.point_date) as start_date,
        max(pairs.point_date) as end_date,
        avg(pairs.x) as mean_x,
        avg(pairs.y) as mean_y,
        case when min(pairs.x) < max(pairs.x) then 1 else 0 end as x_varies,
        case when min(pairs.y) < max(pairs.y) then 1 else 0 end as y_varies
    from pairs
    inner join pair_ends
        on pairs.basis = pair_ends.basis
        and pairs.series_a = pair_ends.series_a
        and pairs.series_b = pair_ends.series_b
    inner join windows
        on windows.window_months = 0
        or pairs.point_date > {{ add_months('pair_ends.pair_end', '-windows.window_months') }}
    group by
        pairs.basis,
        pairs.series_a,
        pairs.series_b,
        windows.window_name,
        windows.window_months,
        pair_ends.pair_end
),

-- pass 2: sums of the values centred on their pair-window means
centred_sums as (
    select
        window_means.basis,
        window_means.series_a,
        window_means.series_b,
        window_means.window_name,
        window_means.n_obs,
        window_means.start_date,
        window_means.end_date,
        window_means.x_varies,
        window_means.y_varies,
        sum((pairs.x - window_means.mean_x) * (pairs.y - window_means.mean_y)) as sxy,
        sum((pairs.x - window_means.mean_x) * (pairs.x - window_means.mean_x)) as sxx,
        sum((pairs.y - window_means.mean_y) * (pairs.y - window_means.mean_y)) as syy
    from pairs
    inner join window_means
        on pairs.basis = window_means.basis
        and pairs.series_a = window_means.series_a
        and pairs.series_b = window_means.series_b
        and (
            window_means.window_months = 0
            or pairs.point_date > {{ add_months('window_means.pair_end', '-window_means.window_months') }}
        )
    group by
        window_means.basis,
        window_means.series_a,
        window_means.series_b,
        window_means.window_name,
        window_means.n_obs,
        window_means.start_date,
        window_means.end_date,
        window_means.x_varies,
        window_means.y_varies
),

final as (
    select
        series_a,
        series_b,
        {{ cast_string('basis', 8) }} as basis,
        {{ cast_string('window_name', 4) }} as window_name,
        {#- a constant series has variance 0 even where x - avg(x) rounds to a tiny non-zero #}
        {{ cast_double(pearson_from_centred_sums(
            'n_obs',
            'sxy',
            'case when x_varies = 1 then sxx end',
            'case when y_varies = 1 then syy end',
        )) }} as correlation,
        n_obs,
        start_date,
        end_date
    from centred_sums
)

select * from final
