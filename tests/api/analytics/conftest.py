"""The analytics suites' fixtures: a handful of real series built into the analytics marts by
dbt once per backend and session (``tests.support.analytics``), and an API client over them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support.analytics import AnalyticsMarts, analytics_marts
from tests.support.api_data import api_client
from tests.support.databases import BACKENDS, REAL_DATA_DIR


@pytest.fixture(scope="session", params=BACKENDS)
def marts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AnalyticsMarts]:
    if not REAL_DATA_DIR:
        pytest.skip("FREDPIPE_REAL_DATA_DIR is not set (points at ../shared/fred)")
    directory = tmp_path_factory.mktemp("analytics_marts")
    with analytics_marts(request.param, directory, Path(REAL_DATA_DIR)) as built:
        yield built


@pytest.fixture(scope="session")
def analytics_client(
    marts: AnalyticsMarts, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    with api_client(marts.url, tmp_path_factory.mktemp("analytics_app")) as client:
        yield client
