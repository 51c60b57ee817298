"""The pure correlation function against numpy, no database."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from graphql_api.analytics import correlation_matrix
from models.correlation_repository import StoredCorrelation

D0 = date(2020, 1, 1)


def days(n: int, offset: int = 0) -> list[date]:
    return [D0 + timedelta(days=offset + i) for i in range(n)]


def test_aligns_on_common_dates_before_correlating() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=50), rng.normal(size=50)
    found = correlation_matrix([(days(50), list(x)), (days(50, offset=10), list(y))])
    expected = np.corrcoef(x[10:], y[:40])[0, 1]
    assert found.counts == [[50, 40], [40, 50]]
    assert found.matrix[0][1] == pytest.approx(expected, rel=1e-12)
    assert found.matrix[1][0] == found.matrix[0][1]
    assert found.matrix[0][0] == found.matrix[1][1] == 1.0
    assert found.starts[0][1] == D0 + timedelta(days=10)
    assert found.ends[0][1] == D0 + timedelta(days=49)
    assert found.windows == [[None, None], [None, None]]


def test_each_pair_uses_its_own_overlap() -> None:
    """Pairwise, not listwise: a short third series does not shrink the other pair."""
    rng = np.random.default_rng(2)
    x, y, z = rng.normal(size=30), rng.normal(size=30), rng.normal(size=5)
    found = correlation_matrix([(days(30), list(x)), (days(30), list(y)), (days(5), list(z))])
    assert found.counts[0][1] == 30
    assert found.matrix[0][1] == pytest.approx(np.corrcoef(x, y)[0, 1], rel=1e-12)
    assert found.counts[0][2] == 5
    assert found.matrix[0][2] == pytest.approx(np.corrcoef(x[:5], z)[0, 1], rel=1e-12)


def test_fewer_than_three_pairs_is_null() -> None:
    found = correlation_matrix([(days(5), [1.0, 2, 3, 4, 5]), (days(5, 3), [5.0, 1, 2, 3, 4])])
    assert found.counts[0][1] == 2
    assert found.matrix[0][1] is None


def test_missing_values_and_constant_series() -> None:
    series = [
        (days(4), [1.0, None, 3.0, 4.0]),
        (days(4), [0.1, 0.1, 0.1, 0.1]),
        (days(4), [1.0, 5.0, 2.0, 8.0]),
    ]
    found = correlation_matrix(series)
    assert found.counts[0][0] == 3
    assert found.counts[0][2] == 3
    assert found.matrix[0][1] is None  # constant side: undefined, not NaN nor rounding noise
    assert found.matrix[0][2] == pytest.approx(np.corrcoef([1, 3, 4], [1, 2, 8])[0, 1])
    assert found.matrix[1][1] is None


def _stored(points: list[date], r: float, name: str) -> StoredCorrelation:
    return StoredCorrelation(name, r, len(points), points[0], points[-1])


def test_a_stored_window_with_exactly_the_pairs_points_is_served() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=20), rng.normal(size=20)
    stored = {("A", "B"): [_stored(days(20), 0.125, "full")]}
    found = correlation_matrix([(days(20), list(x)), (days(20), list(y))], ["B", "A"], stored)
    assert found.matrix[0][1] == found.matrix[1][0] == 0.125
    assert found.windows[0][1] == found.windows[1][0] == "full"


def test_a_stored_window_with_other_points_is_not_served() -> None:
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=20), rng.normal(size=20)
    stored = {
        ("A", "B"): [
            _stored(days(19), 0.125, "1y"),  # one point short
            _stored(days(20, offset=1), 0.25, "5y"),  # same count, shifted
        ]
    }
    found = correlation_matrix([(days(20), list(x)), (days(20), list(y))], ["A", "B"], stored)
    assert found.matrix[0][1] == pytest.approx(np.corrcoef(x, y)[0, 1], rel=1e-12)
    assert found.windows[0][1] is None
