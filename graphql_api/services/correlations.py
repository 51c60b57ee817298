"""Correlations: pairwise Pearson correlation of a few indicators inside a window."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from graphql_api.analytics import correlation_matrix
from graphql_api.errors import BadUserInputError, check_window, unknown_indicator
from graphql_api.loaders import Loaders

MIN_CORRELATION_IDS = 2
MAX_CORRELATION_IDS = 20


@dataclass(frozen=True, slots=True)
class CorrelationResult:
    ids: list[str]
    matrix: list[list[float | None]]
    counts: list[list[int]]
    start: date | None
    end: date | None


async def correlation(
    loaders: Loaders, ids: Sequence[str], start: date | None, end: date | None
) -> CorrelationResult:
    """Pairwise Pearson correlation; ``start``/``end`` echo the window asked for."""
    if not MIN_CORRELATION_IDS <= len(ids) <= MAX_CORRELATION_IDS:
        raise BadUserInputError(
            f"correlation needs between {MIN_CORRELATION_IDS} and {MAX_CORRELATION_IDS} ids, "
            f"got {len(ids)}"
        )
    check_window(start, end)
    metas = await loaders.meta.load_many(list(ids))
    for sid, meta in zip(ids, metas, strict=True):
        if meta is None:
            raise unknown_indicator(sid)
    cols = await asyncio.gather(*(loaders.observations.load((sid, start, end)) for sid in ids))
    matrix, counts = correlation_matrix([(c.dates, c.values) for c in cols])
    return CorrelationResult(list(ids), matrix, counts, start, end)
