"""Technicals and candles of daily indicators: trailing indicators and OHLC per week or month,
read from ``mart_daily_technicals`` and ``mart_candles`` (which cover daily series only)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from operator import itemgetter

from graphql_api import downsample
from graphql_api.errors import BadUserInputError, check_window
from graphql_api.loaders import Loaders
from graphql_api.services.indicators import check_max_points, get_indicator
from graphql_api.terms import CANDLE_FREQUENCIES, FREQUENCY_CODES, Frequency
from models import marts
from models.analytics_repository import CandleColumns, TechnicalColumns
from models.series_repository import SeriesMeta


def _require_daily(meta: SeriesMeta, what: str) -> None:
    if meta.frequency_short != marts.DAILY_MART_FREQUENCY:
        raise BadUserInputError(
            f"{what} exist for daily series only; {meta.id} is "
            f"{meta.frequency.lower() or meta.frequency_short or 'of no frequency'}"
        )


async def technicals(
    loaders: Loaders,
    series_id: str,
    start: date | None = None,
    end: date | None = None,
    max_points: int | None = None,
) -> TechnicalColumns:
    """Moving averages, volatilities and Bollinger bands per observation inside [start, end],
    at most ``max_points`` rows of them, evenly spaced (``downsample.evenly``)."""
    check_window(start, end)
    check_max_points(max_points)
    _require_daily(await get_indicator(loaders, series_id), "technicals")
    cols = await loaders.technicals.load((series_id, start, end))
    if max_points is None or len(cols.dates) <= max_points:
        return cols
    rows = itemgetter(*downsample.evenly(len(cols.dates), max_points).tolist())
    return TechnicalColumns(**{f.name: list(rows(getattr(cols, f.name))) for f in fields(cols)})


async def candles(
    loaders: Loaders,
    series_id: str,
    frequency: Frequency = Frequency.MONTHLY,
    start: date | None = None,
    end: date | None = None,
) -> CandleColumns:
    """Open/high/low/close per week or month whose first day is inside [start, end]."""
    check_window(start, end)
    if frequency not in CANDLE_FREQUENCIES:
        allowed = " or ".join(f.name for f in CANDLE_FREQUENCIES)
        raise BadUserInputError(f"candles come {allowed} only, not {frequency.name}")
    _require_daily(await get_indicator(loaders, series_id), "candles")
    return await loaders.candles.load((series_id, FREQUENCY_CODES[frequency], start, end))
