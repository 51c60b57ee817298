"""Forecast accuracy metrics on a holdout, in numpy; ``None`` when a metric is undefined."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from models.tables import FORECAST_METRICS
from models.values import finite


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
        "smape": finite(smape),
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


def _mean_defined(values: Sequence[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return float(np.mean(defined)) if defined else None


def aggregate_metrics(
    windows: Sequence[Mapping[str, float | None]], points: Sequence[int]
) -> dict[str, float | None]:
    """One model's backtest summary over its windows.

    Errors are averaged window by window (each window weighs the same, whatever its length),
    while coverage is pooled over every scored point: a 95 % interval should hold 95 % of all
    the points it was asked about, and pooling keeps a short last window from counting as
    much as a full one. A metric undefined in a window (MASE on a constant training set) is
    left out of its mean; ``None`` when it is undefined everywhere.
    """
    if len(windows) != len(points):
        raise ValueError("one point count per window is needed")
    out: dict[str, float | None] = {
        name: _mean_defined([w.get(name) for w in windows]) for name in ("mae", "rmse", "smape")
    }
    out["mase"] = _mean_defined([w.get("mase") for w in windows])
    for name in ("coverage_80", "coverage_95"):
        pairs = [(w.get(name), n) for w, n in zip(windows, points, strict=True)]
        scored = [(c, n) for c, n in pairs if c is not None and n > 0]
        total = sum(n for _, n in scored)
        out[name] = sum(c * n for c, n in scored) / total if total else None
    return {name: out[name] for name in FORECAST_METRICS}
