"""``refreshSeries``: an admin starts a pipeline run from the API and it lands; anyone else is
refused. Against a real server, a real pipeline worker and the FRED sandbox."""

from __future__ import annotations

import time
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from models.settings import SANDBOX_API_KEY
from sandbox.server import running_sandbox
from tests.support.auth import access_token, access_token_for, auth_server, bearer, run_users_add
from tests.support.e2e import run_pipeline

REFRESH = 'mutation { refreshSeries(ids: ["DGS10"]) { runId seriesIds startedAt } }'
VERSION = "{ dataVersion }"


def _post(base: str, query: str, token: str | None = None) -> dict[str, object]:
    headers = bearer(token) if token else {}
    response = httpx.post(f"{base}/graphql", json={"query": query}, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _codes(body: dict[str, object]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors", [])}  # type: ignore[union-attr,index]


def test_an_admin_refreshes_a_series_and_the_run_lands(tmp_path: Path) -> None:
    db_url = f"duckdb:///{tmp_path / 'refresh.duckdb'}"
    with running_sandbox() as fred_url:
        run_pipeline(db_url, fred_url, ["DGS10"])
        with auth_server(
            db_url,
            fred_base_url=str(fred_url),
            fred_api_key=SANDBOX_API_KEY,
            data_dir=str(tmp_path / "data"),
        ) as server:
            assert run_users_add(server.env, "root", "admin", "admin-password-1").returncode == 0
            viewer = access_token(server.base)
            assert _codes(_post(server.base, REFRESH, viewer)) == {"FORBIDDEN"}
            admin = access_token_for(server, "root", "admin-password-1")
            before = _post(server.base, VERSION, admin)["data"]["dataVersion"]  # type: ignore[index]
            unknown = _post(
                server.base, 'mutation { refreshSeries(ids: ["NOPE9"]) { runId } }', admin
            )
            assert _codes(unknown) == {"NOT_FOUND"}
            started = _post(server.base, REFRESH, admin)
            assert "errors" not in started, started
            run = started["data"]["refreshSeries"]  # type: ignore[index]
            assert run["seriesIds"] == ["DGS10"] and len(run["runId"]) == 32
            again = _post(server.base, REFRESH, admin)
            assert _codes(again) == {"CONFLICT"}, again  # one run at a time
            deadline = time.monotonic() + 240
            # dbt build and the forecast stage bump the version (ingest only when rows change)
            while True:
                now = _post(server.base, VERSION, admin)["data"]["dataVersion"]  # type: ignore[index]
                if now >= before + 2:
                    break
                assert time.monotonic() < deadline, f"the run did not land: {before} -> {now}"
                time.sleep(1)
            log = tmp_path / "data" / "refresh" / f"{run['runId']}.log"
            assert log.is_file() and log.stat().st_size > 0


PREFECT_REFRESH = 'mutation { refreshSeries(ids: ["DGS10", "DGS2"]) { runId runner seriesIds } }'


def test_with_a_prefect_api_the_refresh_is_a_run_of_the_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings
    from prefect.testing.utilities import prefect_test_harness

    from flows.deployments import build_refresh_deployment

    db_url = f"duckdb:///{tmp_path / 'refresh.duckdb'}"
    with prefect_test_harness(server_startup_timeout=120):
        api = str(get_current_settings().api.url)
        monkeypatch.setenv("PREFECT_API_URL", api)  # the API server inherits it
        with auth_server(db_url, data_dir=str(tmp_path / "data")) as server:
            assert run_users_add(server.env, "root", "admin", "admin-password-1").returncode == 0
            admin = access_token_for(server, "root", "admin-password-1")
            answer = httpx.post(
                f"{server.base}/graphql",
                json={"query": PREFECT_REFRESH},
                headers=bearer(admin),
                timeout=30,
            )
            assert answer.status_code == 503  # the deployment is not registered yet
            missing = answer.json()
            assert _codes(missing) == {"SERVICE_UNAVAILABLE"}, missing
            assert "pipeline/refresh" in missing["errors"][0]["message"]
            deployment_id = build_refresh_deployment().apply()
            started = _post(server.base, PREFECT_REFRESH, admin)
            assert "errors" not in started, started
            run = started["data"]["refreshSeries"]  # type: ignore[index]
            assert run["runner"] == "PREFECT" and run["seriesIds"] == ["DGS10", "DGS2"]
            with get_client(sync_client=True) as client:
                flow_run = client.read_flow_run(UUID(run["runId"]))
            assert flow_run.deployment_id == deployment_id
            assert flow_run.parameters == {"series": ["DGS10", "DGS2"], "full": False}
            assert flow_run.state is not None and flow_run.state.is_scheduled()
            assert not (tmp_path / "data" / "refresh").exists(), "no worker was started"
