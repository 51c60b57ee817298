"""Benchmark: the product's forecasts scored out of sample, rolling origin outside selection.

For each cutoff date (default six, mid-2008 to mid-2023) every default-catalog series with a
``SERIESID.csv`` in ``FREDPIPE_REAL_DATA_DIR`` (``../shared/fred``) is truncated at the cutoff
(rows dated after it are never written), loaded into a fresh DuckDB file the way
``bench.forecast`` loads the full files, built with ``dbt build`` (with the pipeline's vars,
``flows.stages.dbt_vars``) and forecast by ``forecasting.runner.run_forecasts`` with the
pipeline's defaults: the product's whole forecast stage, backtest selection, interval
calibration and final fit. The stored forecast (``forecast_points``) is then scored against
the full file's observations after the cutoff.

Why this is out of sample: selection and calibration run inside the forecast stage on a
database that holds nothing after the cutoff (checked after each load), and scoring uses
only observations after it. ``bench.forecast`` scores the choice on the windows it was made
on; this benchmark does not.

Yardsticks, fitted in the same run on the history the forecast stage read
(``forecasting.history.load_history``: mart values, windowed per frequency the same way) and
cleaned like the product cleans it (``forecasting.prepare.prepare_series``), forecasting the
product's own forecast dates:

- ``snaive``: the product's seasonal naive (``forecasting.baselines``, season from
  ``SeriesSpec``; naive where the series has no season or is shorter than one season);
- ``ets``: a plain damped-trend ETS, statsmodels ``ExponentialSmoothing(trend="add",
  damped_trend=True)`` with statsmodels' default initialisation, on the last 400 points;
- ``naive``: the last value (shown for reference; daily ``snaive`` repeats last week).

Per series, absolute errors are pooled over every cutoff (MAE over all scored points) and
reported as ratios to ``snaive``; pooled over series: geometric means of the ratios, the
share of series the product beats ``snaive`` on, the product's 80 % / 95 % coverage overall
and per frequency group, and wall times (the forecast stage separately from load and dbt).
Forecast dates without an observation (market holidays of business-day series, dates past
the file's end) are counted and left out of the scores.

    .venv/bin/python -m bench.forecast_oos [--cutoffs 2008-06-30 ...] [--series DGS10 ...]
        [--workers 2] [--json PATH]

Targets (issue 14), reported, not asserted: geometric-mean MAE ratio to ``snaive`` <= 0.9 x
the damped ETS's; product below ``snaive`` on >= 80 % of series; pooled 95 % coverage within
92-97 % and no frequency group below 88 %; pooled 80 % coverage within 75-85 %.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from models import marts

#: default cutoffs: every three years, mid-year, 2008-2023
DEFAULT_CUTOFFS: tuple[str, ...] = (
    "2008-06-30",
    "2011-06-30",
    "2014-06-30",
    "2017-06-30",
    "2020-06-30",
    "2023-06-30",
)
#: points the plain damped ETS is fitted on (the most recent ones)
ETS_POINTS = 400
#: frequency code -> group the coverage target is stated for
GROUPS: dict[str, str] = {
    "D": "daily",
    "W": "weekly",
    "BW": "weekly",
    "M": "monthly",
    "Q": "quarterly",
}
GROUP_ORDER = ("daily", "weekly", "monthly", "quarterly", "other")
MISSING = "."
LEVELS = (80, 95)

TARGET_RELATIVE = 0.90  # product geomean ratio / ETS geomean ratio
TARGET_SHARE = 0.80  # share of series with product ratio < 1
TARGET_COVERAGE_95 = (0.92, 0.97)
TARGET_GROUP_95 = 0.88
TARGET_COVERAGE_80 = (0.75, 0.85)

MODELS = ("product", "snaive", "ets", "naive")
POINT_COLUMNS = (
    "cutoff",
    "series_id",
    "group",
    "target_date",
    "actual",
    "mean",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
    "snaive",
    "ets",
    "naive",
)


# --- truncation: what the product may see ------------------------------------------------


def truncate_csv(source: Path, cutoff: date, folder: Path) -> Path | None:
    """Copy ``source`` (``date,value``, FRED's normalised layout) into ``folder`` keeping only
    the rows dated on or before ``cutoff``, text verbatim. Returns the new file, or None (and
    writes nothing) when no non-missing value is left."""
    lines = source.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "date,value":
        raise ValueError(f"{source}: expected the header 'date,value', got {lines[:1]}")
    kept = [lines[0]]
    values = 0
    for line in lines[1:]:
        if not line.strip():
            continue
        day, _, value = line.partition(",")
        if date.fromisoformat(day.strip()) > cutoff:
            continue
        kept.append(line)
        values += value.strip() not in ("", MISSING)
    if not values:
        return None
    target = folder / source.name
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def read_actuals(path: Path) -> pd.Series:
    """The file's observations: float values on a date index, NaN for FRED's missing '.'."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    text = frame["value"].str.strip()
    values = pd.to_numeric(text.where(~text.isin(["", MISSING])), errors="coerce")
    index = pd.DatetimeIndex(pd.to_datetime(frame["date"]), name="date")
    return pd.Series(values.to_numpy(dtype=float), index=index, name=path.stem)


# --- scoring (pure) ------------------------------------------------------------------------


def frequency_group(code: str | None) -> str:
    return GROUPS.get(code or "", "other")


@dataclass(frozen=True)
class Unscored:
    """Forecast dates with no observation to score against."""

    missing: int = 0  # the file has the date with '.' (e.g. a market holiday)
    absent: int = 0  # the file has no such date (e.g. past its last row)
    missing_dates: tuple[str, ...] = ()  # ISO
    absent_dates: tuple[str, ...] = ()  # ISO

    @property
    def total(self) -> int:
        return self.missing + self.absent


def match_actuals(
    forecast: pd.DataFrame, actuals: pd.Series, cutoff: date
) -> tuple[pd.DataFrame, Unscored]:
    """The forecast rows (indexed by target date) that have an observation after ``cutoff``,
    with an ``actual`` column; and what was left out."""
    after = actuals[actuals.index > pd.Timestamp(cutoff)]
    index = pd.DatetimeIndex(forecast.index)
    present = index.isin(after.index)
    observed = after.dropna()
    scored = index.isin(observed.index)
    out = forecast.loc[scored].copy()
    out["actual"] = observed.reindex(index[scored]).to_numpy(dtype=float)
    unscored = Unscored(
        missing=int((present & ~scored).sum()),
        absent=int((~present).sum()),
        missing_dates=tuple(d.date().isoformat() for d in index[present & ~scored]),
        absent_dates=tuple(d.date().isoformat() for d in index[~present]),
    )
    return out, unscored


def mae(errors: Iterable[float]) -> float | None:
    values = np.abs(np.asarray(list(errors), dtype=float))
    return float(values.mean()) if len(values) else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def coverage(points: pd.DataFrame, level: int) -> float | None:
    """Share of points whose actual lies inside the product's ``level`` % interval."""
    if points.empty:
        return None
    actual = points["actual"].to_numpy(dtype=float)
    inside = (points[f"lower_{level}"].to_numpy(dtype=float) <= actual) & (
        actual <= points[f"upper_{level}"].to_numpy(dtype=float)
    )
    return float(inside.mean())


def geomean(values: Iterable[float | None]) -> float | None:
    """Geometric mean of the positive values (None when there is none)."""
    kept = [v for v in values if v is not None and v > 0 and math.isfinite(v)]
    return math.exp(sum(math.log(v) for v in kept) / len(kept)) if kept else None


def _column(name: str) -> str:
    return "mean" if name == "product" else name


def series_table(points: pd.DataFrame) -> pd.DataFrame:
    """Per series, pooled over every cutoff: points, cutoffs, MAE of each model, ratios to
    ``snaive`` and the product's coverage. Ratios are None where ``snaive``'s MAE is 0."""
    rows = []
    for sid, group in points.groupby("series_id", sort=True):
        actual = group["actual"].to_numpy(dtype=float)
        maes = {m: mae(group[_column(m)].to_numpy(dtype=float) - actual) for m in MODELS}
        rows.append(
            {
                "series_id": str(sid),
                "group": str(group["group"].iloc[-1]),
                "cutoffs": int(group["cutoff"].nunique()),
                "points": len(group),
                **{f"mae_{m}": maes[m] for m in MODELS},
                "ratio": ratio(maes["product"], maes["snaive"]),
                "ets_ratio": ratio(maes["ets"], maes["snaive"]),
                "naive_ratio": ratio(maes["naive"], maes["snaive"]),
                "coverage_80": coverage(group, 80),
                "coverage_95": coverage(group, 95),
            }
        )
    columns = [
        "series_id",
        "group",
        "cutoffs",
        "points",
        *(f"mae_{m}" for m in MODELS),
        "ratio",
        "ets_ratio",
        "naive_ratio",
        "coverage_80",
        "coverage_95",
    ]
    return pd.DataFrame(rows, columns=columns)


def _none(value: Any) -> Any:
    """pandas' NaN/None as None, numbers as plain floats/ints."""
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def pooled(table: pd.DataFrame, points: pd.DataFrame) -> dict[str, Any]:
    """Figures over all series: geometric-mean ratios (series whose ``snaive`` MAE is 0 are
    left out and listed), share of series beaten, coverage overall and per group."""
    usable = table[table["mae_snaive"].notna() & (table["mae_snaive"] > 0)]
    left_out = sorted(set(table["series_id"]) - set(usable["series_id"]))
    ratios = [_none(v) for v in usable["ratio"]]
    geo = geomean(ratios)
    geo_ets = geomean(_none(v) for v in usable["ets_ratio"])
    geo_naive = geomean(_none(v) for v in usable["naive_ratio"])
    beaten = sum(1 for r in ratios if r is not None and r < 1)
    groups: dict[str, dict[str, Any]] = {}
    for name in GROUP_ORDER:
        part = points[points["group"] == name]
        if part.empty:
            continue
        members = table[table["group"] == name]
        groups[name] = {
            "series": len(members),
            "points": len(part),
            "coverage_80": coverage(part, 80),
            "coverage_95": coverage(part, 95),
            "geomean_ratio": geomean(_none(v) for v in members["ratio"]),
            "geomean_ets_ratio": geomean(_none(v) for v in members["ets_ratio"]),
        }
    return {
        "series": len(table),
        "series_scored": len(usable),
        "left_out_zero_snaive_mae": left_out,
        "points": len(points),
        "geomean_ratio": geo,
        "geomean_ets_ratio": geo_ets,
        "geomean_naive_ratio": geo_naive,
        "relative_to_ets": ratio(geo, geo_ets),
        "series_beating_snaive": beaten,
        "share_beating_snaive": beaten / len(ratios) if ratios else None,
        "coverage_80": coverage(points, 80),
        "coverage_95": coverage(points, 95),
        "groups": groups,
    }


@dataclass(frozen=True)
class Target:
    name: str
    value: str
    met: bool


def _within(value: float | None, bounds: tuple[float, float]) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


def targets(summary: Mapping[str, Any]) -> list[Target]:
    rel = summary["relative_to_ets"]
    share = summary["share_beating_snaive"]
    cov95, cov80 = summary["coverage_95"], summary["coverage_80"]
    group95 = {
        name: g["coverage_95"]
        for name, g in summary["groups"].items()
        if name != "other" and g["coverage_95"] is not None
    }
    worst = min(group95.items(), key=lambda kv: kv[1]) if group95 else None
    return [
        Target(
            f"geomean MAE ratio to snaive <= {TARGET_RELATIVE} x the damped ETS's",
            f"{_fmt(summary['geomean_ratio'])} vs {_fmt(summary['geomean_ets_ratio'])}"
            f" (x{_fmt(rel)})",
            rel is not None and rel <= TARGET_RELATIVE,
        ),
        Target(
            f"below snaive on >= {TARGET_SHARE:.0%} of series",
            f"{summary['series_beating_snaive']} of {summary['series_scored']}"
            f" ({_fmt(share, '.0%')})",
            share is not None and share >= TARGET_SHARE,
        ),
        Target(
            f"pooled 95% coverage within {TARGET_COVERAGE_95[0]:.0%}-{TARGET_COVERAGE_95[1]:.0%}",
            _fmt(cov95, ".1%"),
            _within(cov95, TARGET_COVERAGE_95),
        ),
        Target(
            f"no frequency group's 95% coverage below {TARGET_GROUP_95:.0%}",
            f"lowest: {worst[0]} {worst[1]:.1%}" if worst else "-",
            bool(group95) and all(v >= TARGET_GROUP_95 for v in group95.values()),
        ),
        Target(
            f"pooled 80% coverage within {TARGET_COVERAGE_80[0]:.0%}-{TARGET_COVERAGE_80[1]:.0%}",
            _fmt(cov80, ".1%"),
            _within(cov80, TARGET_COVERAGE_80),
        ),
    ]


# --- baselines --------------------------------------------------------------------------


def damped_ets(values: np.ndarray, h: int) -> np.ndarray:
    """What an analyst writes in five lines: additive damped trend, statsmodels defaults."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(
            np.asarray(values[-ETS_POINTS:], dtype=float), trend="add", damped_trend=True
        ).fit()
        out = np.asarray(fit.forecast(h), dtype=float)
    if out.shape != (h,) or not np.all(np.isfinite(out)):
        raise ValueError("damped ETS produced non-finite forecasts")
    return out


def baseline_forecasts(
    y: pd.Series, label: str | None, dates: pd.DatetimeIndex
) -> tuple[pd.DataFrame, list[str]]:
    """``snaive``, ``naive`` and ``ets`` forecasts of ``y`` (the history the forecast stage
    read) for ``dates`` (the product's forecast dates, in order); notes on any fallback."""
    from forecasting.base import ModelFitError, SeriesSpec
    from forecasting.baselines import NaiveForecaster, SeasonalNaiveForecaster
    from forecasting.prepare import prepare_series, series_frequency

    notes: list[str] = []
    h = len(dates)
    prep = prepare_series(y, series_frequency(label, pd.DatetimeIndex(y.index)))
    spec = SeriesSpec.of(prep.freq, business_days=prep.business_days)
    naive = NaiveForecaster(spec).fit(prep.values).predict(h, LEVELS)
    snaive = naive
    if spec.season:
        try:
            snaive = SeasonalNaiveForecaster(spec).fit(prep.values).predict(h, LEVELS)
        except ModelFitError as exc:
            notes.append(f"snaive -> naive ({exc})")
    if not pd.DatetimeIndex(naive.index).equals(pd.DatetimeIndex(dates)):
        notes.append("baseline dates differ from the product's: matched by step")
    try:
        ets = damped_ets(prep.values.to_numpy(dtype=float), h)
    except Exception as exc:  # the analyst's fallback: the last value
        notes.append(f"damped ETS failed ({type(exc).__name__}: {exc}); naive used")
        ets = naive["mean"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "snaive": snaive["mean"].to_numpy(dtype=float),
            "ets": ets,
            "naive": naive["mean"].to_numpy(dtype=float),
        },
        index=pd.DatetimeIndex(dates, name="target_date"),
    )
    return frame, notes


# --- one cutoff against the database --------------------------------------------------------


@dataclass
class CutoffRun:
    cutoff: str
    series: int = 0
    skipped: list[str] = field(default_factory=list)  # no value on or before the cutoff
    failed: dict[str, str] = field(default_factory=dict)  # no forecast stored
    fallbacks: dict[str, str] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)  # series -> selected label
    notes: dict[str, list[str]] = field(default_factory=dict)
    unscored: dict[str, dict[str, Any]] = field(default_factory=dict)
    load_seconds: float = 0.0
    dbt_seconds: float = 0.0
    forecast_seconds: float = 0.0  # run_forecasts' own clock: the forecast stage
    baseline_seconds: float = 0.0
    wall_seconds: float = 0.0
    workers: int = 0
    config: dict[str, Any] = field(default_factory=dict)  # the settings the stage ran with


