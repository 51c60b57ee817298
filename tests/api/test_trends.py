"""``trends`` and ``Indicator.trend`` on the real FRED series built by dbt (``real_marts``), on
DuckDB and MariaDB: every value against pandas computed from the FRED CSVs alone, and one SQL
statement for all the indicators of a request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from graphql_api.db import RequestDB
from graphql_api.loaders import make_loaders
from graphql_api.services import trends as trend_service
from tests.support.api_data import api_client, gql
from tests.support.dbt import RealMarts, close
from tests.support.trends import expected_trend

#: GraphQL field -> mart_series_trends column
FIELDS = {
    "latestValue": "latest_value",
    "change1d": "change_1d",
    "change1w": "change_1w",
    "change1m": "change_1m",
    "change3m": "change_3m",
    "change1y": "change_1y",
    "changeYtd": "change_ytd",
    "pctChange1y": "pct_change_1y",
    "high52w": "high_52w",
    "low52w": "low_52w",
    "zscore1y": "zscore_1y",
}
SELECTION = "id latestDate " + " ".join(FIELDS)


@pytest.fixture
def client(real_marts: RealMarts, tmp_path: Path) -> Iterator[TestClient]:
    with api_client(real_marts.url, tmp_path) as c:
        yield c


def _assert_matches_pandas(row: dict, real_marts: RealMarts) -> None:
    want = expected_trend(row["id"], real_marts.series[row["id"]])
    assert row["latestDate"] == want["latest_date"].isoformat()  # type: ignore[attr-defined]
    bad = {f: (row[f], want[c]) for f, c in FIELDS.items() if not close(row[f], want[c])}
    assert not bad, (row["id"], bad)


def test_trends_of_every_indicator_match_pandas(client: TestClient, real_marts: RealMarts) -> None:
    body = gql(client, "{ trends { " + SELECTION + " } }")
    assert "errors" not in body, body
    rows = body["data"]["trends"]
    assert [r["id"] for r in rows] == sorted(real_marts.series)
    for row in rows:
        _assert_matches_pandas(row, real_marts)
    # the real data leave some horizons undefined somewhere, and define them elsewhere
    assert any(r["changeYtd"] is not None for r in rows)
    assert all(r["high52w"] >= r["latestValue"] >= r["low52w"] for r in rows)


def test_trends_of_ids_keep_their_order_and_match_indicator_trend(
    client: TestClient, real_marts: RealMarts
) -> None:
    ids = ["UNRATE", "DGS10", "GDP", "SP500"]
    q = (
        "query($ids: [ID!]) { trends(ids: $ids) { " + SELECTION + " } "
        "indicators(ids: $ids) { id trend { " + SELECTION + " } } }"
    )
    body = gql(client, q, {"ids": ids})
    assert "errors" not in body, body
    rows = body["data"]["trends"]
    assert [r["id"] for r in rows] == ids
    for row in rows:
        _assert_matches_pandas(row, real_marts)
    by_indicator = {i["id"]: i["trend"] for i in body["data"]["indicators"]}
    assert [by_indicator[r["id"]] for r in rows] == rows


def test_unknown_id_is_not_found(client: TestClient) -> None:
    body = gql(client, '{ trends(ids: ["DGS10", "NOPE"]) { id } }')
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "NOPE" in body["errors"][0]["message"]


def test_trends_of_a_request_cost_one_statement(real_marts: RealMarts) -> None:
    """All the indicators' trends and every Indicator.trend of the request: one statement."""
    engine = sa.create_engine(real_marts.url, poolclass=sa.pool.NullPool)
    seen: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda _c, _cur, s, *_: seen.append(s))
    ids = sorted(real_marts.series)

    async def run() -> None:
        db = RequestDB(engine)
        loaders = make_loaders(db)
        try:
            everything = await trend_service.trends(db, loaders, None)
            assert [t.id for t in everything] == ids
            async with anyio.create_task_group() as tg:
                for sid in ids:
                    tg.start_soon(trend_service.trend, loaders, sid)
        finally:
            await db.aclose()

    anyio.run(run)
    engine.dispose()
    assert len([s for s in seen if "select" in s.lower()]) == 1, seen


def test_indicator_trends_batch_into_one_statement(real_marts: RealMarts) -> None:
    engine = sa.create_engine(real_marts.url, poolclass=sa.pool.NullPool)
    seen: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda _c, _cur, s, *_: seen.append(s))
    ids = sorted(real_marts.series)[:12]
    found: dict[str, float | None] = {}

    async def run() -> None:
        db = RequestDB(engine)
        loaders = make_loaders(db)

        async def one(sid: str) -> None:
            found[sid] = (await trend_service.trend(loaders, sid)).latest_value

        try:
            async with anyio.create_task_group() as tg:
                for sid in ids:
                    tg.start_soon(one, sid)
        finally:
            await db.aclose()

    anyio.run(run)
    engine.dispose()
    assert sorted(found) == ids and all(v is not None for v in found.values())
    assert len([s for s in seen if "select" in s.lower()]) == 1, seen


def test_a_failing_field_leaves_the_shared_trend_load_to_the_others(
    client: TestClient, real_marts: RealMarts
) -> None:
    """``technicals`` of a monthly series fails and nulls its indicator; graphql-core then
    cancels that indicator's pending ``trend``, which shares a load with ``trends``. The
    request must still answer 200 with the field's own error, not end in a 500."""
    monthly = next(sid for sid, freq in real_marts.frequency.items() if freq == "M")
    daily = next(sid for sid, freq in real_marts.frequency.items() if freq == "D")
    query = (
        f'{{ a: indicator(id: "{monthly}") {{ technicals {{ dates sma20 }}'
        " trend { latestValue } }"
        f' trends(ids: ["{monthly}", "{daily}"]) {{ id latestValue }} }}'
    )
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"], errors
    assert errors[0]["path"] == ["a", "technicals"]
