"""Forecast types: the newest forecast of a series and why its model was chosen (the
candidates with their backtest metrics, and the backtest windows they were scored on)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from graphql_api.context import Info
from graphql_api.services import forecasts
from models import forecast_repository
from models.forecast_repository import CandidateModel, Metrics, RunSeries
from models.tables import FORECAST_METRICS

_MAE = "Mean absolute error, in the series' units."
_RMSE = "Root mean squared error, in the series' units."
_SMAPE = "Symmetric mean absolute percentage error, in percent (0 to 200)."
_MASE = (
    "Mean absolute scaled error: MAE divided by the in-sample MAE of the naive forecast "
    "(seasonal naive for seasonal series) on the training set. Below 1 beats naive."
)
_COVERAGE = "Share (0 to 1) of the actual values inside the {level}% interval; ideal is {ideal}."
_AVERAGED = " Averaged over the backtest windows."
_POOLED = " Pooled over every point the backtest windows scored."


def _metrics(m: Metrics) -> dict[str, float | None]:
    """The metric fields of a window or a candidate. Their Python names are the stored
    columns' (``coverage_80`` is served as ``coverage80``), so no metric is renamed here."""
    return {name: getattr(m, name) for name in FORECAST_METRICS}


@strawberry.type(
    description=(
        "One backtest window (rolling-origin cross-validation): the model fitted on the "
        "observations up to `cutoff`, scored on the next `horizon` observations. "
        "Metrics are null when undefined (for example MASE on a constant training set)."
    )
)
class BacktestWindow:
    label: str = strawberry.field(description="Label of the candidate this window scores.")
    cutoff: date = strawberry.field(description="Last date of the training set.")
    n_train: int = strawberry.field(description="Observations the model was fitted on.")
    horizon: int = strawberry.field(description="Observations scored after the cutoff.")
    mae: float | None = strawberry.field(description=_MAE)
    rmse: float | None = strawberry.field(description=_RMSE)
    smape: float | None = strawberry.field(description=_SMAPE)
    mase: float | None = strawberry.field(description=_MASE)
    coverage_80: float | None = strawberry.field(
        description=_COVERAGE.format(level=80, ideal="0.8")
    )
    coverage_95: float | None = strawberry.field(
        description=_COVERAGE.format(level=95, ideal="0.95")
    )

    @classmethod
    def of(cls, w: forecast_repository.BacktestWindow) -> BacktestWindow:
        return cls(
            label=w.model,
            cutoff=w.cutoff,
            n_train=w.n_train,
            horizon=w.horizon,
            **_metrics(w.metrics),
        )


@strawberry.type(
    description=(
        "A model tried for the forecast, with its backtest accuracy and why it was or was "
        "not chosen. Metrics are null when the model was not scored."
    )
)
class ForecastCandidate:
    label: str = strawberry.field(
        description="Candidate label, stable across runs (for example `ets`, `arima`, `naive`)."
    )
    spec: str | None = strawberry.field(
        description="Fitted form, for example `ETS(A,Ad,N)`; null when the model never fitted."
    )
    selected: bool = strawberry.field(description="True for the model the forecast uses.")
    rank: int | None = strawberry.field(
        description=(
            "Rank by mean backtest MASE, 1 = best; null when not scored. The chosen model is "
            "rank 1 unless a better one's final fit failed (its note says so)."
        )
    )
    windows: int | None = strawberry.field(description="Backtest windows scored.")
    mae: float | None = strawberry.field(description=_MAE + _AVERAGED)
    rmse: float | None = strawberry.field(description=_RMSE + _AVERAGED)
    smape: float | None = strawberry.field(description=_SMAPE + _AVERAGED)
    mase: float | None = strawberry.field(
        description=_MASE + _AVERAGED + " Candidates are ranked by it."
    )
    coverage_80: float | None = strawberry.field(
        description=_COVERAGE.format(level=80, ideal="0.8") + _POOLED
    )
    coverage_95: float | None = strawberry.field(
        description=_COVERAGE.format(level=95, ideal="0.95") + _POOLED
    )
    note: str | None = strawberry.field(
        description=(
            "Why the model was excluded, failed or replaced by a fallback, or a caveat of its "
            "fit; null when there is nothing to say."
        )
    )
    params: JSON | None = strawberry.field(
        description=(
            "Fitted parameters as a JSON object of name to value (numbers, strings, lists; "
            "`<name>_stderr` for standard errors; an ensemble lists its members). Its keys "
            "depend on the model family. Null when the model recorded none."
        )
    )
    key: strawberry.Private[RunSeries]

    @classmethod
    def of(cls, key: RunSeries, c: CandidateModel) -> ForecastCandidate:
        return cls(
            label=c.model,
            spec=c.spec,
            selected=c.selected,
            rank=c.rank,
            windows=c.windows,
            **_metrics(c.metrics),
            note=c.note,
            params=c.params,
            key=key,
        )

    @strawberry.field(description="This candidate's backtest windows, by cutoff.")
    async def backtest(self, info: Info) -> list[BacktestWindow]:
        rows = await forecasts.backtest_windows(info.context.loaders, self.key, self.label)
        return [BacktestWindow.of(w) for w in rows]


