"""Downsampling a series for a chart: min/max per bucket, with gaps kept. Pure numpy.

Why min/max per bucket rather than largest-triangle-three-buckets: a chart of N pixels can show
at most a low and a high per pixel column, and keeping exactly those means a spike or a crash
never disappears (LTTB keeps one point per bucket, chosen by area, and may drop a bucket's
extreme); it is also vectorised (no Python loop over buckets), which matters when a request
downsamples several 50-year daily series.

The rule (``keep``), for ``n`` points and a budget of ``max_points`` (at least 2):

- ``n <= max_points``: every point is kept.
- Otherwise the first and the last point are always kept, and the points between them are
  split into B buckets of consecutive points (sizes differ by at most one). Each bucket keeps
  its lowest and its highest value (the first one on a tie); a bucket that also holds NULLs
  keeps its first NULL, and a bucket of NULLs only keeps one NULL. So a line chart of the
  result breaks in every bucket where the data has a gap, and every gap at least one bucket
  long survives, as a NULL between the same neighbours (several short gaps inside one bucket
  show as one break: that is below the chart's resolution). B must fit the budget:
  2 B + (buckets holding both values and NULLs) <= max_points - 2. It starts at
  min((max_points - 2) // 2, points between the ends) and, while it does not fit, becomes
  min(B - 1, (max_points - 2 - mixed buckets) // 2): a few steps, not the largest B that
  fits (the mixed count is not monotone in B, and scanning every B costs O(budget n)); it
  never ends below (max_points - 2) // 3, where even all-mixed buckets fit.
- The kept points are returned in their original order, so the result is a subsequence of
  the input: real observations, never averages.
"""

from __future__ import annotations

import numpy as np

#: The smallest budget: the first and the last point.
MIN_POINTS = 2


def _starts_of_runs(sorted_values: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins in an ascending array. (Not ``np.unique``: its
    first call imports ``numpy.ma``, ~100 ms the first request would pay.)"""
    if sorted_values.size == 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])


def _first_per_bucket(mask: np.ndarray, bucket: np.ndarray) -> np.ndarray:
    """Index of the first True of ``mask`` in each bucket that has one (``bucket`` ascending)."""
    hits = np.flatnonzero(mask)
    return hits[_starts_of_runs(bucket[hits])]


def _edges(n_inner: int, buckets: int) -> np.ndarray:
    return (np.arange(buckets + 1) * n_inner) // buckets


def _mixed_buckets(missing: np.ndarray, starts: np.ndarray) -> int:
    """Buckets that hold both NULLs and values."""
    nulls = np.add.reduceat(missing.astype(np.int64), starts)
    sizes = np.diff(np.append(starts, missing.size))
    return int(np.count_nonzero((nulls > 0) & (nulls < sizes)))


def _bucket_count(missing: np.ndarray, budget: int) -> int:
    """A B with 2 B + mixed buckets <= budget, by the module docstring's steps; B = budget // 3
    always fits."""
    buckets = min(budget // 2, missing.size)
    while buckets > 0:
        mixed = _mixed_buckets(missing, _edges(missing.size, buckets)[:-1])
        if 2 * buckets + mixed <= budget:
            return buckets
        buckets = min(buckets - 1, (budget - mixed) // 2)
    return 0


def keep(values: np.ndarray, max_points: int) -> np.ndarray:
    """Indices (ascending) of the points of ``values`` (floats, NaN = NULL) to keep so that at
    most ``max_points`` remain; the rule is the module docstring's."""
    if max_points < MIN_POINTS:
        raise ValueError(f"max_points must be at least {MIN_POINTS}, got {max_points}")
    n = values.size
    if n <= max_points:
        return np.arange(n)
    inner = values[1:-1]
    missing = np.isnan(inner)
    buckets = _bucket_count(missing, max_points - 2)
    picks = [np.array([0, n - 1])]
    if buckets > 0:
        edges = _edges(inner.size, buckets)
        bucket = np.repeat(np.arange(buckets), np.diff(edges))
        low = np.where(missing, np.inf, inner)
        high = np.where(missing, -np.inf, inner)
        lowest = np.minimum.reduceat(low, edges[:-1])
        highest = np.maximum.reduceat(high, edges[:-1])
        # an all-NULL bucket's min and max are its first point: one NULL
        picks.append(_first_per_bucket(low == lowest[bucket], bucket) + 1)
        picks.append(_first_per_bucket(high == highest[bucket], bucket) + 1)
        picks.append(_first_per_bucket(missing, bucket) + 1)
    ordered = np.sort(np.concatenate(picks))
    return ordered[_starts_of_runs(ordered)]


def evenly(n: int, max_points: int) -> np.ndarray:
    """Indices (ascending) of at most ``max_points`` of ``n`` rows, evenly spaced by position:
    row ``round(k (n - 1) / (max_points - 1))`` for k = 0 .. max_points - 1, so the first and
    the last row are always kept. For columns that are already smooth (trailing averages and
    deviations), where min/max per bucket of each column would keep different rows."""
    if max_points < MIN_POINTS:
        raise ValueError(f"max_points must be at least {MIN_POINTS}, got {max_points}")
    if n <= max_points:
        return np.arange(n)
    return np.rint(np.linspace(0, n - 1, max_points)).astype(np.intp)
