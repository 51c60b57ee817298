"""Static charts: ``GET /api/v1/charts/{id}.png`` and ``.svg`` (``graphql_api.charts``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from graphql_api import charts
from graphql_api.charts import ChartFormat, ChartRequest, ChartSize
from graphql_api.deps import CacheDep, DBDep, LoadersDep
from graphql_api.rest.params import (
    AggregationParam,
    End,
    FrequencyParam,
    SeriesId,
    Start,
    TransformParam,
)
from graphql_api.rest_errors import ERRORS
from graphql_api.terms import Aggregation, Transform

router = APIRouter(tags=["charts"])

_W, _H, _D = charts.WIDTH_RANGE, charts.HEIGHT_RANGE, charts.DPI_RANGE
Width = Annotated[
    int, Query(description=f"Image width in pixels, {_W[0]} to {_W[1]}.", ge=_W[0], le=_W[1])
]
Height = Annotated[
    int, Query(description=f"Image height in pixels, {_H[0]} to {_H[1]}.", ge=_H[0], le=_H[1])
]
Dpi = Annotated[
    int,
    Query(
        description=(
            f"Dots per inch, {_D[0]} to {_D[1]}: scales text and lines inside the pixel size "
            "(and the physical size an SVG declares)."
        ),
        ge=_D[0],
        le=_D[1],
    ),
]
WithForecast = Annotated[
    bool,
    Query(
        description=(
            "Overlay the newest forecast: its mean and 80 % and 95 % intervals (series' own "
            "units: needs `transform=lin` and no `frequency`)."
        )
    ),
]
FormatPath = Annotated[ChartFormat, Path(description="Image format: the file extension.")]

IMAGES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The chart; `ETag` names the data version and parameters it was drawn "
        "at, `X-Cache` says whether it came from the cache.",
        "content": {media: {} for media in charts.MEDIA_TYPES.values()},
    },
    304: {"description": "`If-None-Match` named the current image."},
}


@router.get(
    "/charts/{series_id}.{fmt}",
    summary="A chart of an indicator as PNG or SVG, with an optional forecast band",
    response_class=Response,
    responses={**IMAGES, **ERRORS},
)
async def get_chart(
    request: Request,
    series_id: SeriesId,
    fmt: FormatPath,
    db: DBDep,
    loaders: LoadersDep,
    cache: CacheDep,
    start: Start = None,
    end: End = None,
    transform: TransformParam = Transform.LEVEL,
    frequency: FrequencyParam = None,
    aggregation: AggregationParam = Aggregation.AVG,
    forecast: WithForecast = False,
    width: Width = charts.DEFAULT_WIDTH,
    height: Height = charts.DEFAULT_HEIGHT,
    dpi: Dpi = charts.DEFAULT_DPI,
) -> Response:
    req = ChartRequest(
        series_id,
        start,
        end,
        transform,
        frequency,
        aggregation,
        forecast,
        fmt,
        ChartSize(width, height, dpi),
    )
    charts.check_request(req)
    etag = f'"{await charts.chart_etag(db, req)}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    image = await charts.chart(db, loaders, cache, req)
    headers = {"ETag": f'"{image.etag}"', "X-Cache": "hit" if image.cached else "miss"}
    return Response(image.content, media_type=image.media_type, headers=headers)
