"""Benchmark: the full forecast run (backtest, selection, final fits) on the real FRED series.

Loads every default-catalog series from the real files in ``FREDPIPE_REAL_DATA_DIR``
(``../shared/fred``) into a fresh DuckDB file, builds the marts with dbt (not timed), then
times ``forecasting.run_forecasts`` over the catalog with a process pool, and reads the
stored backtest back to print, per series and overall:

- the MASE of the selected model and of the seasonal naive yardstick (naive for series
  without a season) over the same backtest windows, and their ratio;
- the pooled empirical coverage of the selected model's 80 % and 95 % intervals;
- the wall time of the run.

Selection by backtest MASE always favours the selected model on the windows it was chosen
on, so the ``held-out`` columns also score an honest version: the model is chosen on all
windows but the last and scored on the last one only.

    .venv/bin/python -m bench.forecast [--workers 2] [--windows 3] [--repeat 1]

Targets (issue 5): ratio < 1 on >= 80 % of series, geometric-mean ratio <= 0.9, pooled 95 %
coverage within 90-98 %, whole catalog < 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.dbt_build import catalog_files, load_catalog_history
from bench.ingest_bulk import database
from flows.dbt_runner import dbt_build
from forecasting.pipeline import ForecastConfig
from forecasting.runner import ForecastReport, run_forecasts
from models.settings import load_settings, use_settings

TARGET_SHARE_BEATING = 0.80
TARGET_GEOMEAN = 0.90
TARGET_COVERAGE_95 = (0.90, 0.98)
TARGET_SECONDS = 60.0
YARDSTICKS = ("snaive", "naive")


@dataclass(frozen=True)
class Window:
    model: str
    cutoff: object
    horizon: int
    mase: float | None
    coverage_80: float | None
    coverage_95: float | None


@dataclass(frozen=True)
class SeriesScore:
    series_id: str
    selected: str
    spec: str
    yardstick: str
    mase: float | None
    yardstick_mase: float | None
    coverage_80: float | None
    coverage_95: float | None
    points: int
    heldout_model: str | None
    heldout_ratio: float | None

    @property
    def ratio(self) -> float | None:
        if self.mase is None or not self.yardstick_mase:
            return None
        return self.mase / self.yardstick_mase


def _windows(conn: sa.Connection, run_id: str) -> dict[str, dict[str, list[Window]]]:
    rows = conn.execute(
        sa.text(
            "select series_id, model, cutoff, horizon, mase, coverage_80, coverage_95"
            " from forecast_backtests where run_id = :r order by series_id, model, cutoff"
        ),
        {"r": run_id},
    ).all()
    out: dict[str, dict[str, list[Window]]] = defaultdict(lambda: defaultdict(list))
    for sid, model, cutoff, h, mase, c80, c95 in rows:
        out[str(sid)][str(model)].append(Window(str(model), cutoff, int(h), mase, c80, c95))
    return out


def _mean_mase(windows: list[Window]) -> float | None:
    values = [w.mase for w in windows]
    if not values or any(v is None for v in values):
        return None
    return float(statistics.fmean(v for v in values if v is not None))


def _pooled(windows: list[Window], attr: str) -> float | None:
    pairs = [(getattr(w, attr), w.horizon) for w in windows if getattr(w, attr) is not None]
    points = sum(h for _, h in pairs)
    return sum(c * h for c, h in pairs) / points if points else None


def _heldout(models: dict[str, list[Window]], yardstick: str) -> tuple[str | None, float | None]:
    """Choose on every window but the last, score the choice on the last."""
    ranked = []
    for name, windows in models.items():
        if name == "ensemble" or len(windows) < 2:
            continue
        earlier = _mean_mase(windows[:-1])
        if earlier is not None and windows[-1].mase is not None:
            ranked.append((earlier, name))
    base = models.get(yardstick, [])
    if not ranked or not base or not base[-1].mase:
        return None, None
    _, best = min(ranked)
    last = models[best][-1].mase
    assert last is not None
    return best, last / base[-1].mase


def score_run(engine: sa.Engine, run_id: str) -> list[SeriesScore]:
    with engine.connect() as conn:
        windows = _windows(conn, run_id)
        chosen = conn.execute(
            sa.text(
                "select series_id, model, spec from forecast_models"
                " where run_id = :r and selected order by series_id"
            ),
            {"r": run_id},
        ).all()
    scores = []
    for sid, model, spec in chosen:
        models = windows.get(str(sid), {})
        yardstick = next((y for y in YARDSTICKS if y in models), YARDSTICKS[-1])
        picked = models.get(str(model), [])
        held_model, held_ratio = _heldout(models, yardstick)
        scores.append(
            SeriesScore(
                series_id=str(sid),
                selected=str(model),
                spec=str(spec or model),
                yardstick=yardstick,
                mase=_mean_mase(picked),
                yardstick_mase=_mean_mase(models.get(yardstick, [])),
                coverage_80=_pooled(picked, "coverage_80"),
                coverage_95=_pooled(picked, "coverage_95"),
                points=sum(w.horizon for w in picked),
                heldout_model=held_model,
                heldout_ratio=held_ratio,
            )
        )
    return scores


def _fmt(value: float | None, spec: str = ".3f") -> str:
    return "-" if value is None else format(value, spec)


def _geomean(values: list[float]) -> float | None:
    positive = [v for v in values if v > 0]
    return math.exp(statistics.fmean(math.log(v) for v in positive)) if positive else None


def summarize(scores: list[SeriesScore], seconds: list[float], workers: int) -> bool:
    print(
        f"{'series':<14}{'selected':<34}{'MASE':>7}{'yard':>8}{'ratio':>7}"
        f"{'cov80':>7}{'cov95':>7}  {'held-out choice':<20}{'ratio':>7}"
    )
    for s in scores:
        print(
            f"{s.series_id:<14}{s.spec[:33]:<34}{_fmt(s.mase):>7}{_fmt(s.yardstick_mase):>8}"
            f"{_fmt(s.ratio):>7}{_fmt(s.coverage_80, '.1%'):>7}{_fmt(s.coverage_95, '.1%'):>7}"
            f"  {(s.heldout_model or '-')[:19]:<20}{_fmt(s.heldout_ratio):>7}"
        )
    ratios = [s.ratio for s in scores if s.ratio is not None]
    held = [s.heldout_ratio for s in scores if s.heldout_ratio is not None]
    points = sum(s.points for s in scores if s.coverage_95 is not None)
    cov95 = sum((s.coverage_95 or 0) * s.points for s in scores) / points if points else None
    cov80 = sum((s.coverage_80 or 0) * s.points for s in scores) / points if points else None
    share = sum(r < 1 for r in ratios) / len(ratios) if ratios else 0.0
    held_share = sum(r < 1 for r in held) / len(held) if held else 0.0
    geo, held_geo = _geomean(ratios), _geomean(held)
    wall = statistics.median(seconds)
    checks = {
        f"selected beats the yardstick on >= {TARGET_SHARE_BEATING:.0%} of series": share
        >= TARGET_SHARE_BEATING,
        f"geometric-mean MASE ratio <= {TARGET_GEOMEAN}": geo is not None and geo <= TARGET_GEOMEAN,
        "pooled 95% coverage within 90-98%": cov95 is not None
        and TARGET_COVERAGE_95[0] <= cov95 <= TARGET_COVERAGE_95[1],
        f"whole catalog under {TARGET_SECONDS:.0f} s": wall < TARGET_SECONDS,
    }
    print()
    print(f"series: {len(scores)}; workers: {workers}; cores: {os.cpu_count()}")
    print(f"wall time (median of {len(seconds)}): {wall:.1f} s  runs: {_join(seconds)}")
    print(f"beating the yardstick: {share:.0%} (held-out choice: {held_share:.0%})")
    print(f"geometric-mean MASE ratio: {_fmt(geo)} (held-out choice: {_fmt(held_geo)})")
    print(f"pooled coverage: 80% -> {_fmt(cov80, '.1%')}, 95% -> {_fmt(cov95, '.1%')}")
    for name, ok in checks.items():
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    return all(checks.values())


def _join(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def run(data_dir: Path, workers: int, windows: int, repeat: int) -> bool:
    if not catalog_files(data_dir):
        raise SystemExit(f"no catalog series files (SERIESID.csv) in {data_dir}")
    today = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory() as tmp, database("duckdb", None, Path(tmp)) as engine:
        load_catalog_history(engine, data_dir, today - timedelta(days=1))
        settings = load_settings(database_url=engine.url.render_as_string(hide_password=False))
        use_settings(settings)
        dbt_build(settings)
        config = ForecastConfig(windows=windows)
        seconds: list[float] = []
        report: ForecastReport | None = None
        for _ in range(repeat):
            report = run_forecasts(
                engine, settings=settings, config=config, workers=workers, force=True
            )
            seconds.append(report.elapsed_seconds)
        assert report is not None
        for outcome in report.failed:
            print(f"no forecast for {outcome.series_id}: {outcome.note}", file=sys.stderr)
        return summarize(score_run(engine, report.run_id), seconds, report.workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("FREDPIPE_REAL_DATA_DIR"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.data_dir is None:
        raise SystemExit("set FREDPIPE_REAL_DATA_DIR or pass --data-dir (the real FRED files)")
    ok = run(Path(args.data_dir), args.workers, args.windows, args.repeat)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
