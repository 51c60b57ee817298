"""``correlation`` on the real FRED series built by dbt (``real_marts``), on DuckDB and MariaDB.

The MONTHLY basis serves ``mart_correlations``' numbers bit for bit where a pair's points are
one of its stored windows, and computes other windows the same way: both paths are checked to
agree to 1e-12 on every stored pair and window. The DAILY basis pairs values on the dates both
series observe; for daily series that is the mart's daily basis, checked the same way. Custom
windows are checked against pandas computed from the FRED CSVs alone.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from itertools import combinations
from pathlib import Path

import anyio
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from graphql_api import analytics
from graphql_api.db import RequestDB
from graphql_api.loaders import make_loaders
from graphql_api.services import correlations
from graphql_api.terms import CorrelationBasis
from models import correlation_repository, marts
from tests.support.api_data import DASHBOARD_QUERY, api_client, gql
from tests.support.dbt import RealMarts

AGREEMENT = 1e-12
QUERY = """query($ids: [ID!]!, $start: Date, $end: Date, $basis: CorrelationBasis) {
  correlation(ids: $ids, start: $start, end: $end, basis: $basis) {
    ids basis matrix counts windows pairStarts pairEnds start end } }"""


@pytest.fixture
def client(real_marts: RealMarts, tmp_path: Path) -> Iterator[TestClient]:
    with api_client(real_marts.url, tmp_path) as c:
        yield c


def _stored(real_marts: RealMarts, basis: str) -> pd.DataFrame:
    return real_marts.frame(
        "select series_a, series_b, window_name, correlation, n_obs, start_date, end_date"
        " from mart_correlations where basis = :basis",
        basis=basis,
    )


def _ids(real_marts: RealMarts, frequencies: tuple[str, ...]) -> list[str]:
    return sorted(s for s, f in real_marts.frequency.items() if f in frequencies)


def _correlate(client: TestClient, **variables: object) -> dict:
    body = gql(client, QUERY, variables)
    assert "errors" not in body, body
    out: dict = body["data"]["correlation"]
    return out


def _monthly_means(values: pd.Series) -> pd.Series:
    """Calendar-month averages of a CSV's non-missing values, labelled by the month's start."""
    values = values.dropna()
    return values.groupby([date(d.year, d.month, 1) for d in values.index]).mean()


def _r(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 3 or x.min() == x.max() or y.min() == y.max():
        return None
    return float(np.corrcoef(x, y)[0, 1])


def test_open_window_serves_the_stored_full_window_exactly(
    client: TestClient, real_marts: RealMarts
) -> None:
    ids = ["CPIAUCSL", "DGS10", "SP500", "UNRATE", "GDP"]
    out = _correlate(client, ids=ids)
    assert out["basis"] == "MONTHLY" and out["ids"] == ids
    full = _stored(real_marts, "monthly").query("window_name == 'full'")
    stored = {(r.series_a, r.series_b): r for r in full.itertuples()}
    for i, j in combinations(range(4), 2):
        row = stored[tuple(sorted((ids[i], ids[j])))]
        assert out["matrix"][i][j] == out["matrix"][j][i] == row.correlation  # bit for bit
        assert out["counts"][i][j] == row.n_obs
        assert out["windows"][i][j] == "full"
        assert out["pairStarts"][i][j] == row.start_date.isoformat()
        assert out["pairEnds"][i][j] == row.end_date.isoformat()
    # GDP is quarterly: no monthly values, so no pair, not an error
    assert out["counts"][4] == [0, 0, 0, 0, 0]
    assert out["matrix"][4][0] is None and out["matrix"][4][4] is None
    assert out["matrix"][0][0] == 1.0


def test_issue_pair_matches_the_mart_not_exact_dates(
    client: TestClient, real_marts: RealMarts
) -> None:
    """The issue's example: CPIAUCSL/DGS10 disagreed with mart_correlations; now it is its
    monthly number, on its months, while DAILY keeps the exact-date pairs."""
    monthly = _correlate(client, ids=["CPIAUCSL", "DGS10"])
    row = _stored(real_marts, "monthly").query(
        "series_a == 'CPIAUCSL' and series_b == 'DGS10' and window_name == 'full'"
    )
    assert monthly["matrix"][0][1] == row["correlation"].item()
    assert monthly["counts"][0][1] == row["n_obs"].item()
    daily = _correlate(client, ids=["CPIAUCSL", "DGS10"], basis="DAILY")
    cpi, dgs10 = real_marts.series["CPIAUCSL"].dropna(), real_marts.series["DGS10"].dropna()
    both = pd.concat([cpi, dgs10], axis=1, join="inner")
    assert daily["counts"][0][1] == len(both) != monthly["counts"][0][1]
    want = _r(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy())
    assert daily["matrix"][0][1] == pytest.approx(want, rel=1e-9)
    assert daily["windows"][0][1] is None


def test_stored_windows_asked_by_their_dates_serve_the_mart_numbers(
    client: TestClient, real_marts: RealMarts
) -> None:
    stored = _stored(real_marts, "monthly").query("series_a == 'DGS10' and series_b == 'UNRATE'")
    assert set(stored["window_name"]) == set(marts.WINDOW_NAMES)
    for row in stored.itertuples():
        out = _correlate(
            client,
            ids=["UNRATE", "DGS10"],
            start=row.start_date.isoformat(),
            end=row.end_date.isoformat(),
        )
        assert out["matrix"][0][1] == row.correlation
        assert out["counts"][0][1] == row.n_obs
        assert out["windows"][0][1] == row.window_name


def test_monthly_computed_path_agrees_with_every_stored_window(real_marts: RealMarts) -> None:
    """The proof that both paths agree: every pair and window of the mart's monthly basis,
    recomputed by the API's own reads and maths with no stored number to fall back on."""
    stored = _stored(real_marts, "monthly")
    ids = sorted(set(stored["series_a"]) | set(stored["series_b"]))
    with real_marts.engine.connect() as conn:
        points = correlation_repository.monthly_values(conn, ids, None, None)
    assert set(points) == set(_ids(real_marts, marts.MONTHLY_BASIS_FREQUENCIES))
    worst = 0.0
    for row in stored.itertuples():
        series = []
        for sid in (row.series_a, row.series_b):
            cols = points[sid]
            keep = [row.start_date <= d <= row.end_date for d in cols.dates]
            series.append(
                (
                    [d for d, k in zip(cols.dates, keep, strict=True) if k],
                    [v for v, k in zip(cols.values, keep, strict=True) if k],
                )
            )
        found = analytics.correlation_matrix(series)
        assert found.counts[0][1] == row.n_obs, row
        got = found.matrix[0][1]
        assert (got is None) == pd.isna(row.correlation), row
        if got is not None:
            worst = max(worst, abs(got - row.correlation))
    assert len(stored) > 500
    assert worst <= AGREEMENT, worst


