"""Value coercions every layer needs when it reads what either database hands back: dates that
a driver returns as datetimes or text, floats that may be NaN, and the naive-UTC timestamps the
tables store. One home, so DuckDB and MariaDB quirks are handled in one place."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, overload


@overload
def as_date(value: None) -> None: ...
@overload
def as_date(value: date | datetime | str) -> date: ...
@overload
def as_date(value: object) -> date | None: ...
def as_date(value: object) -> date | None:
    """A DATE as Python reads it from either backend (dbt may materialise timestamps, a driver
    may hand back text) as a ``date``; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def finite(value: object) -> float | None:
    """A number as a float, or ``None`` where it is missing, NaN or infinite: undefined, and
    not representable in JSON (the API serves null)."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def finite_json(value: Any) -> Any:
    """``finite`` applied through a JSON-like structure (mappings, lists, tuples) before it is
    stored as JSON; numpy scalars become Python numbers; other leaves are kept as they are."""
    if isinstance(value, float):
        return finite(value)
    if isinstance(value, Mapping):
        return {str(k): finite_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return finite_json(value.item())
    return value


def utcnow() -> datetime:
    """Now in UTC as a naive datetime: the form every timestamp column stores (MySQL's
    DATETIME has no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


@overload
def as_utc(value: None) -> None: ...
@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: datetime | None) -> datetime | None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """A stored timestamp as an aware UTC datetime, the form every reader hands out. Columns
    store naive UTC (``utcnow``); a driver or a dbt mart that returns an aware value (DuckDB's
    TIMESTAMPTZ, in the session's zone) is converted rather than relabelled."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