def stage_files(files: Sequence[Path], cutoff: date, folder: Path) -> tuple[list[Path], list[str]]:
    """Truncated copies in ``folder``; and the series skipped for having no data yet."""
    folder.mkdir(parents=True, exist_ok=True)
    staged, skipped = [], []
    for path in files:
        copy = truncate_csv(path, cutoff, folder)
        if copy is None:
            skipped.append(path.stem)
        else:
            staged.append(copy)
    return staged, skipped


def read_forecasts(engine: sa.Engine, run_id: str) -> dict[str, pd.DataFrame]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select series_id, target_date, mean, lower_80, upper_80, lower_95, upper_95"
                " from forecast_points where run_id = :r order by series_id, target_date"
            ),
            {"r": run_id},
        ).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "series_id",
            "target_date",
            "mean",
            "lower_80",
            "upper_80",
            "lower_95",
            "upper_95",
        ],
    )
    frame["target_date"] = pd.to_datetime(frame["target_date"])
    return {
        str(sid): g.drop(columns="series_id").set_index("target_date").astype(float)
        for sid, g in frame.groupby("series_id", sort=True)
    }


def _check_no_leak(engine: sa.Engine, cutoff: date) -> None:
    with engine.connect() as conn:
        last_dates: dict[str, date | None] = {
            table: conn.execute(sa.text(f"select max(obs_date) from {table}")).scalar_one()
            for table in ("raw_observations", marts.OBSERVATIONS)
        }
    for name, last in last_dates.items():
        if last is not None and pd.Timestamp(last) > pd.Timestamp(cutoff):
            raise RuntimeError(f"leak: {name} holds {last}, after the cutoff {cutoff}")


