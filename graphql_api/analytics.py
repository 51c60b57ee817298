"""Pure numerics for the API: data in, data out, no I/O. Callers run them in a worker thread
(they are CPU work a 20-series request would otherwise do on the event loop)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from models.correlation_repository import StoredCorrelation

#: Below three pairs a correlation is undefined (as in dbt's pearson_from_centred_sums).
MIN_PAIRS = 3


@dataclass(frozen=True, slots=True)
class CorrelationMatrix:
    """Pairwise results, symmetric, indexed like the input series.

    ``windows[i][j]`` names the ``mart_correlations`` window whose number was served (the
    pair's points were exactly that stored window's), None where it was computed here.
    ``starts``/``ends`` are the first and last common points of each pair (None without one).
    """

    matrix: list[list[float | None]]
    counts: list[list[int]]
    windows: list[list[str | None]]
    starts: list[list[date | None]]
    ends: list[list[date | None]]


def _as_arrays(
    dates: Sequence[date], values: Sequence[float | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Dates as day ordinals (a tenth of the cost of datetime64 conversion) and values as
    floats, without the missing ones."""
    d = np.fromiter((x.toordinal() for x in dates), dtype=np.int64, count=len(dates))
    v = np.fromiter((np.nan if x is None else x for x in values), dtype=float, count=len(values))
    keep = ~np.isnan(v)
    return d[keep], v[keep]


def _day(ordinal: np.int64) -> date:
    return date.fromordinal(int(ordinal))


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r from centred sums, as dbt's ``pearson_from_centred_sums``: None when
    undefined (fewer than 3 pairs, or a side whose values are all equal: its centred sum need
    not round to exactly 0), clamped to [-1, 1] against rounding."""
    if x.size < MIN_PAIRS or x.min() == x.max() or y.min() == y.max():
        return None
    # elementwise products and numpy's pairwise sum, not np.dot: BLAS threads cost ~100x more
    # than the arithmetic on a busy machine, and the pairwise sum is as accurate
    xc, yc = x - x.mean(), y - y.mean()
    denom = float(np.sqrt((xc * xc).sum()) * np.sqrt((yc * yc).sum()))
    if denom == 0.0:
        return None
    return float(np.clip((xc * yc).sum() / denom, -1.0, 1.0))


def _stored_match(
    stored: Sequence[StoredCorrelation], n: int, first: date, last: date
) -> StoredCorrelation | None:
    """The stored window holding exactly these points: a pair's windows are runs of its
    common points, so equal first point, last point and count mean the same points."""
    for row in stored:
        if (row.n_obs, row.start_date, row.end_date) == (n, first, last):
            return row
    return None


def correlation_matrix(
    series: Sequence[tuple[Sequence[date], Sequence[float | None]]],
    ids: Sequence[str] | None = None,
    stored: Mapping[tuple[str, str], Sequence[StoredCorrelation]] | None = None,
) -> CorrelationMatrix:
    """Pairwise Pearson correlation on the points both series have (pairwise overlap: each
    pair uses all its own common points, whatever the other series hold).

    Missing values (None/NaN) are not points. Dates within a series must be unique. Where
    ``stored`` (keyed by the ids, smaller first) holds a window of the pair with exactly the
    pair's points, its correlation is served instead of recomputing it, so the answer is the
    stored one bit for bit; recomputed values agree with it to ~1e-13.
    """
    arrays = [_as_arrays(d, v) for d, v in series]
    n = len(arrays)
    matrix: list[list[float | None]] = [[None] * n for _ in range(n)]
    counts = [[0] * n for _ in range(n)]
    windows: list[list[str | None]] = [[None] * n for _ in range(n)]
    starts: list[list[date | None]] = [[None] * n for _ in range(n)]
    ends: list[list[date | None]] = [[None] * n for _ in range(n)]
    for i in range(n):
        di, vi = arrays[i]
        counts[i][i] = int(vi.size)
        # r(x, x) is 1 by definition wherever r is defined (centred sums round to 1 - 1e-16)
        matrix[i][i] = None if pearson(vi, vi) is None else 1.0
        if di.size:
            starts[i][i], ends[i][i] = _day(di[0]), _day(di[-1])
        for j in range(i + 1, n):
            dj, vj = arrays[j]
            common, ii, jj = np.intersect1d(di, dj, assume_unique=True, return_indices=True)
            count = int(common.size)
            counts[i][j] = counts[j][i] = count
            if not count:
                continue
            first, last = _day(common[0]), _day(common[-1])
            starts[i][j] = starts[j][i] = first
            ends[i][j] = ends[j][i] = last
            found = None
            if stored is not None and ids is not None:
                key = (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i])
                found = _stored_match(stored.get(key, ()), count, first, last)
            if found is not None:
                matrix[i][j] = matrix[j][i] = found.correlation
                windows[i][j] = windows[j][i] = found.window_name
            else:
                matrix[i][j] = matrix[j][i] = pearson(vi[ii], vj[jj])
    return CorrelationMatrix(matrix, counts, windows, starts, ends)
