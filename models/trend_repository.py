"""Read repository over ``mart_series_trends``: each indicator's latest value and its changes
over standard horizons ("models" = this storage package; the mart is a dbt model).

One statement answers any number of series: ``dim_series`` left-joined to the mart, so an
indicator with no observation yet still has a row (its values NULL) and an id that is not in
the catalog has none, which is how a caller tells "no data" from "unknown".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from models import marts
from models.values import as_date, finite

_dim = sa.table(marts.DIM_SERIES, sa.column("series_id"))
_trends = sa.table(marts.SERIES_TRENDS, *(sa.column(c) for c in marts.TREND_COLUMNS))
#: The mart's value columns, served under the same names.
_VALUES = (
    "latest_value",
    "change_1d",
    "change_1w",
    "change_1m",
    "change_3m",
    "change_1y",
    "change_ytd",
    "pct_change_1y",
    "high_52w",
    "low_52w",
    "zscore_1y",
)


@dataclass(frozen=True, slots=True)
class SeriesTrend:
    """A ``mart_series_trends`` row under the API's names; every value None when the series
    has no observation (the definitions are the mart's, see its YAML)."""

    id: str
    latest_date: date | None = None
    latest_value: float | None = None
    change_1d: float | None = None
    change_1w: float | None = None
    change_1m: float | None = None
    change_3m: float | None = None
    change_1y: float | None = None
    change_ytd: float | None = None
    pct_change_1y: float | None = None
    high_52w: float | None = None
    low_52w: float | None = None
    zscore_1y: float | None = None


def trends(conn: sa.Connection, ids: Sequence[str] | None) -> dict[str, SeriesTrend]:
    """The trend of each catalog series among ``ids`` (every series when None), by id."""
    if ids is not None and not ids:
        return {}
    stmt = sa.select(
        _dim.c.series_id, _trends.c.latest_date, *(_trends.c[c] for c in _VALUES)
    ).select_from(_dim.outerjoin(_trends, _dim.c.series_id == _trends.c.series_id))
    if ids is not None:
        stmt = stmt.where(_dim.c.series_id.in_(list(ids)))
    result: Iterable[Any] = conn.execute(stmt.order_by(_dim.c.series_id))
    out: dict[str, SeriesTrend] = {}
    for sid, latest_date, *values in result:
        out[str(sid)] = SeriesTrend(str(sid), as_date(latest_date), *(finite(v) for v in values))
    return out