def run_cutoff(
    cutoff: date,
    files: Sequence[Path],
    actuals: Mapping[str, pd.Series],
    workers: int,
    tmp: Path,
) -> tuple[CutoffRun, pd.DataFrame]:
    """Truncate, load, build, forecast, score one cutoff; returns its record and points."""
    from bench.dbt_build import load_catalog_history
    from bench.ingest_bulk import database
    from flows.dbt_runner import dbt_build
    from flows.stages import dbt_vars
    from forecasting.history import load_series_info, read_history
    from forecasting.runner import run_forecasts
    from models.settings import load_settings, use_settings

    started = time.perf_counter()
    record = CutoffRun(cutoff.isoformat())
    folder = tmp / f"csv-{cutoff.isoformat()}"
    staged, record.skipped = stage_files(files, cutoff, folder)
    record.series = len(staged)
    if not staged:
        return record, pd.DataFrame(columns=list(POINT_COLUMNS))
    vintage = datetime.now(UTC).date() - timedelta(days=1)  # as bench.forecast loads
    with database("duckdb", None, tmp) as engine:
        t = time.perf_counter()
        load_catalog_history(engine, folder, vintage)
        record.load_seconds = time.perf_counter() - t
        settings = load_settings(database_url=engine.url.render_as_string(hide_password=False))
        use_settings(settings)
        record.config = {
            "backtest_windows": settings.forecast_backtest_windows,
            "ensemble": settings.forecast_ensemble,
            "horizon": settings.forecast_horizon or "per frequency",
        }
        t = time.perf_counter()
        dbt_build(settings, dbt_vars=dbt_vars())
        record.dbt_seconds = time.perf_counter() - t
        _check_no_leak(engine, cutoff)
        report = run_forecasts(
            engine,
            horizon=settings.forecast_horizon,
            settings=settings,
            workers=workers,
            force=True,
        )
        record.forecast_seconds = report.elapsed_seconds
        record.workers = report.workers
        forecasts = read_forecasts(engine, report.run_id)
        t = time.perf_counter()
        info = load_series_info(engine)
        history = read_history(engine, info)
    codes = {o.series_id: o.freq for o in report.outcomes}
    record.failed = {o.series_id: o.note or "no forecast" for o in report.failed}
    record.fallbacks = {o.series_id: o.note or o.model for o in report.fallbacks}
    record.models = {o.series_id: o.model for o in report.outcomes if o.status != "failed"}
    labels = {row.series_id: row.freq for row in info}
    groups = {str(s): g for s, g in history.groupby("series_id", sort=False)}
    frames = []
    for sid, forecast in forecasts.items():
        hist = groups[sid]
        y = pd.Series(hist["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(hist["obs_date"]))
        base, notes = baseline_forecasts(y, labels.get(sid), pd.DatetimeIndex(forecast.index))
        if notes:
            record.notes[sid] = notes
        both = forecast.join(base)
        scored, unscored = match_actuals(both, actuals[sid], cutoff)
        record.unscored[sid] = asdict(unscored)
        scored = scored.reset_index().rename(columns={"index": "target_date"})
        scored["cutoff"] = cutoff.isoformat()
        scored["series_id"] = sid
        scored["group"] = frequency_group(codes.get(sid))
        frames.append(scored[list(POINT_COLUMNS)])
    record.baseline_seconds = time.perf_counter() - t
    record.wall_seconds = time.perf_counter() - started
    points = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=POINT_COLUMNS)
    return record, points


# --- report ----------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str = ".3f") -> str:
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else format(value, spec)
    )


