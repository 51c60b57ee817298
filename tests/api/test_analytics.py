"""The pure correlation function against numpy, no database."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from graphql_api.analytics import correlation_matrix

D0 = date(2020, 1, 1)


def days(n: int, offset: int = 0) -> list[date]:
    return [D0 + timedelta(days=offset + i) for i in range(n)]


def test_aligns_on_common_dates_before_correlating() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=50), rng.normal(size=50)
    matrix, counts = correlation_matrix([(days(50), list(x)), (days(50, offset=10), list(y))])
    expected = np.corrcoef(x[10:], y[:40])[0, 1]
    assert counts == [[50, 40], [40, 50]]
    assert matrix[0][1] == pytest.approx(expected)
    assert matrix[1][0] == pytest.approx(expected)


def test_fewer_than_three_pairs_is_null() -> None:
    matrix, counts = correlation_matrix(
        [(days(5), [1.0, 2, 3, 4, 5]), (days(5, 3), [5.0, 1, 2, 3, 4])]
    )
    assert counts[0][1] == 2
    assert matrix[0][1] is None


def test_missing_values_and_constant_series() -> None:
    series = [
        (days(4), [1.0, None, 3.0, 4.0]),
        (days(4), [2.0, 2.0, 2.0, 2.0]),
        (days(4), [1.0, 5.0, 2.0, 8.0]),
    ]
    matrix, counts = correlation_matrix(series)
    assert counts[0][0] == 3
    assert counts[0][2] == 3
    assert matrix[0][1] is None  # constant side: undefined, not NaN
    assert matrix[0][2] == pytest.approx(np.corrcoef([1, 3, 4], [1, 2, 8])[0, 1])
    assert matrix[1][1] is None
