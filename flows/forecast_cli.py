"""``fredpipe forecast``: backtest, select and forecast with a progress bar and a summary."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows import stages


def _summary(outcome: stages.ForecastOutcome) -> Table:
    table = Table(title=f"forecast run {outcome.run_id}")
    for name in ("series", "status", "model", "fitted as", "freq", "obs", "horizon", "note"):
        table.add_column(
            name, overflow="fold", justify="right" if name in ("obs", "horizon") else "left"
        )
    styles = {"ok": "green", "fallback": "yellow", "failed": "red"}
    for o in outcome.outcomes:
        table.add_row(
            o.series_id,
            f"[{styles.get(o.status, 'white')}]{o.status}[/]",
            o.model,
            o.spec or "",
            o.freq or "?",
            f"{o.n_obs:,}",
            str(o.horizon),
            o.note or "",
        )
    return table


def run_forecast_with_progress(console: Console, ids: list[str] | None, *, force: bool) -> bool:
    """Migrate, forecast ``ids`` (default: every series in the marts) and print the summary;
    True unless a series got no forecast at all."""
    stages.migrate()
    columns = (
        TextColumn("[bold]forecast[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("series  last: {task.fields[last]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("forecast", total=len(ids) if ids else None, last="")

        def on_series(series_id: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, last=series_id)

        outcome = stages.forecast(ids, on_series, force=force)
    if outcome.reused:
        console.print(
            f"forecasts are up to date: run {outcome.run_id} already covers this data with these "
            "parameters (--force recomputes)",
            highlight=False,
        )
        return True
    console.print(_summary(outcome))
    console.print(
        f"{outcome.series} series forecast, {len(outcome.fallbacks)} fallbacks, "
        f"{len(outcome.failed)} failed, {outcome.workers} workers, "
        f"{outcome.elapsed_seconds:.1f} s",
        highlight=False,
    )
    if outcome.failed:
        console.print(
            f"[bold red]no forecast for {len(outcome.failed)} series:[/] "
            + "; ".join(f"{sid}: {why}" for sid, why in sorted(outcome.failed.items())),
            highlight=False,
        )
        return False
    return True
