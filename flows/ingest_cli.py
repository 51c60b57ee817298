"""``fredpipe ingest``: a hand-run ingest with a live progress bar and a summary table.

Kept apart from ``flows.cli`` so the command's presentation (rich) stays out of the stages and
the stages stay free of terminals. No Prefect here: a manual ingest should start in a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.run_records import SeriesResult
from models.tables import SUCCESS


def catalog_ids() -> list[str]:
    from flows.stages import default_series

    return default_series()


def run_ingest_with_progress(
    console: Console, ids: list[str], *, full: bool, vintages: bool
) -> bool:
    """Migrate, ingest ``ids`` and print the summary; True when every series loaded."""
    from flows import stages

    stages.migrate()
    fetched = rows = errors = 0
    mode = "vintages" if vintages else "full" if full else "incremental"
    columns = (
        TextColumn("[bold]ingest[/] ({task.fields[mode]})"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "series  {task.fields[fetched]:,} rows fetched, {task.fields[rows]:,} written  "
            "{task.fields[errors]} errors"
        ),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("ingest", total=len(ids), mode=mode, fetched=0, rows=0, errors=0)

        def on_result(result: SeriesResult, done: int, total: int) -> None:
            nonlocal fetched, rows, errors
            fetched += result.rows_fetched
            rows += result.rows_written
            errors += result.status != SUCCESS
            bar.update(task, completed=done, total=total, fetched=fetched, rows=rows, errors=errors)

        outcome = stages.ingest(ids, full=full, vintages=vintages, on_result=on_result)
    return _report(console, outcome.run_id, outcome.results)


def run_csv_import(console: Console, path: Path, series_id: str | None) -> bool:
    """Migrate, load one FRED CSV download and print the summary; True when every series
    loaded."""
    from flows import stages

    stages.migrate()
    outcome = stages.import_csv(path, series_id)
    return _report(console, outcome.run_id, outcome.results)


def summary_table(run_id: str, results: Sequence[SeriesResult]) -> Table:
    table = Table(title=f"ingest run {run_id}")
    table.add_column("series")
    table.add_column("status")
    table.add_column("rows fetched", justify="right")
    table.add_column("rows written", justify="right")
    table.add_column("error", overflow="fold")
    for r in results:
        style = "green" if r.status == SUCCESS else "red"
        table.add_row(
            r.series_id,
            f"[{style}]{r.status}[/]",
            f"{r.rows_fetched:,}",
            f"{r.rows_written:,}",
            r.error or "",
        )
    return table


def _report(console: Console, run_id: str, results: Sequence[SeriesResult]) -> bool:
    console.print(summary_table(run_id, results))
    failed = [r.series_id for r in results if r.status != SUCCESS]
    if failed:
        console.print(
            f"[bold red]ingest failed for {len(failed)} series:[/] {', '.join(failed)}",
            highlight=False,
        )
        return False
    written = sum(r.rows_written for r in results)
    console.print(f"{len(results)} series loaded, {written:,} rows written", highlight=False)
    return True
