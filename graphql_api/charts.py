"""Static charts of an indicator (PNG or SVG) for reports and e-mail, drawn with Matplotlib.

Two halves:

- ``render_chart`` is pure: data in, image bytes out. It uses Matplotlib's object-oriented
  API only (a ``Figure`` of its own, never ``pyplot`` and its global current figure), with the
  Agg canvas for PNG and the SVG canvas for SVG, so it can run in a worker thread. Matplotlib
  does not promise that everything it caches globally (fonts, text layout) is safe under
  concurrent use, so renders take one lock: they are CPU-bound under the GIL anyway, and the
  event loop is free either way.
- ``chart`` is the use case behind ``GET /api/v1/charts/{id}.png|svg``: it reads through the
  same service functions as GraphQL (``services.indicators.observations`` with the same
  window, transform and frequency parameters; ``services.forecasts.forecast`` for the band),
  renders off the event loop, and caches the image by data version and parameters in the
  app's ``Cache`` (a string store: the bytes travel as base64).
"""

from __future__ import annotations

import base64
import io
import threading
from dataclasses import dataclass
from datetime import date
from enum import Enum

import numpy as np
from anyio import to_thread
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from graphql_api.cache import Cache, cache_key
from graphql_api.cancellation import run_off_loop
from graphql_api.db import RequestDB
from graphql_api.errors import BadUserInputError
from graphql_api.loaders import Loaders
from graphql_api.services import forecasts, indicators
from graphql_api.terms import Aggregation, Frequency, Transform
from models.forecast_repository import ForecastColumns
from models.series_repository import SeriesColumns


class ChartFormat(Enum):
    PNG = "png"
    SVG = "svg"


MEDIA_TYPES = {ChartFormat.PNG: "image/png", ChartFormat.SVG: "image/svg+xml"}

#: Bounds of the size parameters: pixels, and dots per inch (which scales the text and lines
#: inside a given pixel size). 2400 x 1600 at 300 dpi is a print-quality A5 figure.
WIDTH_RANGE = (200, 2400)
HEIGHT_RANGE = (150, 1600)
DPI_RANGE = (50, 300)
DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_DPI = 900, 450, 100
#: Points drawn per horizontal pixel at most: more cannot be seen, and the line of a
#: downsampled series (``services.indicators``' ``max_points``) keeps its extremes.
POINTS_PER_PIXEL = 2

#: FRED's names of its ``units`` codes (and ours for the normalisations), for the y axis.
TRANSFORM_LABELS: dict[Transform, str] = {
    Transform.LEVEL: "{units}",
    Transform.CHG: "Change, {units}",
    Transform.CH1: "Change from a year ago, {units}",
    Transform.PCH: "Percent change",
    Transform.PC1: "Percent change from a year ago",
    Transform.PCA: "Compounded annual rate of change, percent",
    Transform.CCH: "Continuously compounded rate of change, percent",
    Transform.CCA: "Continuously compounded annual rate of change, percent",
    Transform.LOG: "Natural log of {units}",
    Transform.ZSCORE: "Z-score (whole history)",
    Transform.MINMAX: "Min-max scaled, 0 to 1 (whole history)",
    Transform.INDEX100: "Index, first observation = 100",
}

#: Observed line and forecast colours (the band is the forecast colour, translucent).
LINE_COLOR, BAND_COLOR = "#1f5f99", "#e07b00"
_render_lock = threading.Lock()
SVG_HASH_SALT = "fredpipe-chart"


@dataclass(frozen=True, slots=True)
class ChartSize:
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    dpi: int = DEFAULT_DPI


@dataclass(frozen=True, slots=True)
class ChartData:
    """What one chart shows: a series in its (transformed) units and an optional forecast."""

    title: str
    y_label: str
    series: SeriesColumns
    forecast: ForecastColumns | None = None


def _dates(values: list[date]) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def _floats(values: list[float | None] | list[float]) -> np.ndarray:
    return np.asarray([np.nan if v is None else v for v in values], dtype=float)


def _draw(fig: Figure, data: ChartData) -> None:
    ax = fig.add_subplot()
    ax.plot(
        _dates(data.series.dates),
        _floats(data.series.values),
        color=LINE_COLOR,
        lw=1.2,
        label="observed",
    )
    fc = data.forecast
    if fc is not None and fc.dates:
        when = _dates(fc.dates)
        ax.fill_between(
            when,
            fc.lower_95,
            fc.upper_95,
            color=BAND_COLOR,
            alpha=0.18,
            lw=0,
            label="95 % interval",
        )
        ax.fill_between(
            when,
            fc.lower_80,
            fc.upper_80,
            color=BAND_COLOR,
            alpha=0.35,
            lw=0,
            label="80 % interval",
        )
        ax.plot(when, fc.mean, color=BAND_COLOR, lw=1.4, ls="--", label=f"forecast ({fc.model})")
        ax.legend(loc="best", fontsize="small", frameon=False)
    if not data.series.dates and (fc is None or not fc.dates):
        ax.text(
            0.5,
            0.5,
            "no observations in this window",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="0.4",
        )
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_title(data.title, loc="left", fontsize="medium")
    ax.set_ylabel(data.y_label, fontsize="small")
    ax.grid(True, color="0.9", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)


