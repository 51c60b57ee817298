"""Why a forecast's model was chosen, through GraphQL: candidates, their backtest windows.

Runs against real DuckDB and MariaDB. On top of ``tests.support.api_data.seed`` (run-old and
run-new forecast DGS10 and DGS2; run-broken failed), run-new's candidate rows are replaced by a
full model selection for DGS10 and none for DGS2, and a newer run, run-gdp, forecasts only GDP
(every candidate unscored; the naive fallback chosen).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from models import forecast_repository
from models.engine import make_engine
from models.tables import forecast_backtests, forecast_models, forecast_points, forecast_runs
from models.versioning import bump_version
from tests.support.api_data import FORECAST_DATES, api_client, forecast_values, gql, seed
from tests.support.forecast_marts import dim

CUTOFFS = [date(2021, 3, 31), date(2021, 4, 30), date(2021, 5, 28)]
GDP_DATES = [date(2021, 4, 1), date(2021, 7, 1)]

#: DGS10's candidates in run-new, inserted out of order: (label, spec, rank, selected, note).
DGS10_CANDIDATES = [
    ("snaive", None, None, False, "excluded: the series has no seasonal period"),
    ("theta", "Theta", 3, False, None),
    ("ets", "ETS(A,Ad,N)", 1, True, None),
    ("arima_boxcox", None, None, False, "failed: Box-Cox needs a positive series"),
    ("arima", "ARIMA(1,1,0)", 2, False, "failed in 1 of 3 windows: optimizer did not converge"),
]
ETS_PARAMS = '{"alpha": 0.52, "trend": "add", "phi": NaN, "order": [1, 1, 0], "b": {"x": 1}}'


def _metrics(base: float) -> dict[str, float | None]:
    return {
        "mae": base,
        "rmse": base * 1.3,
        "smape": base * 10,
        "mase": base * 2,
        "coverage_80": 0.8,
        "coverage_95": 0.95,
    }


def _candidate_row(
    run_id: str,
    sid: str,
    label: str,
    spec: str | None,
    rank: int | None,
    selected: bool,
    note: str | None,
) -> dict[str, Any]:
    scored = rank is not None
    params = {"ets": ETS_PARAMS, "theta": "{not json", "arima": '{"ar.L1": 0.3}'}.get(label)
    return {
        "run_id": run_id,
        "series_id": sid,
        "model": label,
        "selected": selected,
        "spec": spec,
        "rank": rank,
        "windows": (2 if label == "arima" else 3) if scored else None,
        "params": params,
        "n_obs": 1900,
        "note": note,
        **(_metrics(0.1 * rank) if rank else dict.fromkeys(_metrics(0), None)),
    }


def _window_rows(run_id: str, sid: str, label: str, base: float) -> list[dict[str, Any]]:
    cutoffs = CUTOFFS[1:] if label == "arima" else CUTOFFS  # arima failed the first window
    return [
        {
            "run_id": run_id,
            "series_id": sid,
            "model": label,
            "cutoff": cutoff,
            "n_train": 1800 + 21 * i,
            "horizon": 21 if i == len(CUTOFFS) - 1 else 22,
            **_metrics(base + i / 100),
            "mase": None if (label, i) == ("theta", 0) else base * 2 + i / 100,
        }
        for i, cutoff in enumerate(CUTOFFS)
        if cutoff in cutoffs
    ]


def _add_selection(conn: sa.Connection, run_id: str, sid: str) -> None:
    """DGS10's full model selection (candidates + backtest windows) for ``sid`` in a run."""
    rows = [_candidate_row(run_id, sid, *c) for c in DGS10_CANDIDATES]
    conn.execute(forecast_models.insert(), rows)
    windows = [
        w
        for label, base in (("ets", 0.1), ("arima", 0.2), ("theta", 0.3))
        for w in _window_rows(run_id, sid, label, base)
    ]
    conn.execute(forecast_backtests.insert(), windows)


