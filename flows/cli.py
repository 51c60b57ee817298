"""``fredpipe``: the operator's command line.

Every command builds settings once, installs them for the process and reports bad input as
one line on stderr with exit code 2 (no tracebacks for expected failures); a database that
cannot be reached or refuses the connection is one line with exit code 3.
"""

from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.table import Table

from flows.accounts import clients_app, users_app
from flows.commands import USAGE_ERROR, console, fail, install_settings, report
from flows.prefect_env import apply_prefect_defaults
from ingest.catalog import Catalog, CatalogError, load_catalog, parse_series_ids
from models.settings import Settings, SettingsError, get_settings

apply_prefect_defaults()

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
pipeline_app = typer.Typer(no_args_is_help=True, help="Run the ingest → dbt → forecast pipeline.")
app.add_typer(pipeline_app, name="pipeline")
schedule_app = typer.Typer(no_args_is_help=True, help="The scheduled Prefect deployments.")
app.add_typer(schedule_app, name="schedule")
app.add_typer(users_app, name="users")
app.add_typer(clients_app, name="clients")

SeriesOpt = Annotated[
    str | None,
    typer.Option("--series", "-s", help="Comma-separated FRED ids (default: the catalog)"),
]


def _require_api_key(settings: Settings) -> None:
    """Commands that call FRED stop here, before any work, when no usable key is set."""
    try:
        settings.require_fred_api_key()
    except SettingsError as exc:
        raise fail(str(exc)) from None


