-- grain: one row per series pair (series_a < series_b) × basis × window, for every pair and
-- window with at least one overlapping point in that basis: the Pearson correlation of the
-- pair's aligned values (int_series_pairs_aligned):
--   monthly: calendar-month averages, for series observed monthly or more often (D, W, BW, M),
--            on the months both series have;
--   daily:   two daily series' values on the dates both observe.
-- Windows full, 1y, 5y, 10y end at the pair's last common point: an Ny window holds the points
-- with date > add_months(end, -12 * N).
--
-- One pass over the pair-window points, shifted by the pair's values at its last common point
-- (the anchor, a point of every window): n, Σdx, Σdy, Σdx·dy, Σdx², Σdy² with dx = x - anchor_x
-- and dy = y - anchor_y, then the centred sums Σ(x - x̄)(y - ȳ) = Σdx·dy - Σdx·Σdy / n (see
-- macros/statistics_pearson.sql).
-- Never shift by 0 (raw sums): a large mean against a small spread cancels catastrophically.
-- Shifting by a point of the window bounds that cancellation by the window's n; on the real
-- series the result is within ~1e-13 of a two-pass (means first, then centred sums) computation,
-- at half its cost. No window-function aggregates: MariaDB evaluates `avg(x) over (partition by
-- ...)` row by row (minutes on the ~700k daily pair points); grouped CTEs take seconds.

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

-- the pair's values at its last common point, which every window of the pair holds
pair_anchors as (
    select
        pair_ends.basis,
        pair_ends.series_a,
        pair_ends.series_b,
        pair_ends.pair_end,
        pairs.x as anchor_x,
        pairs.y as anchor_y
    from pair_ends
    inner join pairs
        on pair_ends.basis = pairs.basis
        and pair_ends.series_a = pairs.series_a
        and pair_ends.series_b = pairs.series_b
        and pair_ends.pair_end = pairs.point_date
),

-- one pass: each pair-window's points and the sums of its values shifted by the anchor
shifted_sums as (
    select
        pairs.basis,
        pairs.series_a,
        pairs.series_b,
        windows.window_name,
        count(*) as n_obs,
        min(pairs.point_date) as start_date,
        max(pairs.point_date) as end_date,
        case when min(pairs.x) < max(pairs.x) then 1 else 0 end as x_varies,
        case when min(pairs.y) < max(pairs.y) then 1 else 0 end as y_varies,
        sum(pairs.x - pair_anchors.anchor_x) as sdx,
        sum(pairs.y - pair_anchors.anchor_y) as sdy,
        sum((pairs.x - pair_anchors.anchor_x) * (pairs.y - pair_anchors.anchor_y)) as sdxdy,
        sum((pairs.x - pair_anchors.anchor_x) * (pairs.x - pair_anchors.anchor_x)) as sdxdx,
        sum((pairs.y - pair_anchors.anchor_y) * (pairs.y - pair_anchors.anchor_y)) as sdydy
    from pairs
    inner join pair_anchors
        on pairs.basis = pair_anchors.basis
        and pairs.series_a = pair_anchors.series_a
        and pairs.series_b = pair_anchors.series_b
    inner join windows
        on windows.window_months = 0
        or pairs.point_date > {{ add_months('pair_anchors.pair_end', '-windows.window_months') }}
    group by
        pairs.basis,
        pairs.series_a,
        pairs.series_b,
        windows.window_name
),

-- the centred sums: sum((x - mean_x) * (y - mean_y)) = sum(dx * dy) - sum(dx) * sum(dy) / n
centred_sums as (
    select
        basis,
        series_a,
        series_b,
        window_name,
        n_obs,
        start_date,
        end_date,
        x_varies,
        y_varies,
        sdxdy - sdx * sdy / n_obs as sxy,
        sdxdx - sdx * sdx / n_obs as sxx,
        sdydy - sdy * sdy / n_obs as syy
    from shifted_sums
),

final as (
    select
        series_a,
        series_b,
        {{ cast_string('basis', 8) }} as basis,
        {{ cast_string('window_name', 4) }} as window_name,
        {#- a constant series has no correlation, whatever its centred sums round to #}
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
