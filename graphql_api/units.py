"""FRED's units transformations of an aggregated series: pure numpy, data in, data out.

Why this exists: ``mart_observation_transforms`` holds every transform at a series' native
frequency, and ``mart_observations_resampled`` every aggregation to a coarser frequency, but no
mart holds both (a monthly average's change from a year ago). FRED answers such a request by
aggregating first and then applying the units transform at the target frequency; this module
is that second step, with the rules of ``mart_observation_transforms`` applied to the
aggregated series as if it were a native series of the target frequency:

- the series' points are its periods with a value (an empty period is no point: it stays NULL
  and is skipped when looking back, as the mart skips dates without a value);
- x(t-1) is the previous point; "a year ago" is the latest point on or before the period start
  minus 364 days (weekly) or minus 12 calendar months (monthly and slower);
- n_obs_per_yr is FRED's integer for the target frequency (``PERIODS_PER_YEAR``);
- ZSCORE and MINMAX use the aggregated series' whole history (sample stddev), so the caller
  passes the whole history and cuts its window afterwards;
- INDEX100 divides by the same base value as the native index (``index_base``), so an
  aggregated index and the native one share their base;
- undefined arithmetic (division by 0, log of x <= 0, a rate that overflows a double) is NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from graphql_api.terms import Frequency, Transform

#: FRED's n_obs_per_yr of each target frequency (the dbt macro ``obs_per_year``): the exponent
#: of PCA and the factor of CCA.
PERIODS_PER_YEAR: dict[Frequency, int] = {
    Frequency.WEEKLY: 52,
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 4,
    Frequency.ANNUAL: 1,
}
#: "A year ago" of a weekly point, in days (52 weeks, as the mart's weekly rule).
WEEKLY_YEAR_DAYS = 364
#: PCA is NULL where n_obs_per_yr * ln(ratio) reaches this: ln of the largest double (709.78)
#: less ln 100 for the percent, as in ``mart_observation_transforms``.
MAX_LN_DOUBLE = 705.0


def _nan_to_none(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in values.tolist()]


def _year_ago_targets(days: np.ndarray, frequency: Frequency) -> np.ndarray:
    """Dates (``datetime64[D]``) a year before ``days``: 12 calendar months back, a 29 February
    going to the 28th; 364 days for weekly data."""
    if frequency is Frequency.WEEKLY:
        return days - np.timedelta64(WEEKLY_YEAR_DAYS, "D")
    months = days.astype("datetime64[M]")
    day_of_month = days - months.astype("datetime64[D]")
    target_month = months - np.timedelta64(12, "M")
    month_length = (target_month + np.timedelta64(1, "M")).astype("datetime64[D]") - (
        target_month.astype("datetime64[D]")
    )
    day = np.minimum(day_of_month, month_length - np.timedelta64(1, "D"))
    return target_month.astype("datetime64[D]") + day


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.full(a.shape, np.nan)
    ok = (b != 0) & ~np.isnan(b) & ~np.isnan(a)
    np.divide(a, b, out=out, where=ok)
    return out


def _ln(x: np.ndarray) -> np.ndarray:
    out = np.full(x.shape, np.nan)
    np.log(x, out=out, where=x > 0)
    return out


def _compounded(ratio: np.ndarray, n: int) -> np.ndarray:
    out = np.full(ratio.shape, np.nan)
    out[ratio == 0] = -100.0
    positive = ratio > 0
    exponent = np.full(ratio.shape, np.inf)
    exponent[positive] = n * np.log(ratio[positive])
    ok = positive & (exponent < MAX_LN_DOUBLE)
    out[ok] = (np.power(ratio[ok], n) - 1) * 100
    return out


def _transform_points(
    x: np.ndarray,
    days: np.ndarray,
    transform: Transform,
    frequency: Frequency,
    index_base: float | None,
) -> np.ndarray:
    """``transform`` of the points ``x`` (at least one, no NaN) dated ``days`` (ascending)."""
    n = PERIODS_PER_YEAR[frequency]
    prev = np.concatenate([[np.nan], x[:-1]])
    if transform is Transform.LEVEL:
        return x.copy()
    if transform is Transform.LOG:
        return _ln(x)
    if transform is Transform.CHG:
        return x - prev
    if transform is Transform.PCH:
        return (_divide(x, prev) - 1) * 100
    if transform is Transform.PCA:
        return _compounded(_divide(x, prev), n)
    if transform in (Transform.CCH, Transform.CCA):
        cch = (_ln(x) - _ln(prev)) * 100
        return cch if transform is Transform.CCH else cch * n
    if transform in (Transform.CH1, Transform.PC1):
        found = np.searchsorted(days, _year_ago_targets(days, frequency), side="right") - 1
        year_ago = np.where(found >= 0, x[np.maximum(found, 0)], np.nan)
        return x - year_ago if transform is Transform.CH1 else (_divide(x, year_ago) - 1) * 100
    if transform is Transform.ZSCORE:
        std = float(np.std(x, ddof=1)) if x.size > 1 else np.nan
        return _divide(x - x.mean(), np.full(x.shape, std))
    if transform is Transform.MINMAX:
        spread = float(x.max() - x.min())
        return _divide(x - x.min(), np.full(x.shape, spread))
    if transform is Transform.INDEX100:
        base = np.nan if index_base is None else index_base
        return _divide(100 * x, np.full(x.shape, base))
    raise ValueError(f"no rule for transform {transform}")


def transform_aggregated(
    dates: Sequence[date],
    values: Sequence[float | None],
    transform: Transform,
    frequency: Frequency,
    index_base: float | None = None,
) -> list[float | None]:
    """``transform`` of an aggregated series at ``frequency`` (module docstring), one value per
    period of ``dates`` (ascending period starts, empty periods as None); None where the
    transform is undefined."""
    v = np.array(values, dtype=float)
    out = np.full(v.shape, np.nan)
    present = ~np.isnan(v)
    if present.any():
        days = np.array(dates, dtype="datetime64[D]")[present]
        with np.errstate(invalid="ignore", over="ignore"):
            out[present] = _transform_points(v[present], days, transform, frequency, index_base)
    out[~np.isfinite(out)] = np.nan
    return _nan_to_none(out)
