"""REST reads of the analytics marts: technicals, candles, window statistics, trends and
correlations. Each route calls the service function the GraphQL field of the same read calls,
so both surfaces answer the same numbers; the response models are ``rest.models``'."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import WithJsonSchema

from graphql_api.deps import DBDep, LoadersDep
from graphql_api.records import as_api
from graphql_api.rest.models import rest_model
from graphql_api.rest.params import BasisParam, End, MaxPoints, SeriesId, Start
from graphql_api.rest_errors import ERRORS
from graphql_api.services import technicals as technicals_service
from graphql_api.services import trends as trends_service
from graphql_api.services.correlations import CorrelationResult, correlation
from graphql_api.services.indicators import window_stats
from graphql_api.terms import CANDLE_FREQUENCIES, CorrelationBasis, Frequency
from graphql_api.types.analytics import Candles, Technicals, WindowStats
from graphql_api.types.correlations import Correlation
from graphql_api.types.trends import Trend
from models.analytics_repository import CandleColumns, TechnicalColumns
from models.analytics_repository import WindowStats as WindowStatsRecord
from models.trend_repository import SeriesTrend

router = APIRouter(tags=["analytics"])

_ID = (str, "FRED series id.")
_START = (date | None, "Window start asked for (inclusive); null if open.")
_END = (date | None, "Window end asked for (inclusive); null if open.")

TechnicalsOut = rest_model(
    "TechnicalsOut", TechnicalColumns, Technicals, {"id": _ID, "start": _START, "end": _END}
)
CandlesOut = rest_model(
    "CandlesOut",
    CandleColumns,
    Candles,
    {
        "id": _ID,
        "frequency": (Frequency, "Candle period: `w` (weeks) or `m` (months)."),
        "start": _START,
        "end": _END,
    },
)
WindowStatsOut = rest_model("WindowStatsOut", WindowStatsRecord, WindowStats)
TrendOut = rest_model("TrendOut", SeriesTrend, Trend)
CorrelationOut = rest_model("CorrelationOut", CorrelationResult, Correlation)

_CANDLE_PERIODS = "Candle period: " + " or ".join(
    f"`{f.value}` ({f.name})" for f in CANDLE_FREQUENCIES
)
#: parsed as any ``Frequency`` (the service refuses the others with its own message), but
#: documented as the two it takes, so the document does not promise quarterly candles
CandleFrequency = Annotated[
    Frequency,
    Query(description=_CANDLE_PERIODS + "."),
    WithJsonSchema({"type": "string", "enum": [f.value for f in CANDLE_FREQUENCIES]}),
]
Ids = Annotated[
    list[str],
    Query(
        description=(
            "Indicator ids, repeated (`ids=DGS10&ids=DGS2`) or comma-separated "
            "(`ids=DGS10,DGS2`), in the order wanted."
        )
    ),
]
OptionalIds = Annotated[
    list[str] | None,
    Query(
        description=(
            "Indicator ids, repeated or comma-separated, in the order wanted; every indicator "
            "(by id) when omitted."
        )
    ),
]


def _split(ids: list[str]) -> list[str]:
    return [part.strip() for value in ids for part in value.split(",") if part.strip()]


@router.get(
    "/indicators/{series_id}/technicals",
    summary="Moving averages, volatilities and Bollinger bands of a daily indicator",
    response_model=TechnicalsOut,
    responses=ERRORS,
)
async def get_technicals(
    series_id: SeriesId,
    loaders: LoadersDep,
    start: Start = None,
    end: End = None,
    max_points: MaxPoints = None,
) -> Any:
    cols = await technicals_service.technicals(loaders, series_id, start, end, max_points)
    return as_api(TechnicalsOut, cols, id=series_id, start=start, end=end)


@router.get(
    "/indicators/{series_id}/candles",
    summary="Open, high, low and close per week or month of a daily indicator",
    response_model=CandlesOut,
    responses=ERRORS,
)
async def get_candles(
    series_id: SeriesId,
    loaders: LoadersDep,
    frequency: CandleFrequency = Frequency.MONTHLY,
    start: Start = None,
    end: End = None,
) -> Any:
    cols = await technicals_service.candles(loaders, series_id, frequency, start, end)
    return as_api(CandlesOut, cols, id=series_id, frequency=frequency, start=start, end=end)


@router.get(
    "/indicators/{series_id}/window-stats",
    summary="Statistics over the full history and the last 1, 5 and 10 years",
    response_model=list[WindowStatsOut],  # type: ignore[valid-type]
    responses=ERRORS,
)
async def get_window_stats(series_id: SeriesId, loaders: LoadersDep) -> Any:
    return [as_api(WindowStatsOut, w) for w in await window_stats(loaders, series_id)]


@router.get(
    "/indicators/{series_id}/trend",
    summary="Latest value and its changes over standard horizons",
    response_model=TrendOut,
    responses=ERRORS,
)
async def get_trend(series_id: SeriesId, loaders: LoadersDep) -> Any:
    return as_api(TrendOut, await trends_service.trend(loaders, series_id))


@router.get(
    "/trends",
    summary="Market movers: the trend of every indicator, or of the ids given, in one call",
    response_model=list[TrendOut],  # type: ignore[valid-type]
    responses=ERRORS,
)
async def get_trends(db: DBDep, loaders: LoadersDep, ids: OptionalIds = None) -> Any:
    rows = await trends_service.trends(db, loaders, None if ids is None else _split(ids))
    return [as_api(TrendOut, t) for t in rows]


@router.get(
    "/correlation",
    summary="Pairwise correlation of 2 to 20 indicators inside a window",
    response_model=CorrelationOut,
    responses=ERRORS,
)
async def get_correlation(
    loaders: LoadersDep,
    ids: Ids,
    start: Start = None,
    end: End = None,
    basis: BasisParam = CorrelationBasis.MONTHLY,
) -> Any:
    return as_api(CorrelationOut, await correlation(loaders, _split(ids), start, end, basis))