def render_chart(data: ChartData, fmt: ChartFormat, size: ChartSize) -> bytes:
    """The chart as PNG or SVG bytes, ``size.width`` x ``size.height`` pixels. Thread-safe."""
    with _render_lock:
        fig = Figure(
            figsize=(size.width / size.dpi, size.height / size.dpi),
            dpi=size.dpi,
            layout="constrained",
        )
        canvas = FigureCanvasAgg(fig) if fmt is ChartFormat.PNG else FigureCanvasSVG(fig)
        _draw(fig, data)
        out = io.BytesIO()
        # No timestamp or version in the file: the same data draws the same bytes.
        metadata = {"Software": None} if fmt is ChartFormat.PNG else {"Date": None, "Creator": None}
        # SVG element ids are hashes salted at random unless ``svg.hashsalt`` is set; a fixed
        # salt makes them repeatable (set only while this render holds the lock).
        with rc_context({"svg.hashsalt": SVG_HASH_SALT}):
            canvas.print_figure(out, format=fmt.value, dpi=size.dpi, metadata=metadata)
        return out.getvalue()


def check_size(size: ChartSize) -> None:
    for name, value, (lo, hi) in (
        ("width", size.width, WIDTH_RANGE),
        ("height", size.height, HEIGHT_RANGE),
        ("dpi", size.dpi, DPI_RANGE),
    ):
        if not lo <= value <= hi:
            raise BadUserInputError(f"{name} must be between {lo} and {hi}, got {value}")


@dataclass(frozen=True, slots=True)
class ChartRequest:
    """The parameters of one chart: the observations' (as GraphQL's ``observations``), the
    forecast band, the format and the size."""

    series_id: str
    start: date | None = None
    end: date | None = None
    transform: Transform = Transform.LEVEL
    frequency: Frequency | None = None
    aggregation: Aggregation = Aggregation.AVG
    forecast: bool = False
    fmt: ChartFormat = ChartFormat.PNG
    size: ChartSize = ChartSize()

    def key_parts(self) -> tuple[object, ...]:
        return (
            "chart",
            self.series_id,
            self.start,
            self.end,
            self.transform.value,
            None if self.frequency is None else self.frequency.value,
            self.aggregation.value,
            self.forecast,
            self.fmt.value,
            self.size.width,
            self.size.height,
            self.size.dpi,
        )


def check_forecast_band(req: ChartRequest) -> None:
    """A forecast is in the series' own units at its own frequency: it only overlays those."""
    if req.forecast and (req.transform is not Transform.LEVEL or req.frequency is not None):
        raise BadUserInputError(
            "forecast=true draws the forecast in the series' own units: it needs "
            f"transform={Transform.LEVEL.value} and no frequency"
        )


def check_request(req: ChartRequest) -> None:
    check_size(req.size)
    check_forecast_band(req)


@dataclass(frozen=True, slots=True)
class ChartImage:
    content: bytes
    media_type: str
    etag: str
    cached: bool


async def chart_etag(db: RequestDB, req: ChartRequest) -> str:
    """The image's identity: the cache key (data version and every parameter)."""
    return cache_key(await db.version(), *req.key_parts())


async def chart(db: RequestDB, loaders: Loaders, cache: Cache, req: ChartRequest) -> ChartImage:
    """The chart of ``req``: from the cache when this data version already drew it."""
    check_request(req)
    key = await chart_etag(db, req)
    media_type = MEDIA_TYPES[req.fmt]
    hit = await to_thread.run_sync(cache.get, key)
    if hit is not None:  # only a known id was ever stored: no need to read its metadata
        return ChartImage(base64.b64decode(hit), media_type, key, cached=True)
    meta = await indicators.get_indicator(loaders, req.series_id)
    series = await indicators.observations(
        loaders,
        req.series_id,
        req.start,
        req.end,
        transform=req.transform,
        frequency=req.frequency,
        aggregation=req.aggregation,
        max_points=POINTS_PER_PIXEL * req.size.width,
    )
    band = await forecasts.forecast(loaders, req.series_id) if req.forecast else None
    units = meta.units or meta.units_short
    data = ChartData(
        title=f"{meta.title} ({meta.id})" if meta.title else meta.id,
        y_label=TRANSFORM_LABELS[req.transform].format(units=units),
        series=series,
        forecast=band,
    )
    content = await run_off_loop(render_chart, data, req.fmt, req.size)
    await to_thread.run_sync(cache.set, key, base64.b64encode(content).decode("ascii"))
    return ChartImage(content, media_type, key, cached=False)
