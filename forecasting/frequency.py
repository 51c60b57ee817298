"""Forecast calendars per FRED frequency: future dates, gaps counted in steps, default horizons.

Pure functions only. FRED dates a monthly, quarterly or annual observation by the first day
of its period and a daily one by its business day, so forecasts must be dated the same way
or the API would show them off-grid next to the history. The frequency facts themselves
(codes, names, spacings, seasons, inference from dates) are ``models.calendar``'s.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from models.calendar import SPACING_DAYS, normalize_frequency

DEFAULT_HORIZONS: dict[str, int] = {"D": 30, "W": 13, "BW": 7, "M": 12, "Q": 8, "SA": 4, "A": 5}

#: Models with a seasonal state use the season (``models.calendar.seasonal_period``) only up
#: to this length; a 52-week season is left to Fourier terms.
MAX_STATE_SEASON = 24

#: pandas period alias for the frequencies that live on a period grid (period-start dates).
PERIOD_ALIASES: dict[str, str] = {"M": "M", "Q": "Q", "SA": "M", "A": "Y"}
PERIOD_STEPS: dict[str, int] = {"M": 1, "Q": 1, "SA": 6, "A": 1}


def default_horizon(freq: str, override: int | None = None) -> int:
    """Steps ahead to forecast; an explicit override (settings or caller) wins."""
    if override is not None:
        if override < 1:
            raise ValueError(f"forecast horizon must be >= 1, got {override}")
        return override
    return DEFAULT_HORIZONS[normalize_frequency(freq)]


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
        days = SPACING_DAYS[code][0]
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
        width = SPACING_DAYS[code][0]
        day_gaps = np.diff(np.asarray(dates.values.astype("datetime64[D]"))).astype(np.int64)
        return np.rint(day_gaps / width).astype(np.int64)
    ordinals = np.array([p.ordinal for p in dates.to_period(PERIOD_ALIASES[code])], dtype=np.int64)
    return np.diff(ordinals) // PERIOD_STEPS[code]