def _series(text: str | None) -> list[str] | None:
    if text is None:
        return None
    try:
        return parse_series_ids(text)
    except CatalogError as exc:
        raise fail(str(exc)) from None


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (idempotent)."""
    from flows import stages

    install_settings()
    console.print(f"schema at revision {stages.migrate()}")


@pipeline_app.command("run")
def pipeline_run(series: SeriesOpt = None) -> None:
    """Ingest, transform and forecast; exits 1 naming each series that failed."""
    settings = install_settings()
    ids = _series(series)
    _require_api_key(settings)
    result = _run_pipeline(ids)
    raise typer.Exit(0 if result else 1)


def _run_pipeline(ids: list[str] | None) -> bool:
    from flows.pipeline import PipelineFailed, PipelineResult, pipeline

    state = pipeline(series=ids, return_state=True)
    try:
        result = state.result()
    except PipelineFailed as exc:
        console.print(f"[bold red]pipeline failed:[/] {exc}", highlight=False)
        return False
    except SettingsError as exc:
        raise fail(str(exc)) from None
    assert isinstance(result, PipelineResult)
    table = Table(title="pipeline", show_header=False)
    table.add_row("series", ", ".join(result.series))
    table.add_row("rows written", f"{result.rows_written:,}")
    table.add_row("dbt build", f"{result.dbt_seconds:.1f} s")
    table.add_row("dbt docs", result.dbt_docs_dir or "not generated (see the warning above)")
    table.add_row("forecast run", f"{result.forecast_run_id} ({result.forecast_series} series)")
    table.add_row("data version", str(result.data_version))
    console.print(table)
    return True


@app.command()
def ingest(
    series: Annotated[
        str | None, typer.Option("--series", "-s", help="Comma-separated FRED ids")
    ] = None,
    all_series: Annotated[
        bool, typer.Option("--all", help="Every series in the catalog (ingest/catalog.toml)")
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Fetch the whole history, not only what is new")
    ] = False,
    vintages: Annotated[
        bool, typer.Option("--vintages", help="ALFRED backfill: every vintage FRED published")
    ] = False,
    from_csv: Annotated[
        Path | None,
        typer.Option("--from-csv", help="Load a FRED CSV download instead of calling the API"),
    ] = None,
) -> None:
    """Ingest by hand (no dbt, no forecast); exits 1 naming each series that failed."""
    from flows import ingest_cli

    settings = install_settings()
    if from_csv is not None:
        if all_series or full or vintages:
            raise fail("--from-csv takes no --all, --full or --vintages")
        ids = _series(series)
        if ids is not None and len(ids) > 1:
            raise fail("--from-csv takes at most one --series (the id for a single-column file)")
        if not from_csv.is_file():
            raise fail(f"--from-csv {from_csv} is not a file")
        ok = ingest_cli.run_csv_import(console, from_csv, ids[0] if ids else None)
        raise typer.Exit(0 if ok else 1)
    if (series is None) == (not all_series):
        raise fail("give either --series A,B or --all")
    ids = _series(series) or ingest_cli.catalog_ids()
    _require_api_key(settings)
    ok = ingest_cli.run_ingest_with_progress(console, ids, full=full, vintages=vintages)
    raise typer.Exit(0 if ok else 1)


@app.command()
def forecast(
    series: Annotated[
        str | None,
        typer.Option("--series", "-s", help="Comma-separated FRED ids (default: every series)"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Recompute even when the forecasts are up to date")
    ] = False,
    windows: Annotated[
        int | None,
        typer.Option("--windows", min=1, max=20, help="Backtest windows per series (default 3)"),
    ] = None,
    ensemble: Annotated[
        int | None,
        typer.Option("--ensemble", min=0, max=5, help="Also score an ensemble of the top k"),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Worker processes (default: cores)")
    ] = None,
) -> None:
    """Backtest every candidate model, keep the best by MASE and store its forecast.

    Reads the marts of the last dbt build; exits 1 naming each series that got no forecast.
    """
    from flows import forecast_cli
    from forecasting.history import UnknownSeriesError

    install_settings(
        forecast_backtest_windows=windows, forecast_ensemble=ensemble, forecast_workers=workers
    )
    try:
        ok = forecast_cli.run_forecast_with_progress(console, _series(series), force=force)
    except UnknownSeriesError as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(0 if ok else 1)


@app.command()
def docs() -> None:
    """Generate dbt docs (lineage, models, columns, tests); the API serves them at /dbt-docs/."""
    from flows import stages
    from flows.dbt_runner import DbtError

    settings = install_settings()
    try:
        published = stages.dbt_docs()
    except DbtError as exc:
        console.print(f"[bold red]dbt docs generate failed:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    base = f"http://{settings.api_host}:{settings.api_port}"
    console.print(
        f"dbt docs written to {published}\nserved at {base}/dbt-docs/ by `fredpipe serve`",
        highlight=False,
    )


@schedule_app.command("list")
def schedule_list() -> None:
    """Each deployment's name, cron, timezone, series count and next run (no server needed)."""
    from flows.deployments import scheduled_deployments

    table = Table(title="deployments (flow: pipeline)")
    for column in ("deployment", "cron", "timezone", "series", "next run"):
        table.add_column(column)
    for item in scheduled_deployments(_catalog()):
        table.add_row(
            item.spec.name,
            item.spec.cron,
            item.spec.timezone,
            str(len(item.series)),
            item.next_run.strftime("%Y-%m-%d %H:%M %Z"),
        )
    Console().print(table)


@schedule_app.command("serve")
def schedule_serve() -> None:
    """Register the deployments with the Prefect API and run them on their schedules (and the
    unscheduled `refresh` deployment, which the API's refreshSeries starts)."""
    from flows.deployments import serve_deployments

    settings = install_settings()
    _require_api_key(settings)
    serve_deployments(_catalog())


def _catalog() -> Catalog:
    try:
        return load_catalog()
    except CatalogError as exc:
        raise fail(str(exc)) from None


