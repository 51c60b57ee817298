"""``fredpipe forecast`` as an operator runs it: the real CLI on marts with synthetic series."""

from __future__ import annotations

import sqlalchemy as sa

from models.engine import make_engine
from tests.support.cli import cli_env, run_cli
from tests.support.forecast_marts import load_marts, synthetic_series


def _env(db_url: str) -> dict[str, str]:
    return cli_env(FREDPIPE_DATABASE_URL=db_url, FREDPIPE_FORECAST_WORKERS="2", COLUMNS="220")


def _runs(db_url: str) -> list[tuple[str, str]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select run_id, status from forecast_runs")).all()
    engine.dispose()
    return [(str(r[0]), str(r[1])) for r in rows]


def test_forecast_shows_progress_and_models_then_reuses_an_identical_run(db_url: str) -> None:
    engine = make_engine(db_url)
    load_marts(engine, synthetic_series())
    engine.dispose()
    env = _env(db_url)

    first = run_cli(["forecast", "--series", "SYN_M,SYN_Q"], env)
    assert first.returncode == 0, first.stderr
    for text in ("2/2", "SYN_M", "SYN_Q", "fitted as", "2 series forecast", "2 workers"):
        assert text in first.stderr, text
    assert "Traceback" not in first.stderr
    assert _runs(db_url) == [(_runs(db_url)[0][0], "success")]

    again = run_cli(["forecast", "--series", "SYN_Q,SYN_M"], env)
    assert again.returncode == 0, again.stderr
    assert "forecasts are up to date" in again.stderr and len(_runs(db_url)) == 1

    forced = run_cli(["forecast", "--series", "SYN_M,SYN_Q", "--force", "--windows", "2"], env)
    assert forced.returncode == 0, forced.stderr
    assert len(_runs(db_url)) == 2


def test_forecast_exits_1_naming_a_series_without_a_forecast(db_url: str) -> None:
    engine = make_engine(db_url)
    load_marts(engine, synthetic_series())
    engine.dispose()
    done = run_cli(["forecast", "--series", "SYN_A,EMPTY_W", "--workers", "1"], _env(db_url))
    assert done.returncode == 1, done.stderr
    assert "no forecast for 1 series" in done.stderr and "EMPTY_W" in done.stderr
    assert "no observations" in done.stderr


def test_forecast_rejects_unknown_series_and_bad_options(db_url: str) -> None:
    engine = make_engine(db_url)
    load_marts(engine, synthetic_series())
    engine.dispose()
    env = _env(db_url)
    unknown = run_cli(["forecast", "--series", "SYN_M,NOT_A_SERIES"], env)
    assert unknown.returncode == 2 and "NOT_A_SERIES" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    bad = run_cli(["forecast", "--windows", "0"], env, timeout=120)
    assert bad.returncode == 2 and "--windows" in bad.stderr
