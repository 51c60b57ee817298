"""Query parameters the REST routes share, as ``Annotated`` aliases: one description each.

The vocabularies are ``graphql_api.terms``' Enums; REST takes their values, FRED's own lowercase
codes (``transform=pc1``, ``frequency=m``, ``aggregation=eop``, ``basis=monthly``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator

from graphql_api import downsample
from graphql_api.services.indicators import MAX_POINTS_LIMIT
from graphql_api.terms import Aggregation, CorrelationBasis, Frequency, Transform


def _codes(enum: type[Transform | Frequency | Aggregation | CorrelationBasis]) -> str:
    return ", ".join(f"`{m.value}` ({m.name})" for m in enum)


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: object) -> object:
    """Only a date as the document writes it (``format: date``, RFC 3339's ``YYYY-MM-DD``) is
    a date here: pydantic's lax mode would also read a number, ``0`` or ``1e9``, as a Unix
    time, and Python's ``fromisoformat`` ISO 8601's ``20240131`` and week dates."""
    if isinstance(value, str):
        try:
            if _FULL_DATE.fullmatch(value) is None:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("Input should be a valid date (YYYY-MM-DD)") from None
    return value


SeriesId = Annotated[str, Path(description="FRED series id, for example `DGS10`.")]
Start = Annotated[
    date | None,
    BeforeValidator(iso_date),
    Query(description="First date of the window, inclusive (ISO 8601); open if omitted."),
]
End = Annotated[
    date | None,
    BeforeValidator(iso_date),
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
