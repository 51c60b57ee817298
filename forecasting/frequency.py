"""Calendar rules per FRED frequency: future dates, season lengths, default horizons.

Pure functions only. FRED dates a monthly, quarterly or annual observation by the first day
of its period and a daily one by its business day, so forecasts must be dated the same way
or the API would show them off-grid next to the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

#: FRED ``frequency_short`` codes we forecast. BW = biweekly, SA = semiannual.
FREQUENCIES = ("D", "W", "BW", "M", "Q", "SA", "A")

DEFAULT_HORIZONS: dict[str, int] = {"D": 30, "W": 13, "BW": 7, "M": 12, "Q": 8, "SA": 4, "A": 5}

#: Seasonal period per frequency: a business week for business-daily data (a calendar week
#: for 7-day series), a year for weekly to semiannual data. It sets the seasonal naive
#: baseline and the MASE scale; models with a seasonal state use it only up to
#: ``MAX_STATE_SEASON`` (a 52-week season is left to Fourier terms). Annual data has none.
SEASON_LENGTHS: dict[str, int] = {"D": 5, "W": 52, "BW": 26, "M": 12, "Q": 4, "SA": 2}
SEVEN_DAY_SEASON = 7
MAX_STATE_SEASON = 24

#: pandas period alias for the frequencies that live on a period grid (period-start dates).
PERIOD_ALIASES: dict[str, str] = {"M": "M", "Q": "Q", "SA": "M", "A": "Y"}
PERIOD_STEPS: dict[str, int] = {"M": 1, "Q": 1, "SA": 6, "A": 1}

_LONG_NAMES = {
    "DAILY": "D",
    "WEEKLY": "W",
    "BIWEEKLY": "BW",
    "MONTHLY": "M",
    "QUARTERLY": "Q",
    "SEMIANNUAL": "SA",
    "ANNUAL": "A",
}


class UnknownFrequencyError(ValueError):
    """A frequency code we have no calendar rule for."""


def normalize_frequency(code: str) -> str:
    """Map FRED's short code ("M") or long name ("Weekly, Ending Friday") to a short code."""
    text = (code or "").strip().upper()
    if text in FREQUENCIES:
        return text
    head = text.split(",")[0].split(" ")[0].replace("-", "")
    if head in _LONG_NAMES:
        return _LONG_NAMES[head]
    raise UnknownFrequencyError(
        f"unknown frequency {code!r}; expected one of {', '.join(FREQUENCIES)}"
    )


def default_horizon(freq: str, override: int | None = None) -> int:
    """Steps ahead to forecast; an explicit override (settings or caller) wins."""
    if override is not None:
        if override < 1:
            raise ValueError(f"forecast horizon must be >= 1, got {override}")
        return override
    return DEFAULT_HORIZONS[normalize_frequency(freq)]


def seasonal_period(freq: str, *, business_days: bool = True) -> int | None:
    """Observations per season, or None when the frequency has no season (annual)."""
    code = normalize_frequency(freq)
    if code == "D" and not business_days:
        return SEVEN_DAY_SEASON
    return SEASON_LENGTHS.get(code)


def future_dates(
    last: date | pd.Timestamp, h: int, freq: str, *, business_days: bool = True
) -> pd.DatetimeIndex:
    """The ``h`` dates after ``last`` on the series' own calendar.

    Daily series step in business days unless ``business_days`` is False (FRED's "7-day"
    daily series such as DFF). Weekly series keep their weekday. Period frequencies return
    period starts, the way FRED dates them.
    """
    if h < 1:
        raise ValueError(f"horizon must be >= 1, got {h}")
    code = normalize_frequency(freq)
    stamp = pd.Timestamp(last).normalize()
    if code == "D":
        step = pd.offsets.BDay(1) if business_days else pd.offsets.Day(1)
        dates = pd.date_range(stamp + step, periods=h, freq=step)
    elif code in ("W", "BW"):
        days = 7 if code == "W" else 14
        dates = pd.DatetimeIndex([stamp + pd.Timedelta(days=days * k) for k in range(1, h + 1)])
    else:
        alias, step_n = PERIOD_ALIASES[code], PERIOD_STEPS[code]
        start = stamp.to_period(alias)
        dates = pd.DatetimeIndex([(start + step_n * k).start_time for k in range(1, h + 1)])
    return pd.DatetimeIndex(dates.as_unit("s"), name="date")


def period_steps(dates: pd.DatetimeIndex, freq: str, *, business_days: bool = True) -> np.ndarray:
    """Number of calendar steps between consecutive dates (1 = no gap).

    A step of 3 on a monthly series means two months are missing. Used to spot gaps
    without filling them.
    """
    code = normalize_frequency(freq)
    if len(dates) < 2:
        return np.zeros(0, dtype=np.int64)
    if code == "D":
        days = np.asarray(dates.values.astype("datetime64[D]"))
        if business_days:
            return np.asarray(np.busday_count(days[:-1], days[1:]), dtype=np.int64)
        return np.diff(days).astype(np.int64)
    if code in ("W", "BW"):
        width = 7 if code == "W" else 14
        day_gaps = np.diff(np.asarray(dates.values.astype("datetime64[D]"))).astype(np.int64)
        return np.rint(day_gaps / width).astype(np.int64)
    ordinals = np.array([p.ordinal for p in dates.to_period(PERIOD_ALIASES[code])], dtype=np.int64)
    return np.diff(ordinals) // PERIOD_STEPS[code]


def is_seven_day(dates: pd.Index | Sequence[date]) -> bool:
    """Whether a daily series also reports weekends (FRED "Daily, 7-Day"): >10% weekend dates."""
    index = pd.DatetimeIndex(list(dates) if not isinstance(dates, pd.Index) else dates)
    if len(index) == 0:
        return False
    return float(np.mean(index.day_of_week >= 5)) > 0.10


#: (largest median spacing in days, code) in increasing order, for ``infer_frequency``.
_SPACING_LIMITS = ((4, "D"), (10, "W"), (17, "BW"), (45, "M"), (135, "Q"), (270, "SA"), (500, "A"))


def infer_frequency(dates: pd.Index | Sequence[date]) -> str:
    """Guess the short code from the median spacing, for series whose metadata lacks one."""
    index = pd.DatetimeIndex(list(dates) if not isinstance(dates, pd.Index) else dates)
    index = index.sort_values()
    if len(index) < 2:
        raise UnknownFrequencyError("cannot infer a frequency from fewer than 2 dates")
    median_days = float(np.median(np.diff(index.values.astype("datetime64[D]")).astype(np.int64)))
    for upper, code in _SPACING_LIMITS:
        if median_days <= upper:
            return code
    raise UnknownFrequencyError(f"median spacing of {median_days:.0f} days matches no frequency")