def _add_gdp_run(conn: sa.Connection) -> None:
    """run-gdp: newer than run-new, covers only GDP; nothing scored, naive chosen as fallback."""
    conn.execute(
        forecast_runs.insert(),
        {
            "run_id": "run-gdp",
            "created_at": datetime(2021, 7, 4, 7),
            "data_version": 1,
            "status": "success",
            "run_key": "k-gdp",
        },
    )
    vals = forecast_values(3)
    conn.execute(
        forecast_points.insert(),
        [
            {
                "run_id": "run-gdp",
                "series_id": "GDP",
                "target_date": d,
                "model": "Naive",
                **{k: v[i] for k, v in vals.items()},
            }
            for i, d in enumerate(GDP_DATES)
        ],
    )
    base = {"run_id": "run-gdp", "series_id": "GDP", "rank": None, "windows": 0, "n_obs": 45}
    conn.execute(
        forecast_models.insert(),
        [
            {**base, "model": "theta", "selected": False, "spec": None, "note": "failed: x"},
            {
                **base,
                "model": "naive",
                "selected": True,
                "spec": "Naive",
                "note": "fallback: no candidate could be scored (series too short)",
            },
            {**base, "model": "ets", "selected": False, "spec": None, "note": "failed: y"},
        ],
    )


def _add_series(conn: sa.Connection, n: int) -> list[str]:
    """``n`` more series, each forecast by run-new with the full selection."""
    ids = [f"EXTRA{i:02d}" for i in range(n)]
    conn.execute(
        dim.insert(),
        [
            {
                "series_id": sid,
                "title": sid,
                "units": "Percent",
                "units_short": "%",
                "frequency": "Daily",
                "frequency_short": "D",
                "seasonal_adjustment": "Not Seasonally Adjusted",
                "n_obs": 0,
            }
            for sid in ids
        ],
    )
    vals = forecast_values(1)
    conn.execute(
        forecast_points.insert(),
        [
            {
                "run_id": "run-new",
                "series_id": sid,
                "target_date": d,
                "model": "ETS(A,Ad,N)",
                **{k: v[i] for k, v in vals.items()},
            }
            for sid in ids
            for i, d in enumerate(FORECAST_DATES)
        ],
    )
    for sid in ids:
        _add_selection(conn, "run-new", sid)
    return ids