def _models_column(sid: str, runs: Sequence[CutoffRun]) -> str:
    return " ".join(r.models.get(sid, "-") if sid not in r.skipped else "." for r in runs)


def print_report(
    table: pd.DataFrame,
    points: pd.DataFrame,
    summary: Mapping[str, Any],
    runs: Sequence[CutoffRun],
    total: float,
) -> None:
    print(
        f"{'series':<13}{'group':<10}{'cut':>4}{'pts':>5}{'MAE':>10}{'ratio':>7}{'ets':>7}"
        f"{'naive':>7}{'cov80':>7}{'cov95':>7}  selected per cutoff ('.' = no data yet)"
    )
    for row in table.itertuples(index=False):
        print(
            f"{row.series_id:<13}{row.group:<10}{row.cutoffs:>4}{row.points:>5}"
            f"{_fmt(_none(row.mae_product), '.4g'):>10}{_fmt(_none(row.ratio)):>7}"
            f"{_fmt(_none(row.ets_ratio)):>7}{_fmt(_none(row.naive_ratio)):>7}"
            f"{_fmt(_none(row.coverage_80), '.0%'):>7}{_fmt(_none(row.coverage_95), '.0%'):>7}"
            f"  {_models_column(str(row.series_id), runs)}"
        )
    print()
    print("ratio = product MAE / snaive MAE; ets, naive = that baseline's MAE / snaive MAE;")
    print("MAE pooled over every scored point of every cutoff (series' own units)")
    print()
    print(
        f"{'cutoff':<12}{'series':>7}{'load s':>8}{'dbt s':>8}{'forecast s':>11}"
        f"{'baselines s':>12}{'wall s':>8}{'geo':>7}{'ets':>7}{'cov80':>7}{'cov95':>7}"
        "  unscored dates, skipped, failed, fallbacks"
    )
    for r in runs:
        part = points[points["cutoff"] == r.cutoff]
        at = pooled(series_table(part), part)
        missing = sum(u["missing"] for u in r.unscored.values())
        absent = sum(u["absent"] for u in r.unscored.values())
        extra = [f"{missing} '.' / {absent} absent"]
        if r.skipped:
            extra.append(f"skipped (no data yet): {', '.join(r.skipped)}")
        if r.failed:
            extra.append(f"failed: {', '.join(f'{k} ({v})' for k, v in r.failed.items())}")
        if r.fallbacks:
            extra.append(f"fallbacks: {', '.join(r.fallbacks)}")
        print(
            f"{r.cutoff:<12}{r.series:>7}{r.load_seconds:>8.1f}{r.dbt_seconds:>8.1f}"
            f"{r.forecast_seconds:>11.1f}{r.baseline_seconds:>12.1f}{r.wall_seconds:>8.1f}"
            f"{_fmt(at['geomean_ratio']):>7}{_fmt(at['geomean_ets_ratio']):>7}"
            f"{_fmt(at['coverage_80'], '.0%'):>7}{_fmt(at['coverage_95'], '.0%'):>7}"
            f"  {'; '.join(extra)}"
        )
    print("geo, ets: that cutoff's geometric-mean MAE ratio to snaive (product, damped ETS)")
    print()
    workers = sorted({r.workers for r in runs if r.workers})
    forecast_total = sum(r.forecast_seconds for r in runs)
    dbt_total = sum(r.dbt_seconds for r in runs)
    print(
        f"wall time: {total:.1f} s total; forecast stage {forecast_total:.1f} s over "
        f"{len(runs)} cutoffs (dbt build {dbt_total:.1f} s, not part of it); workers "
        f"{'/'.join(map(str, workers)) or '-'}; cores {os.cpu_count()}"
    )
    configs = {json.dumps(r.config, sort_keys=True) for r in runs if r.config}
    print(f"forecast stage settings (the pipeline's defaults): {'; '.join(sorted(configs))}")
    print(
        f"series: {summary['series']} scored ({summary['points']} points);"
        f" geomeans over {summary['series_scored']}"
        + (
            f" (left out, snaive MAE 0: {', '.join(summary['left_out_zero_snaive_mae'])})"
            if summary["left_out_zero_snaive_mae"]
            else ""
        )
    )
    print(
        f"geometric-mean MAE ratio to snaive: product {_fmt(summary['geomean_ratio'])},"
        f" damped ETS {_fmt(summary['geomean_ets_ratio'])},"
        f" naive {_fmt(summary['geomean_naive_ratio'])}"
    )
    print(
        f"coverage: 80% -> {_fmt(summary['coverage_80'], '.1%')},"
        f" 95% -> {_fmt(summary['coverage_95'], '.1%')}"
    )
    for name, g in summary["groups"].items():
        print(
            f"  {name:<10} {g['series']:>2} series {g['points']:>5} points:"
            f" 80% -> {_fmt(g['coverage_80'], '.1%')}, 95% -> {_fmt(g['coverage_95'], '.1%')};"
            f" geomean ratio {_fmt(g['geomean_ratio'])} (ETS {_fmt(g['geomean_ets_ratio'])})"
        )
    holidays = Counter(d for r in runs for u in r.unscored.values() for d in u["missing_dates"])
    if holidays:
        listed = ", ".join(f"{day} ({n})" for day, n in sorted(holidays.items()))
        print(
            f"forecast dates the files mark '.' (not scored; series count): "
            f"{sum(holidays.values())} points on {len(holidays)} dates: {listed}"
        )
    absent = [
        f"{r.cutoff} {sid}: {', '.join(u['absent_dates'])}"
        for r in runs
        for sid, u in r.unscored.items()
        if u["absent_dates"]
    ]
    for line in absent:
        print(f"  forecast dates the file does not have (not scored) {line}")
    notes = [f"{r.cutoff} {sid}: {'; '.join(n)}" for r in runs for sid, n in r.notes.items()]
    for line in notes:
        print(f"  baseline note {line}")
    print()
    for t in targets(summary):
        print(f"  [{'met' if t.met else 'NOT MET'}] {t.name}: {t.value}")


