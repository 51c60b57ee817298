"""Min/max-per-bucket downsampling (``graphql_api.downsample``): pure properties, no database."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graphql_api.downsample import evenly, keep


def random_walk(n: int, seed: int, null_share: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.cumsum(rng.normal(size=n))
    values[rng.random(n) < null_share] = np.nan
    return values


def null_runs(values: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of NaN."""
    runs, start = [], None
    for i, missing in enumerate(np.isnan(values)):
        if missing and start is None:
            start = i
        if not missing and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(values) - 1))
    return runs


@pytest.mark.parametrize(
    ("n", "max_points", "null_share"),
    [(16_000, 1400, 0.0), (16_000, 1400, 0.02), (1401, 1400, 0.0), (5000, 5, 0.3)],
)
def test_result_fits_the_budget_keeps_the_ends_and_every_extreme(
    n: int, max_points: int, null_share: float
) -> None:
    values = random_walk(n, seed=n + max_points, null_share=null_share)
    kept = keep(values, max_points)
    assert len(kept) <= max_points
    assert kept[0] == 0 and kept[-1] == n - 1
    assert np.all(np.diff(kept) > 0)  # a subsequence, in order
    assert np.nanmin(values[kept]) == np.nanmin(values)
    assert np.nanmax(values[kept]) == np.nanmax(values)


@pytest.mark.parametrize("max_points", [2, 3, 4])
def test_the_smallest_budgets_keep_the_first_and_last_points(max_points: int) -> None:
    """Below 5 points a bucket (2 points, 3 with a gap) may not fit: the ends are all."""
    values = random_walk(50, seed=2, null_share=0.5)
    kept = keep(values, max_points)
    assert kept[0] == 0 and kept[-1] == 49 and len(kept) <= max_points


def test_budget_is_used_when_there_are_no_gaps() -> None:
    kept = keep(random_walk(16_000, seed=3), 1400)
    assert len(kept) >= 1390  # two per bucket, minus the odd bucket whose min is its max


def test_short_series_are_returned_whole() -> None:
    values = random_walk(100, seed=1, null_share=0.2)
    assert keep(values, 100).tolist() == list(range(100))


def test_every_bucket_keeps_its_own_lowest_and_highest_point() -> None:
    """A brute-force check of the rule on 1000 points in 4 buckets of 2 points' budget each."""
    values = random_walk(1002, seed=7)
    kept = set(keep(values, 10).tolist())
    inner = values[1:-1]
    for bucket in np.array_split(np.arange(1000), 4):
        assert int(bucket[np.argmin(inner[bucket])]) + 1 in kept
        assert int(bucket[np.argmax(inner[bucket])]) + 1 in kept
    assert len(kept) == 10


def test_gaps_at_least_one_bucket_long_survive_as_nulls() -> None:
    values = random_walk(20_000, seed=11)
    rng = np.random.default_rng(5)
    for start in rng.choice(19_000, size=60, replace=False):
        values[start : start + int(rng.integers(1, 120))] = np.nan
    max_points = 600
    kept = keep(values, max_points)
    assert len(kept) <= max_points
    bucket = math.ceil((len(values) - 2) / ((max_points - 2) // 3))
    long_runs = [(a, b) for a, b in null_runs(values) if b - a + 1 >= bucket]
    assert long_runs, "the data must have gaps as long as a bucket"
    for a, b in long_runs:
        assert np.any((kept >= a) & (kept <= b)), (a, b)


def test_all_null_series_keeps_nulls_only() -> None:
    kept = keep(np.full(1000, np.nan), 10)
    assert 2 <= len(kept) <= 10 and kept[0] == 0 and kept[-1] == 999


@pytest.mark.parametrize("max_points", [1, 0, -4])
def test_a_budget_below_two_points_is_refused(max_points: int) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        keep(random_walk(10, seed=1), max_points)


@pytest.mark.parametrize(("n", "max_points"), [(10, 2), (2609, 1500), (1501, 1500), (7, 3)])
def test_evenly_keeps_the_documented_positions(n: int, max_points: int) -> None:
    kept = evenly(n, max_points).tolist()
    assert kept == [round(k * (n - 1) / (max_points - 1)) for k in range(max_points)]
    assert kept[0] == 0 and kept[-1] == n - 1
    assert kept == sorted(set(kept)), "strictly ascending: no row twice"


def test_evenly_keeps_every_row_within_the_budget_and_refuses_a_budget_below_two() -> None:
    assert evenly(5, 5).tolist() == [0, 1, 2, 3, 4]
    assert evenly(0, 10).tolist() == []
    with pytest.raises(ValueError, match="at least 2"):
        evenly(10, 1)