@strawberry.type(
    description=(
        "Why the forecast uses its model: every candidate of the run that produced the "
        "forecast, with its backtest metrics, and the backtest windows they were scored on. "
        "Empty lists when that run recorded no candidates."
    )
)
class ForecastSelection:
    selection: strawberry.Private[forecasts.Selection]

    @strawberry.field(description="Label of the chosen candidate; null when none is recorded.")
    def chosen(self) -> str | None:
        chosen = self.selection.chosen
        return None if chosen is None else chosen.model

    @strawberry.field(
        description="Fitted form of the chosen model, for example `ETS(A,Ad,N)` (as `model`)."
    )
    def spec(self) -> str:
        return self.selection.spec

    @strawberry.field(
        description=(
            "Observations scored after each backtest cutoff (the chosen model's longest "
            "window); null when nothing was backtested."
        )
    )
    async def horizon(self, info: Info) -> int | None:
        return await forecasts.backtest_horizon(info.context.loaders, self.selection)

    @strawberry.field(
        description="Backtest windows the chosen model was scored on; null when unknown."
    )
    def windows(self) -> int | None:
        chosen = self.selection.chosen
        return None if chosen is None else chosen.windows

    @strawberry.field(description="Every backtest cutoff used for this series, ascending.")
    async def cutoffs(self, info: Info) -> list[date]:
        return await forecasts.backtest_cutoffs(info.context.loaders, self.selection)

    @strawberry.field(
        description=(
            "Candidates by rank (1 = best first); candidates that were not scored last, the "
            "chosen one first among them, then by label. `selected` marks the chosen one."
        )
    )
    def candidates(self) -> list[ForecastCandidate]:
        key = self.selection.key
        return [ForecastCandidate.of(key, c) for c in self.selection.candidates]

    @strawberry.field(
        description=(
            "Every backtest window of every candidate, by cutoff, then in candidate order; "
            "`label` names the candidate."
        )
    )
    async def backtest(self, info: Info) -> list[BacktestWindow]:
        rows = await forecasts.selection_windows(info.context.loaders, self.selection)
        return [BacktestWindow.of(w) for w in rows]


@strawberry.type(description="The newest successful forecast of a series, with intervals.")
class Forecast:
    run_id: strawberry.ID = strawberry.field(
        description="Forecast run that produced it; one run covers many series."
    )
    model: str = strawberry.field(
        description="Display name of the model used, for example `ETS(A,Ad,N)`."
    )
    created_at: datetime = strawberry.field(description="When the run started (UTC).")
    dates: list[date] = strawberry.field(description="Forecast dates, after the last observation.")
    mean: list[float] = strawberry.field(description="Point forecast per date.")
    lower_80: list[float] = strawberry.field(description="Lower bound of the 80% interval.")
    upper_80: list[float] = strawberry.field(description="Upper bound of the 80% interval.")
    lower_95: list[float] = strawberry.field(description="Lower bound of the 95% interval.")
    upper_95: list[float] = strawberry.field(description="Upper bound of the 95% interval.")
    series_id: strawberry.Private[str]

    @strawberry.field(
        description=(
            "Why this model: the candidates of the run that produced this forecast, their "
            "backtest metrics and windows."
        )
    )
    async def selection(self, info: Info) -> ForecastSelection:
        key = (self.run_id, self.series_id)
        found = await forecasts.forecast_selection(info.context.loaders, key, self.model)
        return ForecastSelection(selection=found)
