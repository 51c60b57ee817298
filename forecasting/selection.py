"""Rank the backtested models of one series and, optionally, build an ensemble of the best.

Models are ranked by their mean backtest MASE: scale-free, so the same rule works for a rate
in percent and an index in the thousands, and below 1 exactly when a model beats the seasonal
naive on its own training data. Only a model that scored every window is ranked; one that
failed anywhere is left unranked with the reason, since a model that breaks on some cutoffs
would break on some future data too. Ties go to the simpler model, i.e. the earlier one in
the candidate order (cheapest first).

The ensemble of the top ``k`` is scored from its members' window forecasts (no refit), so it
competes with its own members on equal terms and is chosen only when averaging actually
helped on this series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import pandas as pd

from forecasting.backtest import BacktestResult, ModelBacktest, WindowScore, min_train
from forecasting.base import DEFAULT_LEVELS, Forecaster, checked_frame
from forecasting.metrics import aggregate_metrics

#: Label of the ensemble candidate; no single model may use it.
ENSEMBLE = "ensemble"
#: Longest display name the store keeps.
MAX_NAME_CHARS = 64


@dataclass(frozen=True)
class ModelScore:
    """A candidate's backtest summary: aggregated metrics (None unless every window was
    scored), its windows, the ranking key (None = unranked) and why it is unranked."""

    label: str
    metrics: dict[str, float | None] | None
    windows: tuple[WindowScore, ...]
    key: float | None
    note: str | None = None


@dataclass(frozen=True)
class Selection:
    """Ranked labels best first, the score of every backtested label (the ensemble's too when
    one was built), the ensemble members, and why no ensemble was built when one was asked."""

    ranking: tuple[str, ...]
    scores: dict[str, ModelScore] = field(default_factory=dict)
    members: tuple[str, ...] = ()
    note: str | None = None

    def rank(self, label: str) -> int | None:
        return self.ranking.index(label) + 1 if label in self.ranking else None


def mean_frame(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Column-by-column mean of forecast frames with the same columns (the first one's index).
    Averaging each bound level by level keeps the bounds ordered around the averaged mean."""
    if not frames:
        raise ValueError("no frame to average")
    columns = list(frames[0].columns)
    stacked = np.stack([f[columns].to_numpy(dtype=float) for f in frames])
    return pd.DataFrame(stacked.mean(axis=0), index=frames[0].index, columns=columns)


def ensemble_name(labels: Sequence[str]) -> str:
    name = f"{ENSEMBLE}({'+'.join(labels)})"
    return name if len(name) <= MAX_NAME_CHARS else f"{ENSEMBLE}({len(labels)} models)"


class EnsembleForecaster:
    """Equal-weight average of fitted members: the mean of their means, each interval bound
    the mean of theirs. Fails as soon as one member fails (a partial average would not be
    the model that was backtested)."""

    def __init__(self, members: Mapping[str, Forecaster]) -> None:
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two members")
        self.members = dict(members)
        self.name = ensemble_name(list(self.members))
        self.note: str | None = None

    def fit(self, y: pd.Series) -> Self:
        notes = []
        for label, model in self.members.items():
            model.fit(y)
            if model.note:
                notes.append(f"{label}: {model.note}")
        self.note = "; ".join(notes) or None
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        frames = [model.predict(h, level) for model in self.members.values()]
        return checked_frame(mean_frame(frames), self.name)

    def params(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "specs": [model.name for model in self.members.values()],
        }

    def frozen(self) -> EnsembleForecaster:
        return EnsembleForecaster({k: m.frozen() for k, m in self.members.items()})


def ranking_key(windows: Sequence[WindowScore]) -> float:
    """Mean MASE over the windows; mean MAE when no window has a MASE scale (a constant
    training set). The scale depends on the data only, so every model of a series is keyed
    the same way."""
    mase = [m for w in windows if (m := w.metrics.get("mase")) is not None]
    if mase:
        return float(np.mean(mase))
    return float(np.mean([w.metrics.get("mae") or 0.0 for w in windows]))


def _score(record: ModelBacktest, n_windows: int, no_window: str | None) -> ModelScore:
    if not record.complete(n_windows) or n_windows == 0:
        note = record.failure or no_window or "not scored in every backtest window"
        return ModelScore(record.label, None, record.windows, None, note)
    metrics = aggregate_metrics(
        [w.metrics for w in record.windows], [w.horizon for w in record.windows]
    )
    return ModelScore(record.label, metrics, record.windows, ranking_key(record.windows))


def _no_window_reason(result: BacktestResult) -> str | None:
    if result.n_windows:
        return None
    need = min_train(result.spec) + result.horizon
    return f"not scored: no backtest window ({len(result.y)} observations, a window needs {need})"


def _ensemble_score(result: BacktestResult, members: Sequence[str]) -> ModelScore:
    """Score the average of the members' window forecasts on the same windows."""
    windows = []
    for k in range(result.n_windows):
        frame = mean_frame([result.models[m].frames[k] for m in members])
        windows.append(result.score(k, frame))
    metrics = aggregate_metrics([w.metrics for w in windows], [w.horizon for w in windows])
    return ModelScore(ENSEMBLE, metrics, tuple(windows), ranking_key(windows))


def _order(scores: Mapping[str, ModelScore]) -> tuple[str, ...]:
    """Ranked labels by key; ties keep the candidate order (simpler first)."""
    position = {label: i for i, label in enumerate(scores)}
    ranked = [s for s in scores.values() if s.key is not None]
    ranked.sort(key=lambda s: (s.key, position[s.label]))
    return tuple(s.label for s in ranked)


def select(result: BacktestResult, ensemble: int = 0) -> Selection:
    """Rank the backtested models of ``result``; with ``ensemble`` >= 2, add the average of
    the top ``ensemble`` ranked models as one more candidate (fewer members when fewer are
    ranked; none when under two are)."""
    if ensemble < 0:
        raise ValueError(f"ensemble size must be >= 0, got {ensemble}")
    if ENSEMBLE in result.models:
        raise ValueError(f"{ENSEMBLE!r} is reserved for the ensemble candidate")
    no_window = _no_window_reason(result)
    scores = {
        label: _score(record, result.n_windows, no_window)
        for label, record in result.models.items()
    }
    ranking = _order(scores)
    if ensemble == 0:
        return Selection(ranking, scores)
    if ensemble == 1:
        return Selection(ranking, scores, note="ensemble of 1 model is the model itself: off")
    members = ranking[:ensemble]
    if len(members) < 2:
        return Selection(ranking, scores, note=f"no ensemble: {len(members)} model(s) ranked")
    scores[ENSEMBLE] = _ensemble_score(result, members)
    return Selection(_order(scores), scores, members=members)
