"""Calibrate prediction intervals on the backtest: widen or narrow them until they covered
what they claimed to cover on the windows before.

Model intervals assume the model is right and its error variance is stable. Market series
break both (volatility comes in regimes, a pandemic month inflates a monthly model's sigma
for decades), so nominal 95 % intervals covered 98-100 % of backtest points on most FRED
series. A split-conformal correction fixes the width without touching the mean: for each
level, the factor is the empirical ``level`` quantile of |error| / half-width over earlier
backtest points, where the half-width is taken on the side the actual value fell (Box-Cox
intervals are asymmetric). Scaling each side's half-width by it makes those earlier points
covered at exactly the nominal rate.

Honest scoring: window k is scored with factors learned from windows 1..k-1 only (the first
window keeps the model's own intervals), so a stored backtest coverage is out of sample.
The final forecast uses the factors of every window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.backtest import BacktestResult, WindowScore
from forecasting.metrics import aggregate_metrics

#: Bounds of a width factor: a few correlated points must not collapse or explode intervals.
MIN_FACTOR, MAX_FACTOR = 0.5, 3.0


@dataclass(frozen=True)
class Calibration:
    """Width factor per interval level (from every window) and the windows re-scored with
    intervals calibrated on their predecessors only."""

    factors: dict[int, float]
    windows: tuple[WindowScore, ...]
    metrics: dict[str, float | None]

    def params(self) -> dict[str, float]:
        return {f"interval_factor_{lv}": round(f, 6) for lv, f in sorted(self.factors.items())}


def frame_levels(frame: pd.DataFrame) -> list[int]:
    return sorted(int(c.removeprefix("lower_")) for c in frame.columns if c.startswith("lower_"))


def interval_ratios(actual: np.ndarray, frame: pd.DataFrame, level: int) -> np.ndarray:
    """|error| over the interval's half-width on the side the actual fell; <= 1 = covered."""
    y = np.asarray(actual, dtype=float)
    n = len(y)
    mean = frame["mean"].to_numpy(dtype=float)[:n]
    lower = frame[f"lower_{level}"].to_numpy(dtype=float)[:n]
    upper = frame[f"upper_{level}"].to_numpy(dtype=float)[:n]
    half = np.where(y >= mean, upper - mean, mean - lower)
    err = np.abs(y - mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(half > 0, err / half, np.where(err > 0, np.inf, 0.0))
    return np.asarray(ratio, dtype=float)


def width_factor(ratios: np.ndarray, level: int) -> float:
    """Smallest factor covering ``level`` % of the ratios (1.0 without any), bounded."""
    if len(ratios) == 0:
        return 1.0
    q = float(np.quantile(ratios, level / 100.0, method="inverted_cdf"))
    return float(np.clip(q, MIN_FACTOR, MAX_FACTOR)) if np.isfinite(q) else MAX_FACTOR


def widen(frame: pd.DataFrame, factors: dict[int, float]) -> pd.DataFrame:
    """The frame with each level's half-widths multiplied by its factor (mean unchanged)."""
    out = frame.copy()
    mean = frame["mean"].to_numpy(dtype=float)
    for level, factor in factors.items():
        lo, hi = f"lower_{level}", f"upper_{level}"
        if lo in frame and hi in frame:
            out[lo] = mean - factor * (mean - frame[lo].to_numpy(dtype=float))
            out[hi] = mean + factor * (frame[hi].to_numpy(dtype=float) - mean)
    return out


def calibrate(result: BacktestResult, frames: Sequence[pd.DataFrame]) -> Calibration:
    """Calibrate one candidate from its raw window forecasts ``frames`` (window order)."""
    if len(frames) != result.n_windows or not frames:
        raise ValueError(f"{len(frames)} frames for {result.n_windows} backtest windows")
    levels = frame_levels(frames[0])
    pooled: dict[int, list[np.ndarray]] = {lv: [] for lv in levels}
    windows: list[WindowScore] = []
    y = result.y.to_numpy(dtype=float)
    for k, frame in enumerate(frames):
        factors = {lv: width_factor(np.concatenate(pooled[lv]), lv) for lv in levels if pooled[lv]}
        windows.append(result.score(k, widen(frame, factors)))
        cutoff = result.cutoffs[k]
        actual = y[cutoff : cutoff + result.horizon]
        for lv in levels:
            pooled[lv].append(interval_ratios(actual, frame, lv))
    final = {lv: width_factor(np.concatenate(pooled[lv]), lv) for lv in levels}
    metrics = aggregate_metrics([w.metrics for w in windows], [w.horizon for w in windows])
    return Calibration(final, tuple(windows), metrics)