# --- entry point -----------------------------------------------------------------------------


def run(
    data_dir: Path,
    cutoffs: Sequence[date],
    series: Sequence[str] | None,
    workers: int,
    json_path: Path | None,
) -> dict[str, Any]:
    from bench.dbt_build import catalog_files

    files = catalog_files(data_dir)
    if series:
        wanted = {s.upper() for s in series}
        unknown = sorted(wanted - {p.stem for p in files})
        if unknown:
            raise SystemExit(f"not catalog series with a file in {data_dir}: {', '.join(unknown)}")
        files = [p for p in files if p.stem in wanted]
    if not files:
        raise SystemExit(f"no catalog series files (SERIESID.csv) in {data_dir}")
    actuals = {p.stem: read_actuals(p) for p in files}
    started = time.perf_counter()
    runs: list[CutoffRun] = []
    frames: list[pd.DataFrame] = []
    with tempfile.TemporaryDirectory(prefix="fredpipe-oos-") as tmp:
        for cutoff in cutoffs:
            record, points = run_cutoff(cutoff, files, actuals, workers, Path(tmp))
            print(
                f"cutoff {record.cutoff}: {record.series} series, forecast stage "
                f"{record.forecast_seconds:.1f} s, {len(points)} points scored",
                file=sys.stderr,
                flush=True,
            )
            runs.append(record)
            if not points.empty:
                frames.append(points)
    total = time.perf_counter() - started
    points = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=POINT_COLUMNS)
    table = series_table(points)
    summary = pooled(table, points)
    print_report(table, points, summary, runs, total)
    result = {
        "data_dir": str(data_dir),
        "cutoffs": [c.isoformat() for c in cutoffs],
        "workers": workers,
        "cores": os.cpu_count(),
        "total_seconds": total,
        "summary": summary,
        "targets": [asdict(t) for t in targets(summary)],
        "series": [
            {k: _none(v) for k, v in row.items()} for row in table.to_dict(orient="records")
        ],
        "per_cutoff_series": _per_cutoff(points),
        "cutoff_runs": [asdict(r) for r in runs],
    }
    if json_path is not None:
        json_path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return result


def _per_cutoff(points: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for (cutoff, sid), group in points.groupby(["cutoff", "series_id"], sort=True):
        actual = group["actual"].to_numpy(dtype=float)
        row: dict[str, Any] = {"cutoff": cutoff, "series_id": sid, "points": len(group)}
        for m in MODELS:
            row[f"mae_{m}"] = mae(group[_column(m)].to_numpy(dtype=float) - actual)
        row["coverage_80"] = coverage(group, 80)
        row["coverage_95"] = coverage(group, 95)
        out.append(row)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("FREDPIPE_REAL_DATA_DIR"))
    parser.add_argument(
        "--cutoffs",
        nargs="+",
        type=date.fromisoformat,
        default=list(map(date.fromisoformat, DEFAULT_CUTOFFS)),
    )
    parser.add_argument("--series", nargs="+", help="catalog series ids (default: all)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    if args.data_dir is None:
        raise SystemExit("set FREDPIPE_REAL_DATA_DIR or pass --data-dir (the real FRED files)")
    run(Path(args.data_dir), sorted(set(args.cutoffs)), args.series, args.workers, args.json)


if __name__ == "__main__":
    main()