def test_daily_basis_agrees_with_every_stored_daily_window(real_marts: RealMarts) -> None:
    """For two daily series the DAILY basis is the mart's daily basis: every stored pair and
    window recomputed by the API's reads and maths agrees to 1e-12, with the same counts."""
    stored = _stored(real_marts, "daily")
    daily = _ids(real_marts, ("D",))
    with real_marts.engine.connect() as conn:
        points = correlation_repository.daily_values(conn, daily, None, None)
    worst = 0.0
    for row in stored.itertuples():
        dates = [np.asarray(points[s].dates) for s in (row.series_a, row.series_b)]
        values = [np.asarray(points[s].values, dtype=float) for s in (row.series_a, row.series_b)]
        masks = [(d >= row.start_date) & (d <= row.end_date) for d in dates]
        found = analytics.correlation_matrix(
            [(list(d[m]), list(v[m])) for d, v, m in zip(dates, values, masks, strict=True)]
        )
        assert found.counts[0][1] == row.n_obs, row
        got = found.matrix[0][1]
        assert (got is None) == pd.isna(row.correlation), row
        if got is not None:
            worst = max(worst, abs(got - row.correlation))
    assert set(stored["series_a"]) | set(stored["series_b"]) == set(daily)
    assert worst <= AGREEMENT, worst


