"""Correlation types: a correlation matrix of a few indicators inside a window, and the basis
their values are paired on."""

from __future__ import annotations

from datetime import date

import strawberry

from graphql_api.terms import CorrelationBasis

strawberry.enum(
    CorrelationBasis,
    description=(
        "How two series' values are paired before Pearson's r. MONTHLY: calendar-month "
        "averages (each month labelled by its first day) of series observed monthly or more "
        "often (daily, weekly, biweekly, monthly), paired on the months both have; quarterly "
        "and annual series have no monthly values. DAILY: the values on the dates both "
        "series observe (an exact-date inner join of their observations, whatever their "
        "frequency); for two daily series these are exactly mart_correlations' daily pairs."
    ),
)


@strawberry.type(
    description=(
        "Pairwise Pearson correlation of 2 to 20 indicators inside a window, on one basis. "
        "Every list is a symmetric matrix indexed like `ids`. Each pair uses all its own "
        "common points (pairwise overlap), whatever the other indicators hold. On the MONTHLY "
        "basis a window selects the months whose first day lies in [start, end]; where a "
        "pair's points are exactly one of mart_correlations' stored windows (an open window "
        "is its `full` one), the stored number is served as is, otherwise it is computed the "
        "same way (centred Pearson on the same monthly averages; agreement ~1e-13)."
    )
)
class Correlation:
    ids: list[strawberry.ID] = strawberry.field(description="The indicators, in request order.")
    basis: CorrelationBasis = strawberry.field(description="How values were paired.")
    matrix: list[list[float | None]] = strawberry.field(
        description=(
            "Pearson's r per pair; null when fewer than 3 common points or when either "
            "side's values are all equal. The diagonal is 1 where defined."
        )
    )
    counts: list[list[int]] = strawberry.field(
        description=(
            "Common points per pair (months on MONTHLY, dates on DAILY); the diagonal is the "
            "indicator's own number of points in the window."
        )
    )
    windows: list[list[str | None]] = strawberry.field(
        description=(
            "The mart_correlations window (`full`, `1y`, `5y`, `10y`) whose stored number "
            "`matrix` serves for the pair, or null where it was computed for this window."
        )
    )
    pair_starts: list[list[date | None]] = strawberry.field(
        description="First common point of each pair (null without one)."
    )
    pair_ends: list[list[date | None]] = strawberry.field(
        description="Last common point of each pair (null without one)."
    )
    start: date | None = strawberry.field(description="The window's start as asked (inclusive).")
    end: date | None = strawberry.field(description="The window's end as asked (inclusive).")