@pytest.fixture
def db(db_url: str) -> str:
    seed(db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(forecast_models.delete().where(forecast_models.c.run_id == "run-new"))
        conn.execute(
            forecast_points.update()
            .where(forecast_points.c.run_id == "run-new", forecast_points.c.series_id == "DGS10")
            .values(model="ETS(A,Ad,N)")
        )
        _add_selection(conn, "run-new", "DGS10")
        _add_selection(conn, "run-old", "DGS10")  # an older run's selection must not leak
        _add_gdp_run(conn)
    bump_version(engine, "test-selection")
    engine.dispose()
    return db_url


@pytest.fixture
def client(db: str, tmp_path: Path) -> Iterator[TestClient]:
    with api_client(db, tmp_path) as c:
        yield c


SELECTION = """
  selection {
    chosen spec horizon windows cutoffs
    candidates {
      label spec selected rank windows mae rmse smape mase coverage80 coverage95 note params
      backtest { label cutoff nTrain horizon mae rmse smape mase coverage80 coverage95 }
    }
    backtest { label cutoff mase }
  }
"""

ONE = "query($id: ID!) { indicator(id: $id) { forecast { runId model " + SELECTION + " } } }"
MANY = "{ indicators { id forecast { runId model dates mean upper95 " + SELECTION + " } } }"


def _forecast(client: TestClient, sid: str) -> dict[str, Any]:
    body = gql(client, ONE, {"id": sid})
    assert "errors" not in body, body["errors"]
    fc: dict[str, Any] = body["data"]["indicator"]["forecast"]
    return fc


def test_one_series_explains_its_model(client: TestClient) -> None:
    fc = _forecast(client, "DGS10")
    assert (fc["runId"], fc["model"]) == ("run-new", "ETS(A,Ad,N)")
    sel = fc["selection"]
    assert sel["chosen"] == "ets"
    assert sel["spec"] == "ETS(A,Ad,N)"
    assert sel["windows"] == 3
    assert sel["horizon"] == 22  # the chosen model's longest window; the last one has 21
    assert sel["cutoffs"] == [c.isoformat() for c in CUTOFFS]

    ets = sel["candidates"][0]
    assert ets["label"] == "ets" and ets["selected"] is True and ets["rank"] == 1
    assert (ets["mae"], ets["mase"], ets["coverage80"], ets["coverage95"]) == pytest.approx(
        (0.1, 0.2, 0.8, 0.95)
    )
    assert ets["rmse"] == pytest.approx(0.13) and ets["smape"] == pytest.approx(1.0)
    # Parsed JSON, not a string; NaN (json.dumps writes it, JSON has none) becomes null.
    assert ets["params"] == {
        "alpha": 0.52,
        "trend": "add",
        "phi": None,
        "order": [1, 1, 0],
        "b": {"x": 1},
    }
    assert [w["cutoff"] for w in ets["backtest"]] == [c.isoformat() for c in CUTOFFS]
    assert {w["label"] for w in ets["backtest"]} == {"ets"}
    first = ets["backtest"][0]
    assert (first["nTrain"], first["horizon"]) == (1800, 22)
    assert first["mase"] == pytest.approx(0.2)
    assert [w["horizon"] for w in ets["backtest"]] == [22, 22, 21]


def test_candidates_by_rank_unranked_last_with_their_reasons(client: TestClient) -> None:
    cands = _forecast(client, "DGS10")["selection"]["candidates"]
    assert [(c["label"], c["rank"], c["selected"]) for c in cands] == [
        ("ets", 1, True),
        ("arima", 2, False),
        ("theta", 3, False),
        ("arima_boxcox", None, False),  # unranked: by label
        ("snaive", None, False),
    ]
    by_label = {c["label"]: c for c in cands}
    assert by_label["snaive"]["note"].startswith("excluded:")
    assert by_label["arima"]["note"].startswith("failed in 1 of 3 windows")
    assert by_label["ets"]["note"] is None
    unscored = by_label["snaive"]
    assert [unscored[k] for k in ("spec", "windows", "mae", "mase", "coverage95", "params")] == [
        None
    ] * 6
    assert unscored["backtest"] == []
    # arima was scored on 2 of the 3 windows; theta's params are not JSON: null, no error.
    assert [w["cutoff"] for w in by_label["arima"]["backtest"]] == ["2021-04-30", "2021-05-28"]
    assert by_label["arima"]["params"] == {"ar.L1": 0.3}
    assert by_label["theta"]["params"] is None
    assert by_label["theta"]["backtest"][0]["mase"] is None


def test_selection_backtest_lists_every_window_by_cutoff_then_rank(client: TestClient) -> None:
    windows = _forecast(client, "DGS10")["selection"]["backtest"]
    assert [(w["cutoff"], w["label"]) for w in windows] == [
        ("2021-03-31", "ets"),
        ("2021-03-31", "theta"),
        ("2021-04-30", "ets"),
        ("2021-04-30", "arima"),
        ("2021-04-30", "theta"),
        ("2021-05-28", "ets"),
        ("2021-05-28", "arima"),
        ("2021-05-28", "theta"),
    ]


def test_latest_run_without_candidates_still_serves_the_forecast(client: TestClient) -> None:
    """DGS2's newest run wrote points but no candidate rows; run-old's rows must not leak."""
    fc = _forecast(client, "DGS2")
    assert (fc["runId"], fc["model"]) == ("run-new", "ets-run-new")
    assert fc["selection"] == {
        "chosen": None,
        "spec": "ets-run-new",  # the points' model
        "horizon": None,
        "windows": None,
        "cutoffs": [],
        "candidates": [],
        "backtest": [],
    }


def test_unscored_fallback_is_listed_first_among_unranked(client: TestClient) -> None:
    sel = _forecast(client, "GDP")["selection"]
    assert (sel["chosen"], sel["spec"], sel["windows"], sel["horizon"]) == (
        "naive",
        "Naive",
        0,
        None,
    )
    assert [(c["label"], c["rank"]) for c in sel["candidates"]] == [
        ("naive", None),
        ("ets", None),
        ("theta", None),
    ]
    assert sel["candidates"][0]["note"].startswith("fallback:")


def test_many_series_in_one_request(client: TestClient) -> None:
    body = gql(client, MANY)
    assert "errors" not in body, body["errors"]
    out = {i["id"]: i["forecast"] for i in body["data"]["indicators"]}
    assert {sid: fc["runId"] for sid, fc in out.items()} == {
        "DGS10": "run-new",
        "DGS2": "run-new",
        "GDP": "run-gdp",  # newest run covering GDP; it does not cover the others
    }
    assert [c["label"] for c in out["DGS10"]["selection"]["candidates"]][:3] == [
        "ets",
        "arima",
        "theta",
    ]
    assert out["DGS2"]["selection"]["candidates"] == []
    assert out["GDP"]["selection"]["chosen"] == "naive"
    # The existing fields are unchanged next to the new ones.
    assert out["DGS10"]["dates"] == [d.isoformat() for d in FORECAST_DATES]
    assert out["DGS10"]["mean"] == pytest.approx(forecast_values(1)["mean"])
    assert out["GDP"]["upper95"] == pytest.approx(forecast_values(3)["upper_95"][:2])


#: Relations whose reads must not multiply with the number of series asked for.
_TABLES = (
    "dim_series",
    "forecast_runs",
    "forecast_points",
    "forecast_models",
    "forecast_backtests",
)


def _statements(client: TestClient, query: str) -> Counter[str]:
    """SQL statements the API ran for ``query``, by the relation after their first FROM
    (``other``: the data version read, which a DuckDB file probe may skip, driver chatter)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = client.app.state.engine  # type: ignore[attr-defined]
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        body = gql(client, query)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert "errors" not in body, body["errors"]
    counts: Counter[str] = Counter()
    for text in seen:
        words = " ".join(text.split()).lower().split(" from ", 1)
        relation = words[1].split(" ", 1)[0].strip('`"') if len(words) == 2 else ""
        counts[relation if relation in _TABLES else "other"] += 1
    return counts


def test_query_count_does_not_grow_with_series(client: TestClient, db: str) -> None:
    # on MySQL the response cache remembers the data version for a second: this test bumps
    # and asks again at once, so it reads the version every time
    client.app.state.data_versions.ttl = 0.0  # type: ignore[attr-defined]
    # this counts what one request reads on its own; the read memo would answer the second
    # request from the first's reads (tests/api/test_read_memo.py counts that)
    client.app.state.read_memo.max_bytes = 0  # type: ignore[attr-defined]
    # the engine's first connection runs the dialect's set-up statements, once per engine,
    # whichever request (or the data-version feed starting) gets there first: not counted
    gql(client, "{ dataVersion }")
    few = _statements(client, MANY)
    assert few["forecast_models"] == 1 and few["forecast_backtests"] == 1, few

    engine = make_engine(db)
    with engine.begin() as conn:
        extra = _add_series(conn, 12)
    bump_version(engine, "test-more-series")  # a new version: the cached answer is not reused
    engine.dispose()

    body = gql(client, "{ indicators { id forecast { selection { chosen } } } }")
    chosen = {i["id"]: i["forecast"]["selection"]["chosen"] for i in body["data"]["indicators"]}
    assert all(chosen[sid] == "ets" for sid in extra)
    many = _statements(client, MANY)
    assert len(chosen) == 15
    # 15 series cost what 3 did: the list, the runs, the points of each of the 2 runs, one
    # read of the candidates and one of their backtest windows.
    expected = {
        "dim_series": 1,
        "forecast_points": 3,
        "forecast_models": 1,
        "forecast_backtests": 1,
    }
    assert {k: v for k, v in few.items() if k != "other"} == expected, few
    assert {k: v for k, v in many.items() if k != "other"} == expected, many
    assert many["other"] <= few["other"] <= 2, (few, many)


def test_repository_reads_exact_pairs_across_runs(engine: sa.Engine, db: str) -> None:
    keys = [("run-new", "DGS10"), ("run-gdp", "GDP"), ("run-new", "DGS2"), ("run-new", "NOPE")]
    with engine.connect() as conn:
        cands = forecast_repository.forecast_candidates(conn, keys)
        windows = forecast_repository.forecast_backtest_windows(conn, keys)
        assert forecast_repository.forecast_candidates(conn, []) == {}
        assert forecast_repository.forecast_backtest_windows(conn, []) == {}
    assert sorted(cands) == [("run-gdp", "GDP"), ("run-new", "DGS10")]  # no rows: absent
    assert [c.model for c in cands[("run-new", "DGS10")]][:3] == ["ets", "arima", "theta"]
    assert sorted(windows) == [("run-new", "DGS10")]
    dgs10 = windows[("run-new", "DGS10")]
    assert len(dgs10) == 8 and all(isinstance(w.cutoff, date) for w in dgs10)
    assert [(w.model, w.cutoff) for w in dgs10] == sorted((w.model, w.cutoff) for w in dgs10)
    ets = cands[("run-new", "DGS10")][0]
    assert ets.params["alpha"] == 0.52 and ets.params["phi"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in ets.params.values())
