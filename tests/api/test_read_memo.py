"""The read memo (``graphql_api.read_memo``): reads remembered across requests by data version,
on both backends, with the SQL the app really runs counted; and the memo's own bounds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from graphql_api.read_memo import ReadMemo, approx_bytes
from models import marts
from models.engine import make_engine
from models.series_repository import SeriesColumns
from models.versioning import bump_version
from tests.support.api_data import Dataset, gql

#: the tables holding data (not the data version, not driver chatter)
DATA_TABLES = (
    marts.OBSERVATIONS,
    marts.OBSERVATION_TRANSFORMS,
    marts.SERIES_STATS,
    "dim_series",
    "forecast_runs",
    "forecast_points",
)


@contextmanager
def statements(client: TestClient) -> Iterator[list[tuple[str, str]]]:
    """(SQL, parameters) of every statement the app runs on a data table inside the block."""
    seen: list[tuple[str, str]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if any(table in statement for table in DATA_TABLES):
            seen.append((statement, repr(parameters)))

    engine = client.app.state.engine  # type: ignore[attr-defined]
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def window_query(start: str, end: str, ids: tuple[str, ...] = ("DGS10",)) -> str:
    fields = f"""observations(start: "{start}", end: "{end}") {{ dates values }}
        stats(start: "{start}", end: "{end}") {{ count mean }}"""
    return "{ " + " ".join(f'{sid}: indicator(id: "{sid}") {{ {fields} }}' for sid in ids) + " }"


def data(client: TestClient, query: str) -> dict[str, Any]:
    body = gql(client, query)
    assert "errors" not in body, body["errors"]
    return body["data"]  # type: ignore[no-any-return]


@pytest.fixture
def fresh_versions(client: TestClient) -> TestClient:
    # MySQL: the version is otherwise remembered for a second; these tests bump and ask at once
    client.app.state.data_versions.ttl = 0.0  # type: ignore[attr-defined]
    return client


def test_a_new_window_of_a_series_already_read_runs_no_statement(
    fresh_versions: TestClient, data: Dataset
) -> None:
    client = fresh_versions
    with statements(client) as first:
        data_of(client, "2020-01-01", "2020-06-30")
    assert first, "the first request must read the database"
    with statements(client) as second:
        got = data_of(client, "2019-03-01", "2019-03-31")
    assert second == [], second
    # and the cut is the window a direct read gives
    want = data.window("DGS10", date(2019, 3, 1), date(2019, 3, 31))
    assert got["observations"]["dates"] == [d.isoformat() for d in want["obs_date"]]
    assert got["observations"]["values"] == pytest.approx(want["value"].tolist())
    assert got["stats"]["count"] == len(want)
    assert got["stats"]["mean"] == pytest.approx(want["value"].mean(), rel=1e-12)


def data_of(client: TestClient, start: str, end: str) -> dict[str, Any]:
    return data(client, window_query(start, end))["DGS10"]


def test_a_bump_makes_the_next_request_read_again_and_see_new_data(
    fresh_versions: TestClient, db_url: str
) -> None:
    client = fresh_versions
    before = data_of(client, "2021-01-01", "2021-06-30")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        for table in (marts.OBSERVATIONS, marts.OBSERVATION_TRANSFORMS):
            conn.execute(
                sa.text(f"UPDATE {table} SET value = value + 100 WHERE series_id = 'DGS10'")
            )
    with statements(client) as unbumped:
        same = data_of(client, "2021-01-01", "2021-06-30")
    # without a bump the memo answers (the contract every stage keeps: write, then bump)
    assert unbumped == [] and same == before
    bump_version(engine, "test-read-memo")
    engine.dispose()
    with statements(client) as bumped:
        after = data_of(client, "2021-01-01", "2021-06-30")
    assert bumped, "a new data version must read the database again"
    assert after["observations"]["values"] == pytest.approx(
        [v + 100 for v in before["observations"]["values"]]
    )


def test_a_request_for_more_series_reads_only_the_ones_not_remembered(
    fresh_versions: TestClient,
) -> None:
    client = fresh_versions
    data(client, window_query("2020-01-01", "2020-06-30", ("DGS10",)))
    with statements(client) as seen:
        both = data(client, window_query("2020-01-01", "2020-06-30", ("DGS10", "DGS2")))
    assert both["DGS2"]["observations"]["dates"] and both["DGS10"]["observations"]["dates"]
    transforms = [params for sql, params in seen if marts.OBSERVATION_TRANSFORMS in sql]
    assert transforms, seen
    assert all("DGS2" in p and "DGS10" not in p for p in transforms), transforms


def test_an_unknown_id_is_remembered_as_absent(fresh_versions: TestClient) -> None:
    client = fresh_versions
    query = '{ indicators(ids: ["NOPE42"]) { id } }'
    assert gql(client, query)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    with statements(client) as seen:
        assert gql(client, query)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert seen == []


def test_turned_off_every_request_reads(fresh_versions: TestClient) -> None:
    client = fresh_versions
    client.app.state.read_memo.max_bytes = 0  # type: ignore[attr-defined]
    data_of(client, "2020-01-01", "2020-06-30")
    with statements(client) as seen:
        data_of(client, "2019-03-01", "2019-03-31")  # a new window: no response-cache hit
    assert seen


def columns(n: int) -> SeriesColumns:
    return SeriesColumns([date(2020, 1, 1)] * n, [1.0] * n)


def test_memo_evicts_least_recently_used_within_its_byte_budget() -> None:
    async def version() -> int:
        return 7

    one = approx_bytes(columns(1000))
    memo = ReadMemo(version, max_bytes=int(2.5 * one))

    async def scenario() -> None:
        for name in ("a", "b"):
            memo.put(memo.key(await memo.version(), len, (name,)), columns(1000))
        assert memo.get(memo.key(7, len, ("a",)))[0]  # touch a: b is now the oldest
        memo.put(memo.key(7, len, ("c",)), columns(1000))
        assert memo.get(memo.key(7, len, ("a",)))[0]
        assert not memo.get(memo.key(7, len, ("b",)))[0]
        assert memo.size_bytes <= memo.max_bytes
        memo.put(memo.key(7, len, ("huge",)), columns(10_000))  # above the budget: skipped
        assert not memo.get(memo.key(7, len, ("huge",)))[0]
        assert memo.get(memo.key(7, len, ("a",)))[0]

    asyncio.run(scenario())


def test_size_estimate_grows_with_the_columns_and_keys_tell_versions_apart() -> None:
    small, large = approx_bytes(columns(10)), approx_bytes(columns(10_000))
    # linear in the values (two columns of 10,000 boxed values), not a constant per entry
    assert 500 * small < large
    assert 2 * 10_000 * 24 < large < 2 * 10_000 * 100
    assert approx_bytes({"DGS10": columns(100), "DGS2": columns(100)}) > 2 * approx_bytes(
        columns(100)
    )
    assert ReadMemo.key(1, len, (["a", "b"], None)) != ReadMemo.key(2, len, (["a", "b"], None))
    assert ReadMemo.key(1, len, (["a", "b"], None)) == ReadMemo.key(1, len, (("a", "b"), None))
    assert ReadMemo.key_of_id(1, len, "a", ()) != ReadMemo.key(1, len, ("a",))
