"""Forecast accuracy metrics on a holdout. Pure numpy; ``None`` when a metric is undefined."""

from __future__ import annotations

import numpy as np
import pandas as pd

METRIC_NAMES = ("mae", "rmse", "smape", "mase", "coverage_80", "coverage_95")


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def mase_scale(train: np.ndarray, season: int = 1) -> float | None:
    """In-sample MAE of the (seasonal) naive forecast: the denominator of MASE."""
    lag = season if len(train) > season else 1
    if len(train) <= lag:
        return None
    scale = float(np.mean(np.abs(train[lag:] - train[:-lag])))
    return scale if scale > 0 else None


def holdout_metrics(
    actual: np.ndarray, forecast: pd.DataFrame, train: np.ndarray, season: int = 1
) -> dict[str, float | None]:
    """Accuracy of ``forecast`` (a predict() frame) against ``actual`` over the same steps."""
    y = np.asarray(actual, dtype=float)
    mean = forecast["mean"].to_numpy(dtype=float)[: len(y)]
    err = y - mean
    denom = np.abs(y) + np.abs(mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        smape = float(np.mean(np.where(denom > 0, 2 * np.abs(err) / denom, 0.0)) * 100)
    scale = mase_scale(np.asarray(train, dtype=float), season)
    mae = float(np.mean(np.abs(err)))
    out: dict[str, float | None] = {
        "mae": mae,
        "rmse": float(np.sqrt(np.mean(err**2))),
        "smape": _finite_or_none(smape),
        "mase": mae / scale if scale else None,
    }
    for lv in (80, 95):
        lo, hi = f"lower_{lv}", f"upper_{lv}"
        if lo in forecast and hi in forecast:
            inside = (y >= forecast[lo].to_numpy()[: len(y)]) & (
                y <= forecast[hi].to_numpy()[: len(y)]
            )
            out[f"coverage_{lv}"] = float(np.mean(inside))
        else:
            out[f"coverage_{lv}"] = None
    return out
