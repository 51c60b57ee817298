"""The trend type ("market movers"): an indicator's latest value and its changes over standard
horizons, as dbt's ``mart_series_trends`` stores them."""

from __future__ import annotations

from datetime import date

import strawberry

_CHANGE = (
    "latestValue minus the value of the latest observation on or before {reference}; null "
    "when the series has no observation that early."
)


@strawberry.type(
    description=(
        "Latest value and changes over standard horizons (mart_series_trends). A horizon's "
        "base is the latest observation on or before its reference date, so a series observed "
        "less often than the horizon compares with its previous observation (a monthly "
        "series' change1d is against the previous month). Values are in the series' units; "
        "every field is null where undefined, and all of them for an indicator without "
        "observations."
    )
)
class Trend:
    id: strawberry.ID = strawberry.field(description="The indicator's id.")
    latest_date: date | None = strawberry.field(description="The last observation date.")
    latest_value: float | None = strawberry.field(description="The value at latestDate.")
    change_1d: float | None = strawberry.field(
        description=_CHANGE.format(reference="latestDate - 1 day")
    )
    change_1w: float | None = strawberry.field(
        description=_CHANGE.format(reference="latestDate - 7 days")
    )
    change_1m: float | None = strawberry.field(
        description=_CHANGE.format(
            reference="latestDate - 1 calendar month (day clamped to the month's end)"
        )
    )
    change_3m: float | None = strawberry.field(
        description=_CHANGE.format(reference="latestDate - 3 calendar months")
    )
    change_1y: float | None = strawberry.field(
        description=_CHANGE.format(reference="latestDate - 12 calendar months")
    )
    change_ytd: float | None = strawberry.field(
        description=_CHANGE.format(reference="Dec 31 of the year before latestDate's")
    )
    pct_change_1y: float | None = strawberry.field(
        description=(
            "Percent change from change1y's base: 100 * change1y / base; null without a "
            "base or where it is 0."
        )
    )
    high_52w: float | None = strawberry.field(
        description="Largest value over the 52 weeks ending at latestDate (the last 364 days)."
    )
    low_52w: float | None = strawberry.field(
        description="Smallest value over the 52 weeks ending at latestDate (the last 364 days)."
    )
    zscore_1y: float | None = strawberry.field(
        description=(
            "(latestValue - mean) / sample standard deviation over the observations after "
            "latestDate - 12 months; null below 2 observations or for a constant year."
        )
    )
