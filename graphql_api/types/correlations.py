"""Correlation types: a correlation matrix of a few indicators inside a window."""

from __future__ import annotations

from datetime import date

import strawberry


@strawberry.type
class Correlation:
    ids: list[strawberry.ID]
    matrix: list[list[float | None]] = strawberry.field(
        description="Pearson on dates both series observe; null when fewer than 3 pairs."
    )
    counts: list[list[int]] = strawberry.field(description="Overlapping observations per pair.")
    start: date | None
    end: date | None
