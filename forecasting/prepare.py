"""Turn raw observations into the series a model is fitted on, saying what was changed.

Daily and weekly series are fitted on their observed values in order (a business-day index
for daily data): holidays are simply absent, nothing is forward-filled. Period series
(monthly, quarterly, ...) live on a fixed grid, so a short hole (e.g. a month FRED never
published) is interpolated to keep the seasonal phase, and that is written in the notes.
Across a long gap nothing is filled: the fit starts after the gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.frequency import PERIOD_ALIASES, PERIOD_STEPS, period_steps
from models.calendar import infer_frequency, is_seven_day, normalize_frequency

#: A gap longer than this many steps ends the usable history (the fit starts after it).
#: On period grids only a single missing period is interpolated; two in a row cut the history.
LONG_GAP_STEPS: dict[str, int] = {"D": 20, "W": 4, "BW": 3, "M": 2, "Q": 2, "SA": 2, "A": 2}


@dataclass(frozen=True)
class PreparedSeries:
    """What a model sees: values on a DatetimeIndex, and how we got there."""

    values: pd.Series
    freq: str
    business_days: bool = True
    notes: list[str] = field(default_factory=list)


def series_frequency(label: str | None, dates: pd.DatetimeIndex) -> str:
    """The frequency a series is forecast at: its ``dim_series`` label when it has one we
    know, else the one ``models.calendar`` infers from its dates, by the same rule ingest
    labels a dateless CSV with (so the marts and the forecast never disagree)."""
    return normalize_frequency(label) if label else infer_frequency(dates)


def clean_observations(y: pd.Series) -> pd.Series:
    """Sorted, finite, float values on a unique DatetimeIndex (last duplicate wins)."""
    index = pd.DatetimeIndex(pd.to_datetime(y.index)).normalize()
    out = pd.Series(pd.to_numeric(y.to_numpy(), errors="coerce"), index=index, dtype=float)
    out = out[np.isfinite(out.to_numpy())]
    out = out[~out.index.duplicated(keep="last")].sort_index()
    out.index.name = "date"
    return out


def prepare_series(y: pd.Series, freq: str) -> PreparedSeries:
    code = normalize_frequency(freq)
    clean = clean_observations(y)
    notes: list[str] = []
    if code in PERIOD_ALIASES:
        clean = _one_per_period(clean, code, notes)
    business = not (code == "D" and is_seven_day(clean.index))
    if code == "D" and not business:
        notes.append("daily series reports weekends: calendar-day steps")
    clean = _drop_before_long_gap(clean, code, business, notes)
    if code in PERIOD_ALIASES:
        clean = _fill_short_period_gaps(clean, code, notes)
    return PreparedSeries(values=clean, freq=code, business_days=business, notes=notes)


def _drop_before_long_gap(y: pd.Series, code: str, business: bool, notes: list[str]) -> pd.Series:
    steps = period_steps(pd.DatetimeIndex(y.index), code, business_days=business)
    long = np.flatnonzero(steps > LONG_GAP_STEPS[code])
    if len(long) == 0:
        return y
    cut = int(long[-1]) + 1
    gap_from, gap_to = y.index[cut - 1].date(), y.index[cut].date()
    notes.append(
        f"fit starts {gap_to} after a gap of {int(steps[cut - 1])} steps since {gap_from}; "
        f"{cut} earlier observations not used"
    )
    return y.iloc[cut:]


def _one_per_period(y: pd.Series, code: str, notes: list[str]) -> pd.Series:
    """Keep the last observation of each period when the data is finer than its label."""
    periods = pd.DatetimeIndex(y.index).to_period(PERIOD_ALIASES[code])
    dup = periods.duplicated(keep="last")
    if not dup.any():
        return y
    notes.append(f"{int(dup.sum())} observations share a period with a later one; kept the last")
    return y[~dup]


def _fill_short_period_gaps(y: pd.Series, code: str, notes: list[str]) -> pd.Series:
    if len(y) < 2:
        return y
    alias, step = PERIOD_ALIASES[code], PERIOD_STEPS[code]
    periods = pd.DatetimeIndex(y.index).to_period(alias)
    grid = pd.period_range(periods[0], periods[-1], freq=alias)[::step]
    if len(grid) == len(periods):
        return y
    on_grid = pd.Series(y.to_numpy(), index=periods).reindex(grid)
    missing = int(on_grid.isna().sum())
    filled = on_grid.interpolate(method="linear")
    notes.append(f"interpolated {missing} missing period(s) inside the history")
    filled.index = pd.DatetimeIndex(grid.start_time, name="date")
    return filled.astype(float)