def test_custom_monthly_window_matches_pandas(client: TestClient, real_marts: RealMarts) -> None:
    """A window that is no stored one (a mid-month start) is computed: months whose first day
    lies in [start, end], pairwise overlap, against pandas on the CSVs."""
    ids = ["DGS10", "CPIAUCSL", "MORTGAGE30US", "VIXCLS"]
    start, end = date(2012, 3, 15), date(2021, 8, 31)
    out = _correlate(client, ids=ids, start=start.isoformat(), end=end.isoformat())
    means = {}
    for sid in ids:
        m = _monthly_means(real_marts.series[sid])
        means[sid] = m[(m.index >= start) & (m.index <= end)]
    assert min(means["DGS10"].index) == date(2012, 4, 1)
    for i, j in combinations(range(len(ids)), 2):
        both = pd.concat([means[ids[i]], means[ids[j]]], axis=1, join="inner")
        assert out["counts"][i][j] == len(both)
        want = _r(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy())
        assert out["matrix"][i][j] == pytest.approx(want, rel=1e-9, abs=1e-12)
        assert out["windows"][i][j] is None
    assert (out["start"], out["end"]) == (start.isoformat(), end.isoformat())


def test_daily_basis_pairs_exact_dates_of_mixed_frequencies(
    client: TestClient, real_marts: RealMarts
) -> None:
    ids = ["DGS10", "DGS2", "UNRATE", "MORTGAGE30US"]
    start, end = date(2015, 1, 1), date(2020, 12, 31)
    out = _correlate(client, ids=ids, start=start.isoformat(), end=end.isoformat(), basis="DAILY")
    assert out["basis"] == "DAILY"
    values = {}
    for sid in ids:
        s = real_marts.series[sid].dropna()
        values[sid] = s[(s.index >= start) & (s.index <= end)]
    for i, j in combinations(range(len(ids)), 2):
        both = pd.concat([values[ids[i]], values[ids[j]]], axis=1, join="inner")
        assert out["counts"][i][j] == len(both), (ids[i], ids[j])
        want = _r(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy())
        assert out["matrix"][i][j] == pytest.approx(want, rel=1e-9, abs=1e-12)
    for i, sid in enumerate(ids):
        assert out["counts"][i][i] == len(values[sid])


def _count_statements(engine: sa.Engine) -> list[str]:
    seen: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda _c, _cur, stmt, *_: seen.append(stmt))
    return seen


def test_twenty_ids_and_many_aliases_cost_three_statements(real_marts: RealMarts) -> None:
    """Twenty ids are 190 pairs; they and any other correlation of the request on the same
    window and basis are read in three statements (metadata, points, stored windows)."""
    ids = sorted(real_marts.frequency)[:20]
    engine = sa.create_engine(real_marts.url, poolclass=sa.pool.NullPool)
    seen = _count_statements(engine)

    async def run() -> list[correlations.CorrelationResult]:
        db = RequestDB(engine)
        loaders = make_loaders(db)
        try:
            async with anyio.create_task_group() as tg:
                results: list[correlations.CorrelationResult] = []

                async def one(chosen: list[str]) -> None:
                    results.append(
                        await correlations.correlation(
                            loaders, chosen, None, None, CorrelationBasis.MONTHLY
                        )
                    )

                tg.start_soon(one, ids)
                tg.start_soon(one, ids[::-1])
                tg.start_soon(one, ids[:5])
            return results
        finally:
            await db.aclose()

    results = anyio.run(run)
    engine.dispose()
    assert len(results) == 3
    queries = [s for s in seen if "select" in s.lower()]
    assert len(queries) == 3, queries
    assert all(len(r.ids) == len(r.matrix) for r in results)


#: windows of one request's aliases: open, stored-looking and arbitrary, some overlapping
ALIAS_WINDOWS = [
    (None, None),
    (date(2015, 1, 1), date(2020, 12, 31)),
    (date(2019, 7, 15), None),
    (None, date(2010, 3, 31)),
    (date(2008, 2, 1), date(2008, 11, 30)),
]


