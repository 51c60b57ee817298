"""The API suites' shared fixtures: the known dataset seeded into a fresh database (each
backend) and an API client over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support.api_data import Dataset, api_client, seed


@pytest.fixture
def data(db_url: str) -> Dataset:
    return seed(db_url)


@pytest.fixture
def client(db_url: str, data: Dataset, tmp_path: Path) -> Iterator[TestClient]:
    with api_client(db_url, tmp_path) as c:
        yield c