@app.command()
def sandbox(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1")] = 8001,
    data_dir: Annotated[
        Path | None, typer.Option(help="Folder of SERIESID.csv files (default: demo data)")
    ] = None,
    rate_per_minute: Annotated[int, typer.Option(help="Requests per minute before 429")] = 120,
) -> None:
    """Serve a FRED-compatible API on 127.0.0.1 (for tests, demos and offline work)."""
    from sandbox.server import serve_sandbox

    if data_dir is not None and not data_dir.is_dir():
        raise fail(f"--data-dir {data_dir} is not a folder")
    console.print(f"FRED sandbox on http://127.0.0.1:{port}/fred")
    serve_sandbox(port=port, data_dir=data_dir, rate_per_minute=rate_per_minute)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Serve the GraphQL API, the REST docs and the dashboard."""
    settings = install_settings(api_host=host, api_port=port)
    _serve(settings)


def _serve(settings: Settings) -> None:
    import uvicorn

    from graphql_api.app import create_app

    if not (settings.allow_anonymous or settings.jwt_secret or settings.jwt_public_key_file):
        raise fail(
            "FREDPIPE_JWT_SECRET is not set, so no request could sign in: set it (python -c "
            "'import secrets; print(secrets.token_urlsafe(48))') or allow anonymous read "
            "access with FREDPIPE_ALLOW_ANONYMOUS=true"
        )

    base = f"http://{settings.api_host}:{settings.api_port}"
    # a log line, not a banner: with FREDPIPE_LOG_FORMAT=json every line a server writes is JSON
    logging.getLogger("fredpipe.api").info(
        "serving dashboard %s/, GraphiQL %s/graphql, REST docs %s/docs, dbt docs %s/dbt-docs/",
        base,
        base,
        base,
        base,
    )
    app = create_app(settings)
    # our logging setup (models.log_config) replaces uvicorn's; its access log is ours
    uvicorn.run(
        app, host=settings.api_host, port=settings.api_port, log_config=None, access_log=False
    )


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="API port")] = 8000,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API after the pipeline")
    ] = True,
) -> None:
    """Run everything on embedded defaults against the sandbox's synthetic demo data."""
    from models.settings import SANDBOX_API_KEY
    from sandbox.demo_data import demo_series
    from sandbox.server import running_sandbox

    with running_sandbox() as fred_url:
        settings = install_settings(
            fred_base_url=fred_url,
            fred_api_key=SANDBOX_API_KEY,
            api_port=port,
            allow_anonymous=True,
            graphql_introspection=True,
            jwt_secret=get_settings().jwt_secret or secrets.token_urlsafe(48),
        )
        console.print(f"FRED sandbox (synthetic demo data) on {fred_url}", highlight=False)
        console.print(f"database {settings.database_url}", highlight=False)
        if not _run_pipeline(sorted(demo_series())):
            raise typer.Exit(1)
        password = _demo_user()
        console.print(
            f"anonymous read access is on for the demo; to sign in (an analyst): user "
            f"{DEMO_USER}, password {password}",
            highlight=False,
        )
        if serve_after:
            _serve(settings)


#: the demo's own account, given a fresh password on every ``fredpipe demo``
DEMO_USER = "demo"


def _demo_user() -> str:
    from flows.stages import migrated_database
    from models import accounts

    password = secrets.token_urlsafe(12)
    with migrated_database() as engine, engine.begin() as conn:
        accounts.set_password(conn, DEMO_USER, accounts.ANALYST, password)
    return password


#: exit code when the database cannot be reached or refuses the connection
DATABASE_UNREACHABLE = 3


def database_refusal(exc: sa.exc.DBAPIError) -> str:
    """One line for a failure to connect: the driver's own words, and for a TLS failure what
    the settings must say."""
    original = exc.orig if exc.orig is not None else exc
    message = " ".join(str(original.args[-1] if original.args else original).split())
    line = f"cannot connect to the database: {message}"
    if "SSL" in message or "certificate" in message:
        line += (
            " (FREDPIPE_MYSQL_SSL_CA must be the CA that signed the server's certificate, and"
            " the host in FREDPIPE_DATABASE_URL a name that certificate carries)"
        )
    return line


def main() -> None:
    try:
        app()
    except SettingsError as exc:
        report(str(exc))
        sys.exit(USAGE_ERROR)
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        if exc.statement is not None:  # a statement failed: not a failure to connect
            raise
        report(database_refusal(exc), soft_wrap=True)
        sys.exit(DATABASE_UNREACHABLE)


if __name__ == "__main__":
    main()