@pytest.mark.parametrize("basis", [CorrelationBasis.MONTHLY, CorrelationBasis.DAILY])
def test_aliases_over_many_windows_read_once_and_match_separate_requests(
    real_marts: RealMarts, basis: CorrelationBasis
) -> None:
    """Correlations of one request over different windows and ids share one read per basis
    (points and stored windows over a window covering all of theirs), and each answer equals
    the one it gets alone."""
    ids = sorted(sid for sid, freq in real_marts.frequency.items() if freq in ("D", "M"))[:8]
    asked = [(ids[i % 3 :][:5], start, end) for i, (start, end) in enumerate(ALIAS_WINDOWS)]
    engine = sa.create_engine(real_marts.url, poolclass=sa.pool.NullPool)

    async def answer(
        batch: list[tuple[list[str], date | None, date | None]],
    ) -> list[correlations.CorrelationResult]:
        db = RequestDB(engine)
        loaders = make_loaders(db)
        results: dict[int, correlations.CorrelationResult] = {}
        try:
            async with anyio.create_task_group() as tg:

                async def one(
                    n: int, chosen: list[str], start: date | None, end: date | None
                ) -> None:
                    results[n] = await correlations.correlation(loaders, chosen, start, end, basis)

                for n, (chosen, start, end) in enumerate(batch):
                    tg.start_soon(one, n, chosen, start, end)
        finally:
            await db.aclose()
        return [results[n] for n in range(len(batch))]

    seen = _count_statements(engine)
    together = anyio.run(answer, asked)
    points_reads = [s for s in seen if "select" in s.lower()]
    alone = [anyio.run(answer, [one])[0] for one in asked]
    engine.dispose()
    # metadata, points and (monthly) stored windows: once for all five windows
    assert len(points_reads) == (3 if basis is CorrelationBasis.MONTHLY else 2), points_reads
    for joint, single in zip(together, alone, strict=True):
        assert joint.ids == single.ids
        assert joint.counts == single.counts
        assert joint.windows == single.windows
        np.testing.assert_array_equal(
            np.array(joint.matrix, dtype=float), np.array(single.matrix, dtype=float)
        )


def test_correlation_maths_runs_off_the_event_loop(
    real_marts: RealMarts, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = correlations.correlation_matrix

    def recorded(*args: object) -> analytics.CorrelationMatrix:
        threads.append(threading.get_ident())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(correlations, "correlation_matrix", recorded)

    async def run() -> int:
        db = RequestDB(sa.create_engine(real_marts.url, poolclass=sa.pool.NullPool))
        try:
            await correlations.correlation(
                make_loaders(db), ["DGS10", "DGS2"], None, None, CorrelationBasis.DAILY
            )
        finally:
            await db.aclose()
        return threading.get_ident()

    loop_thread = anyio.run(run)
    assert threads and loop_thread not in threads


@pytest.mark.parametrize(
    ("ids", "code"),
    [(["DGS10"], "BAD_USER_INPUT"), (["DGS10", "NOPE"], "NOT_FOUND")],
)
def test_correlation_rejects_bad_ids(client: TestClient, ids: list[str], code: str) -> None:
    body = gql(client, QUERY, {"ids": ids})
    assert body["errors"][0]["extensions"]["code"] == code


def test_dashboard_query_answers_every_field_in_one_request(
    client: TestClient, real_marts: RealMarts
) -> None:
    """The README's one request for three indicators: no error, every part filled from the
    marts (no forecast run here, so ``forecast`` is null), the correlation from the same
    request equal to a separate one."""
    body = gql(client, DASHBOARD_QUERY)
    assert "errors" not in body, body["errors"]
    found = body["data"]
    assert [i["id"] for i in found["indicators"]] == ["DGS10", "DGS2", "SP500"]
    for indicator in found["indicators"]:
        assert 0 < len(indicator["level"]["dates"]) <= 120
        for part in ("yearOnYear", "technicals", "candles"):
            assert indicator[part]["dates"], (indicator["id"], part)
        assert indicator["yearOnYear"]["dates"][0] == "2025-06-01"
        assert (
            indicator["trend"]["latestDate"]
            == real_marts.series[indicator["id"]].dropna().index[-1].isoformat()
        )
        assert indicator["forecast"] is None
    alone = _correlate(client, ids=["DGS10", "DGS2", "SP500"], start="2015-01-01")
    assert found["correlation"]["matrix"] == alone["matrix"]
