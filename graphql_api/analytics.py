"""Pure numerics for the API: data in, data out, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

MIN_PAIRS = 3


def _as_arrays(
    dates: Sequence[date], values: Sequence[float | None]
) -> tuple[np.ndarray, np.ndarray]:
    d = np.asarray(dates, dtype="datetime64[D]")
    v = np.asarray([np.nan if x is None else x for x in values], dtype=float)
    keep = ~np.isnan(v)
    return d[keep], v[keep]


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r; None when undefined (fewer than 3 pairs or a constant side)."""
    if x.size < MIN_PAIRS:
        return None
    xc, yc = x - x.mean(), y - y.mean()
    denom = float(np.sqrt(np.dot(xc, xc) * np.dot(yc, yc)))
    if denom == 0.0:
        return None
    return float(np.clip(np.dot(xc, yc) / denom, -1.0, 1.0))


def correlation_matrix(
    series: Sequence[tuple[Sequence[date], Sequence[float | None]]],
) -> tuple[list[list[float | None]], list[list[int]]]:
    """Pairwise Pearson correlation on the dates both series observe (inner join).

    Returns the matrix and the number of overlapping observations per pair; missing
    values (None/NaN) do not count as observations. Dates within a series must be unique.
    """
    arrays = [_as_arrays(d, v) for d, v in series]
    n = len(arrays)
    matrix: list[list[float | None]] = [[None] * n for _ in range(n)]
    counts: list[list[int]] = [[0] * n for _ in range(n)]
    for i in range(n):
        di, vi = arrays[i]
        counts[i][i] = int(vi.size)
        matrix[i][i] = pearson(vi, vi)
        for j in range(i + 1, n):
            dj, vj = arrays[j]
            _, ii, jj = np.intersect1d(di, dj, assume_unique=True, return_indices=True)
            counts[i][j] = counts[j][i] = int(ii.size)
            matrix[i][j] = matrix[j][i] = pearson(vi[ii], vj[jj])
    return matrix, counts
