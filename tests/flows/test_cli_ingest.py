"""``fredpipe ingest`` as an operator runs it: the real CLI against the FRED sandbox."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from models.engine import make_engine
from models.settings import SANDBOX_API_KEY
from models.values import as_date
from sandbox.server import running_sandbox
from tests.support.cli import cli_env, run_cli


def _env(db_url: str, fred_url: str = "http://127.0.0.1:9/fred") -> dict[str, str]:
    return cli_env(
        FREDPIPE_DATABASE_URL=db_url,
        FREDPIPE_FRED_BASE_URL=fred_url,
        FREDPIPE_FRED_API_KEY=SANDBOX_API_KEY,
        COLUMNS="200",  # rich wraps at 80 columns when not on a terminal
    )


def _stored(db_url: str) -> dict[str, int]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select series_id, count(*) from raw_observations group by series_id")
        ).all()
    engine.dispose()
    return {str(sid): int(str(n)) for sid, n in rows}


def test_ingest_exits_1_naming_the_failed_series_and_keeps_the_others(empty_db_url: str) -> None:
    with running_sandbox() as fred_url:
        env = _env(empty_db_url, fred_url)
        first = run_cli(["ingest", "--series", "UNRATE,NOSUCHSERIES,DGS2"], env)
        again = run_cli(["ingest", "--series", "UNRATE,DGS2"], env)

    assert first.returncode == 1, first.stderr
    assert "ingest failed for 1 series: NOSUCHSERIES" in first.stderr
    assert "series does not exist" in first.stderr
    for text in ("rows fetched", "rows written", "UNRATE", "success", "failed", "3/3"):
        assert text in first.stderr
    assert "Traceback" not in first.stderr
    stored = _stored(empty_db_url)
    assert set(stored) == {"UNRATE", "DGS2"} and stored["UNRATE"] > 500
    assert again.returncode == 0, again.stderr
    assert "2 series loaded, 0 rows written" in again.stderr
    assert _stored(empty_db_url) == stored


def test_ingest_needs_series_or_all(tmp_path: Path) -> None:
    env = _env(f"duckdb:///{tmp_path / 'x.duckdb'}")
    for args in (["ingest"], ["ingest", "--all", "--series", "DGS10"]):
        done = run_cli(args, env, timeout=120)
        assert done.returncode == 2
        assert "give either --series A,B or --all" in done.stderr


def test_ingest_without_an_api_key_says_how_to_get_one(tmp_path: Path) -> None:
    env = cli_env(FREDPIPE_DATABASE_URL=f"duckdb:///{tmp_path / 'x.duckdb'}")
    done = run_cli(["ingest", "--all"], env, timeout=120)
    assert done.returncode == 2
    assert "FRED_API_KEY" in done.stderr and "Traceback" not in done.stderr


def test_from_csv_stores_a_fred_download_with_dot_as_null(
    empty_db_url: str, tmp_path: Path
) -> None:
    csv = tmp_path / "GDP.csv"
    csv.write_text("observation_date,GDP\n2024-01-01,28000.5\n2024-04-01,.\n2024-07-01,29000\n")

    done = run_cli(["ingest", "--from-csv", str(csv)], _env(empty_db_url), timeout=120)

    assert done.returncode == 0, done.stderr
    assert "1 series loaded, 3 rows written" in done.stderr
    engine = make_engine(empty_db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select obs_date, value from raw_observations where series_id = 'GDP'"
                " order by obs_date"
            )
        ).all()
    engine.dispose()
    assert [(as_date(d), v) for d, v in rows] == [
        (date(2024, 1, 1), 28000.5),
        (date(2024, 4, 1), None),
        (date(2024, 7, 1), 29000.0),
    ]


def test_from_csv_refuses_options_that_need_the_api(tmp_path: Path) -> None:
    csv = tmp_path / "GDP.csv"
    csv.write_text("observation_date,GDP\n2024-01-01,1\n")
    env = _env(f"duckdb:///{tmp_path / 'x.duckdb'}")
    done = run_cli(["ingest", "--from-csv", str(csv), "--full"], env, timeout=120)
    assert done.returncode == 2 and "--from-csv takes no" in done.stderr
    missing = run_cli(["ingest", "--from-csv", str(tmp_path / "nope.csv")], env, timeout=120)
    assert missing.returncode == 2 and "is not a file" in missing.stderr
