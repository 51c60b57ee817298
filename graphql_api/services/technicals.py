"""Technicals and candles of daily indicators: trailing indicators and OHLC per week or month,
read from ``mart_daily_technicals`` and ``mart_candles`` (which cover daily series only)."""

from __future__ import annotations

from datetime import date

from graphql_api.errors import BadUserInputError, check_window
from graphql_api.loaders import Loaders
from graphql_api.services.indicators import get_indicator
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
    loaders: Loaders, series_id: str, start: date | None = None, end: date | None = None
) -> TechnicalColumns:
    """Moving averages, volatilities and Bollinger bands per observation inside [start, end]."""
    check_window(start, end)
    _require_daily(await get_indicator(loaders, series_id), "technicals")
    return await loaders.technicals.load((series_id, start, end))


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
