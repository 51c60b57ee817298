"""Correlations: pairwise Pearson correlation of a few indicators inside a window, on the
monthly basis of ``mart_correlations`` (its stored numbers where the window is one of its
windows) or on the dates both series observe.

Reads go through the request's ``correlation_inputs`` loader (two statements for any number of
ids and aliases); the maths runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from graphql_api.analytics import correlation_matrix
from graphql_api.cancellation import run_off_loop
from graphql_api.errors import BadUserInputError, check_window, unknown_indicator
from graphql_api.loaders import Loaders
from graphql_api.terms import CorrelationBasis

MIN_CORRELATION_IDS = 2
MAX_CORRELATION_IDS = 20


@dataclass(frozen=True, slots=True)
class CorrelationResult:
    """A correlation matrix and, per pair, its points: see ``graphql_api.analytics``."""

    ids: list[str]
    basis: CorrelationBasis
    matrix: list[list[float | None]]
    counts: list[list[int]]
    windows: list[list[str | None]]
    pair_starts: list[list[date | None]]
    pair_ends: list[list[date | None]]
    start: date | None
    end: date | None


def _check_ids(ids: Sequence[str]) -> None:
    if not MIN_CORRELATION_IDS <= len(ids) <= MAX_CORRELATION_IDS:
        raise BadUserInputError(
            f"correlation needs between {MIN_CORRELATION_IDS} and {MAX_CORRELATION_IDS} ids, "
            f"got {len(ids)}"
        )


async def correlation(
    loaders: Loaders,
    ids: Sequence[str],
    start: date | None,
    end: date | None,
    basis: CorrelationBasis = CorrelationBasis.MONTHLY,
) -> CorrelationResult:
    """Pairwise Pearson correlation of ``ids`` on ``basis`` inside [start, end] (open if
    None); ``start``/``end`` echo the window asked for. NOT_FOUND for an unknown id,
    BAD_USER_INPUT for fewer than 2 or more than 20 ids or a reversed window."""
    _check_ids(ids)
    check_window(start, end)
    metas = await loaders.meta.load_many(list(ids))
    for sid, meta in zip(ids, metas, strict=True):
        if meta is None:
            raise unknown_indicator(sid)
    inputs = await loaders.correlation_inputs.load((tuple(ids), start, end, basis.value))
    empty: tuple[list[date], list[float | None]] = ([], [])
    series = [
        (cols.dates, cols.values) if (cols := inputs.points.get(sid)) else empty for sid in ids
    ]
    found = await run_off_loop(correlation_matrix, series, ids, inputs.stored)
    return CorrelationResult(
        ids=list(ids),
        basis=basis,
        matrix=found.matrix,
        counts=found.counts,
        windows=found.windows,
        pair_starts=found.starts,
        pair_ends=found.ends,
        start=start,
        end=end,
    )
