"""Query parameters the REST routes share, as ``Annotated`` aliases: one description each.

The vocabularies are ``graphql_api.terms``' Enums; REST takes their values, FRED's own lowercase
codes (``transform=pc1``, ``frequency=m``, ``aggregation=eop``, ``basis=monthly``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query

from graphql_api import downsample
from graphql_api.services.indicators import MAX_POINTS_LIMIT
from graphql_api.terms import Aggregation, CorrelationBasis, Frequency, Transform


def _codes(enum: type[Transform | Frequency | Aggregation | CorrelationBasis]) -> str:
    return ", ".join(f"`{m.value}` ({m.name})" for m in enum)


SeriesId = Annotated[str, Path(description="FRED series id, for example `DGS10`.")]
Start = Annotated[
    date | None,
    Query(description="First date of the window, inclusive (ISO 8601); open if omitted."),
]
End = Annotated[
    date | None,
    Query(description="Last date of the window, inclusive (ISO 8601); open if omitted."),
]
TransformParam = Annotated[
    Transform,
    Query(
        description=(
            "Units transform, FRED's `units` codes plus whole-history normalisations: "
            + _codes(Transform)
        )
    ),
]
FrequencyParam = Annotated[
    Frequency | None,
    Query(
        description=(
            "Aggregate to a lower frequency, FRED's `frequency` codes: "
            + _codes(Frequency)
            + "; the series' own frequency if omitted."
        )
    ),
]
AggregationParam = Annotated[
    Aggregation,
    Query(
        description=(
            "How a period's observations become one value when `frequency` is given, FRED's "
            "`aggregation_method` codes: " + _codes(Aggregation)
        )
    ),
]
BasisParam = Annotated[
    CorrelationBasis,
    Query(description="How two series' values are paired: " + _codes(CorrelationBasis)),
]
MaxPoints = Annotated[
    int | None,
    Query(
        description=(
            "Downsample to at most this many points (for a chart: about its width in pixels), "
            f"{downsample.MIN_POINTS} to {MAX_POINTS_LIMIT}; every point if omitted."
        ),
        ge=downsample.MIN_POINTS,
        le=MAX_POINTS_LIMIT,
    ),
]
