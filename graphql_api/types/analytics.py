"""Analytics types of an indicator: the Transform/Frequency/Aggregation enums (the Python Enums
of ``graphql_api.terms``, exposed here once), technicals, candles and trailing-window
statistics, each read from its dbt mart. Series travel as columns (see ``types.indicators``).
"""

from __future__ import annotations

from datetime import date

import strawberry

from graphql_api.terms import Aggregation, Frequency, Transform
from graphql_api.types.columns import DateColumn, FloatColumn

strawberry.enum(
    Transform,
    description=(
        "Units of the values: FRED's `units` codes (LEVEL is FRED's `lin`) and three "
        "normalisations over the whole history. LEVEL: the value x(t). CHG: x(t) - x(t-1). "
        "CH1: x(t) - x(a year ago). PCH: (x(t) / x(t-1) - 1) * 100. PC1: (x(t) / x(a year "
        "ago) - 1) * 100. PCA: ((x(t) / x(t-1)) ^ n - 1) * 100, n observations per year "
        "(260 business-daily, 365 for 7-day daily, 52 weekly, 26 biweekly, 12 monthly, "
        "4 quarterly, 2 semiannual, 1 annual). CCH: (ln x(t) - ln x(t-1)) * 100. CCA: CCH * n. "
        "LOG: ln x(t). ZSCORE: (x(t) - mean) / sample stddev. MINMAX: (x(t) - min) / "
        "(max - min). INDEX100: 100 * x(t) / x(base), base = the first observation on or after "
        "the dbt var index_base_date (2015-01-01 by default). x(t-1) is the previous "
        "observation; a year ago is the latest observation on or before the date minus 365 "
        "days (daily), 364 days (weekly, biweekly) or 12 months. Undefined arithmetic "
        "(division by 0, log of x <= 0, overflow) is null."
    ),
)
strawberry.enum(
    Frequency,
    description=(
        "A frequency to aggregate to (FRED's `frequency` codes w, m, q, a). WEEKLY: ISO weeks, "
        "Monday to Sunday. MONTHLY, QUARTERLY, ANNUAL: calendar months, quarters, years. A "
        "period is dated by its first day."
    ),
)
strawberry.enum(
    Aggregation,
    description=(
        "How a period's observations become one value (FRED's `aggregation_method`). AVG: "
        "their average. SUM: their sum. EOP: the value at the period's last observation."
    ),
)


@strawberry.type(
    description=(
        "Trailing technical indicators of a daily series (mart_daily_technicals), one entry "
        "per observation date. Windows count observations (rows), not calendar days; each "
        "indicator is null until its window is full."
    )
)
class Technicals:
    dates: DateColumn = strawberry.field(description="Observation dates, ascending.")
    sma20: FloatColumn = strawberry.field(description="Mean of the last 20 values.")
    sma50: FloatColumn = strawberry.field(description="Mean of the last 50 values.")
    sma200: FloatColumn = strawberry.field(description="Mean of the last 200 values.")
    volatility21: FloatColumn = strawberry.field(
        description=(
            "Annualised volatility: sample stddev of the last 21 log returns ln(x(t) / x(t-1)) "
            "* sqrt(252); null unless all 21 are defined (both values > 0)."
        )
    )
    volatility63: FloatColumn = strawberry.field(
        description="As volatility21, over the last 63 log returns."
    )
    bollinger_upper: FloatColumn = strawberry.field(
        description="Bollinger (20, 2) upper band: sma20 + 2 * population stddev of 20 values."
    )
    bollinger_middle: FloatColumn = strawberry.field(
        description="Bollinger (20, 2) middle line: sma20."
    )
    bollinger_lower: FloatColumn = strawberry.field(
        description="Bollinger (20, 2) lower band: sma20 - 2 * population stddev of 20 values."
    )


@strawberry.type(
    description=(
        "Open/high/low/close candles of a daily series (mart_candles), one entry per week or "
        "month holding at least one observation (empty periods have no candle)."
    )
)
class Candles:
    dates: DateColumn = strawberry.field(
        description="First day of each period: the Monday of the ISO week, or the 1st of the month."
    )
    open: FloatColumn = strawberry.field(description="Value at the period's first observation.")
    high: FloatColumn = strawberry.field(description="Largest value in the period.")
    low: FloatColumn = strawberry.field(description="Smallest value in the period.")
    close: FloatColumn = strawberry.field(description="Value at the period's last observation.")


@strawberry.type(
    description=(
        "Statistics of the observations inside a trailing window (mart_series_window_stats). "
        "Windows end at the series' last observation; an N-year window holds the observations "
        "after the same date N years earlier."
    )
)
class WindowStats:
    window: str = strawberry.field(
        description="`full` (whole history), `1y`, `5y` or `10y`, in that order."
    )
    window_start: date = strawberry.field(
        description=(
            "First date the window includes (it may precede the first observation when the "
            "history is shorter than the window); the first observation for `full`."
        )
    )
    window_end: date = strawberry.field(description="The series' last observation date.")
    count: int = strawberry.field(description="Observations inside the window.")
    mean: float | None = strawberry.field(description="Arithmetic mean.")
    variance: float | None = strawberry.field(description="Sample variance (n - 1); null below 2.")
    stddev: float | None = strawberry.field(
        description="Sample standard deviation (n - 1); null below 2 observations."
    )
    min: float | None = strawberry.field(description="Smallest value.")
    max: float | None = strawberry.field(description="Largest value.")
    first_value: float | None = strawberry.field(description="Value at `start`.")
    last_value: float | None = strawberry.field(description="Value at `end` (the latest value).")
    change: float | None = strawberry.field(description="lastValue - firstValue.")
    start: date = strawberry.field(description="First observation date inside the window.")
    end: date = strawberry.field(description="Last observation date inside the window.")
