"""The Strawberry schema of ``docs/contracts.md`` (the React client's contract).

Series travel as columns (``dates``/``values`` lists): Strawberry's cost is per object and
per field, so a list of point objects would dominate every request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import ExecutionContext

from graphql_api import services
from graphql_api.context import Context
from graphql_api.errors import mask_unexpected
from graphql_api.extensions import ResponseCache
from models import forecast_repository
from models.forecast_repository import CandidateModel, ForecastColumns, RunSeries
from models.series_repository import SeriesMeta, SeriesStats

Info = strawberry.Info[Context, None]


@strawberry.type(description="A time series as parallel columns, ordered by date.")
class Series:
    dates: list[date]
    values: list[float | None]


@strawberry.type(description="Sample statistics of the observations inside a window.")
class Stats:
    count: int
    mean: float | None
    variance: float | None
    stddev: float | None
    min: float | None
    max: float | None
    start: date | None = strawberry.field(description="First observation date in the window.")
    end: date | None = strawberry.field(description="Last observation date in the window.")

    @classmethod
    def of(cls, s: SeriesStats) -> Stats:
        return cls(
            count=s.count,
            mean=s.mean,
            variance=s.variance,
            stddev=s.stddev,
            min=s.min,
            max=s.max,
            start=s.start,
            end=s.end,
        )


_MAE = "Mean absolute error, in the series' units."
_RMSE = "Root mean squared error, in the series' units."
_SMAPE = "Symmetric mean absolute percentage error, in percent (0 to 200)."
_MASE = (
    "Mean absolute scaled error: MAE divided by the in-sample MAE of the naive forecast "
    "(seasonal naive for seasonal series) on the training set. Below 1 beats naive."
)
_COVERAGE = "Share (0 to 1) of the actual values inside the {level}% interval; ideal is {ideal}."


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
    coverage80: float | None = strawberry.field(description=_COVERAGE.format(level=80, ideal="0.8"))
    coverage95: float | None = strawberry.field(
        description=_COVERAGE.format(level=95, ideal="0.95")
    )

    @classmethod
    def of(cls, w: forecast_repository.BacktestWindow) -> BacktestWindow:
        m = w.metrics
        return cls(
            label=w.model,
            cutoff=w.cutoff,
            n_train=w.n_train,
            horizon=w.horizon,
            mae=m.mae,
            rmse=m.rmse,
            smape=m.smape,
            mase=m.mase,
            coverage80=m.coverage_80,
            coverage95=m.coverage_95,
        )


_AVERAGED = " Averaged over the backtest windows."
_POOLED = " Pooled over every point the backtest windows scored."


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
    coverage80: float | None = strawberry.field(
        description=_COVERAGE.format(level=80, ideal="0.8") + _POOLED
    )
    coverage95: float | None = strawberry.field(
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
        m = c.metrics
        return cls(
            label=c.model,
            spec=c.spec,
            selected=c.selected,
            rank=c.rank,
            windows=c.windows,
            mae=m.mae,
            rmse=m.rmse,
            smape=m.smape,
            mase=m.mase,
            coverage80=m.coverage_80,
            coverage95=m.coverage_95,
            note=c.note,
            params=c.params,
            key=key,
        )

    @strawberry.field(description="This candidate's backtest windows, by cutoff.")
    async def backtest(self, info: Info) -> list[BacktestWindow]:
        rows = await services.backtest_windows(info.context.loaders, self.key, self.label)
        return [BacktestWindow.of(w) for w in rows]


@strawberry.type(
    description=(
        "Why the forecast uses its model: every candidate of the run that produced the "
        "forecast, with its backtest metrics, and the backtest windows they were scored on. "
        "Empty lists when that run recorded no candidates."
    )
)
class ForecastSelection:
    selection: strawberry.Private[services.Selection]

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
        return await services.backtest_horizon(info.context.loaders, self.selection)

    @strawberry.field(
        description="Backtest windows the chosen model was scored on; null when unknown."
    )
    def windows(self) -> int | None:
        chosen = self.selection.chosen
        return None if chosen is None else chosen.windows

    @strawberry.field(description="Every backtest cutoff used for this series, ascending.")
    async def cutoffs(self, info: Info) -> list[date]:
        return await services.backtest_cutoffs(info.context.loaders, self.selection)

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
        rows = await services.selection_windows(info.context.loaders, self.selection)
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
    lower80: list[float] = strawberry.field(description="Lower bound of the 80% interval.")
    upper80: list[float] = strawberry.field(description="Upper bound of the 80% interval.")
    lower95: list[float] = strawberry.field(description="Lower bound of the 95% interval.")
    upper95: list[float] = strawberry.field(description="Upper bound of the 95% interval.")
    columns: strawberry.Private[ForecastColumns]

    @classmethod
    def of(cls, f: ForecastColumns) -> Forecast:
        return cls(
            run_id=strawberry.ID(f.run_id),
            model=f.model,
            created_at=f.created_at,
            dates=f.dates,
            mean=f.mean,
            lower80=f.lower_80,
            upper80=f.upper_80,
            lower95=f.lower_95,
            upper95=f.upper_95,
            columns=f,
        )

    @strawberry.field(
        description=(
            "Why this model: the candidates of the run that produced this forecast, their "
            "backtest metrics and windows."
        )
    )
    async def selection(self, info: Info) -> ForecastSelection:
        found = await services.forecast_selection(info.context.loaders, self.columns)
        return ForecastSelection(selection=found)


@strawberry.type(description="A FRED series with its metadata, data, statistics and forecast.")
class Indicator:
    id: strawberry.ID
    title: str
    units: str
    units_short: str
    frequency: str
    frequency_short: str
    seasonal_adjustment: str
    first_date: date | None
    last_date: date | None
    observation_count: int

    @classmethod
    def of(cls, m: SeriesMeta) -> Indicator:
        return cls(
            id=strawberry.ID(m.series_id),
            title=m.title,
            units=m.units,
            units_short=m.units_short,
            frequency=m.frequency,
            frequency_short=m.frequency_short,
            seasonal_adjustment=m.seasonal_adjustment,
            first_date=m.first_obs_date,
            last_date=m.last_obs_date,
            observation_count=m.n_obs,
        )

    @strawberry.field(description="Observations inside [start, end] (inclusive, open if null).")
    async def observations(
        self, info: Info, start: date | None = None, end: date | None = None
    ) -> Series:
        cols = await services.observations(info.context.loaders, self.id, start, end)
        return Series(dates=cols.dates, values=cols.values)

    @strawberry.field(description="Sample statistics inside [start, end]; full history if open.")
    async def stats(self, info: Info, start: date | None = None, end: date | None = None) -> Stats:
        return Stats.of(await services.stats(info.context.loaders, self.id, start, end))

    @strawberry.field(description="Null when no successful forecast covers the series.")
    async def forecast(self, info: Info) -> Forecast | None:
        found = await services.forecast(info.context.loaders, self.id)
        return None if found is None else Forecast.of(found)


@strawberry.type
class Correlation:
    ids: list[strawberry.ID]
    matrix: list[list[float | None]] = strawberry.field(
        description="Pearson on dates both series observe; null when fewer than 3 pairs."
    )
    counts: list[list[int]] = strawberry.field(description="Overlapping observations per pair.")
    start: date | None
    end: date | None


@strawberry.type
class Query:
    @strawberry.field(description="Every indicator in the catalog, ordered by id.")
    async def indicators(self, info: Info) -> list[Indicator]:
        ctx = info.context
        return [Indicator.of(m) for m in await services.list_indicators(ctx.db, ctx.loaders)]

    @strawberry.field(description="One indicator; NOT_FOUND error for an unknown id.")
    async def indicator(self, info: Info, id: strawberry.ID) -> Indicator:
        return Indicator.of(await services.get_indicator(info.context.loaders, id))

    @strawberry.field(description="Pairwise correlation of 2 to 20 indicators inside a window.")
    async def correlation(
        self,
        info: Info,
        ids: list[strawberry.ID],
        start: date | None = None,
        end: date | None = None,
    ) -> Correlation:
        r = await services.correlation(info.context.loaders, ids, start, end)
        return Correlation(
            ids=[strawberry.ID(i) for i in r.ids],
            matrix=r.matrix,
            counts=r.counts,
            start=r.start,
            end=r.end,
        )

    @strawberry.field(description="Current data version; it changes after each pipeline stage.")
    async def data_version(self, info: Info) -> int:
        return await info.context.db.version()


class FredpipeSchema(strawberry.Schema):
    """Masks unexpected errors (with a logged request id) for every execution path."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        ctx: Any = execution_context.context if execution_context else None
        mask_unexpected(errors, getattr(ctx, "request_id", None) or "unknown")


def build_schema() -> strawberry.Schema:
    return FredpipeSchema(query=Query, extensions=[ResponseCache])


schema = build_schema()
