"""Column scalars: a whole time-series column is one GraphQL value.

A field typed ``[Float]`` makes graphql-core complete and serialise every element on its own
(about 5 µs each): ten years of daily technicals for five indicators is 80,000 elements and
most of a request's time. ``DateColumn`` and ``FloatColumn`` are leaf scalars whose value is
the whole list, serialised in one call, so a column costs about as much as its JSON encoding.
The JSON a client receives is exactly what the list types gave (an array of ISO dates, an
array of numbers and nulls); what the schema no longer states per element, each scalar's
description states once. They are output types only: no argument takes a column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import NewType

import numpy as np
import strawberry
from strawberry.types.scalar import ScalarDefinition


class _IsoDates(dict[date, str]):
    """Each date's ISO string, made once: series share their dates (every daily series has
    the same business days), so after the first requests a column is dictionary lookups."""

    #: dates come from the database, not from requests, and a century of days is 36,525
    limit = 200_000

    def __missing__(self, day: date) -> str:
        if len(self) >= self.limit:
            self.clear()
        text = self[day] = day.isoformat()
        return text


_ISO_DATES = _IsoDates()


def _dates_out(column: Sequence[date]) -> list[str]:
    return list(map(_ISO_DATES.__getitem__, column))


def _floats_out(column: Sequence[float | None]) -> Sequence[float | None]:
    """JSON has no NaN or infinity (GraphQL's Float refuses them): they become null. A column
    of finite floats only, the usual case, is checked in one numpy pass and sent as it is."""
    if np.isfinite(np.asarray(column, dtype=float)).all():
        return column
    return [None if v is None or not math.isfinite(v) else float(v) for v in column]


def _output_only(_: object) -> object:
    raise ValueError("a column is an output type; no argument takes one")


DateColumn = NewType("DateColumn", list[date])
FloatColumn = NewType("FloatColumn", list[float | None])

SCALARS: dict[object, ScalarDefinition] = {
    DateColumn: strawberry.scalar(
        name="DateColumn",
        description=(
            "A column of dates: a JSON array of ISO 8601 calendar dates (YYYY-MM-DD), never "
            "null inside, in the order the field states (ascending for every series)."
        ),
        serialize=_dates_out,
        parse_value=_output_only,
    ),
    FloatColumn: strawberry.scalar(
        name="FloatColumn",
        description=(
            "A column of numbers: a JSON array of the same length as its type's `dates`, each "
            "element a double-precision number or null where the value is missing or "
            "undefined (never NaN or infinity)."
        ),
        serialize=_floats_out,
        parse_value=_output_only,
    ),
}
