"""``flows.dbt_runner`` profiles: built from Settings without running dbt."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.dbt_runner import (
    DUCKDB_CONNECT_ATTEMPTS,
    DbtError,
    build_profile,
    detect_mysql_flavour,
    vars_argument,
    write_profiles,
)
from models.settings import load_settings
from tests.support.databases import MYSQL_URL


def _output(profile: dict[str, Any]) -> dict[str, Any]:
    target = profile["fredpipe"]["target"]
    return profile["fredpipe"]["outputs"][target]


def test_duckdb_profile_uses_the_absolute_file_and_schema_main(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"duckdb:///{tmp_path / 'x.duckdb'}")
    out = _output(build_profile(settings))
    assert out == {
        "type": "duckdb",
        "path": str(tmp_path / "x.duckdb"),
        "schema": "main",
        "threads": 1,
        # another process reading the file between dbt nodes is waited out, not a failure
        "retries": {"connect_attempts": DUCKDB_CONNECT_ATTEMPTS},
    }
    assert DUCKDB_CONNECT_ATTEMPTS >= 5  # 1 + 2 + 4 + 8 s of waiting at least


def test_in_memory_duckdb_is_rejected_in_one_clear_error() -> None:
    with pytest.raises(DbtError, match="DuckDB file"):
        build_profile(load_settings(database_url="duckdb:///:memory:"))


def test_mysql_profile_maps_url_parts_and_keeps_the_database_as_schema() -> None:
    settings = load_settings(
        database_url="mysql+pymysql://app:s%40cret@db.internal:3307/fred?charset=utf8mb4"
    )
    profile = build_profile(settings, flavour="mysql")
    assert profile["fredpipe"]["target"] == "mysql"
    assert _output(profile) == {
        "type": "mysql",
        "server": "db.internal",
        "port": 3307,
        "username": "app",
        "password": "s@cret",
        "schema": "fred",
        "threads": 4,
        "charset": "utf8mb4",
    }


def test_vars_are_passed_as_compact_sorted_json_that_yaml_reads_back() -> None:
    dbt_vars = {"fill_policies": {"SP500": {"method": "ffill", "max_gap": 5}, "A": {}}}
    text = vars_argument(dbt_vars)
    assert text == '{"fill_policies":{"A":{},"SP500":{"max_gap":5,"method":"ffill"}}}'
    assert yaml.safe_load(text) == dbt_vars


def test_profiles_file_is_private_yaml(tmp_path: Path) -> None:
    settings = load_settings(database_url="duckdb:///" + str(tmp_path / "x.duckdb"))
    path = write_profiles(settings, tmp_path / "profiles")
    assert path == tmp_path / "profiles" / "profiles.yml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert yaml.safe_load(path.read_text())["fredpipe"]["target"] == "duckdb"


@pytest.mark.mysql
@pytest.mark.skipif(not MYSQL_URL, reason="FREDPIPE_TEST_MYSQL_URL is not set")
def test_mariadb_server_gets_the_mariadb_adapter() -> None:
    assert MYSQL_URL
    settings = load_settings(database_url=MYSQL_URL)
    assert detect_mysql_flavour(settings) == "mariadb"
    assert _output(build_profile(settings))["type"] == "mariadb"


@pytest.mark.mysql
@pytest.mark.skipif(not MYSQL_URL, reason="FREDPIPE_TEST_MYSQL_URL is not set")
def test_ssl_ca_makes_dbt_require_tls(tmp_path: Path) -> None:
    """The test server speaks no TLS, so a CA must turn dbt's connection into a refusal."""
    import subprocess
    import sys

    from flows import dbt_runner

    assert MYSQL_URL
    settings = load_settings(database_url=MYSQL_URL)
    write_profiles(settings, tmp_path)
    ca = "/etc/ssl/certs/ca-certificates.crt"
    proc = subprocess.run(
        [sys.executable, "-c", dbt_runner._LAUNCHER, f"--fredpipe-ssl-ca={ca}", "debug",
         "--project-dir", str(settings.dbt_project_dir), "--profiles-dir", str(tmp_path),
         "--log-path", str(tmp_path / "logs")],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "SSL" in proc.stdout
