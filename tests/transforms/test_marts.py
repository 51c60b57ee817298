"""The dbt marts (``transforms/``), built by ``flows.dbt_runner`` on DuckDB and MariaDB.

One ``dbt build`` per backend and module feeds most assertions (each invocation costs seconds).
Golden values for the statistics come from an independent pandas computation on real FRED CSVs.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from flows.dbt_runner import DbtError, DbtResult, dbt_build, dbt_docs_generate
from models.engine import make_engine
from models.migrate import upgrade
from models.settings import load_settings
from models.tables import raw_observations, raw_series
from tests.support.databases import BACKENDS, REAL_DATA_DIR, fresh_database
from tests.support.dbt import LOADED_AT, observation_row, read_fred_csv, series_row

REAL_SERIES = ("DGS10", "UNRATE", "GDP")
REL_TOL = 1e-9
REVISED_AT = datetime(2024, 6, 2, 8, 30, 0)

# A hand-made series exercising revisions and missing values, keyed by observation date:
# [(realtime_start, value), ...] in vintage order.
FPTEST: dict[date, list[tuple[date, float | None]]] = {
    date(2020, 1, 1): [(date(2020, 2, 1), 1.0), (date(2020, 3, 1), 2.0)],  # revised upwards
    date(2020, 2, 1): [(date(2020, 3, 1), None)],  # missing
    date(2020, 3, 1): [(date(2020, 4, 1), 3.0), (date(2020, 5, 1), None)],  # revised to missing
    date(2020, 4, 1): [(date(2020, 5, 1), None), (date(2020, 6, 1), 5.0)],  # missing, then filled
}


# 260 * ln(15.18) = 707: the power itself is a finite double, times 100 it is not. MariaDB
# raised "DOUBLE value is out of range" here and failed the whole build.
FPJUMP = {date(2021, 1, 4): 1.0, date(2021, 1, 5): 15.18}


@dataclass(frozen=True)
class Built:
    backend: str
    url: str
    engine: sa.Engine
    result: DbtResult
    expected: dict[str, pd.Series]


def _load(engine: sa.Engine, real: dict[str, pd.Series]) -> None:
    series = [series_row(s, title=f"real {s}") for s in real]
    series += [
        series_row("FPTEST", title="revisions and gaps"),
        series_row("FPONE", title="one value"),
        series_row("FPEMPTY", title="only missing values"),
        series_row("FPJUMP", title="a jump whose compounded rate overflows"),
    ]
    rows = []
    for sid, values in real.items():
        rows += [
            observation_row(
                sid, day, None if math.isnan(v) else float(v), realtime_start=date(2024, 5, 31)
            )
            for day, v in zip(values.index.tolist(), values.tolist(), strict=True)
        ]
    # GDP's last eight quarters also have an older, since-revised vintage written later.
    gdp = real["GDP"].dropna()
    for day, v in zip(gdp.index[-8:].tolist(), gdp.tolist()[-8:], strict=True):
        rows.append(
            observation_row(
                "GDP",
                day,
                float(v) * 0.5 - 7.0,
                realtime_start=date(2000, 1, 1),
                ingested_at=REVISED_AT,
            )
        )
    for day, vintages in FPTEST.items():
        rows += [
            observation_row("FPTEST", day, value, realtime_start=start) for start, value in vintages
        ]
    rows.append(observation_row("FPONE", date(2021, 1, 1), 42.5, realtime_start=date(2021, 2, 1)))
    for day, value in FPJUMP.items():
        rows.append(observation_row("FPJUMP", day, value, realtime_start=date(2021, 2, 1)))
    rows.append(
        observation_row(
            "FPEMPTY",
            date(2021, 1, 1),
            None,
            realtime_start=date(2021, 2, 1),
            ingested_at=REVISED_AT,
        )
    )
    with engine.begin() as conn:
        conn.execute(raw_series.insert(), series)
        conn.execute(raw_observations.insert(), rows)


@pytest.fixture(scope="module", params=BACKENDS)
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    """A migrated database of each backend, loaded with real and hand-made rows, then built."""
    if not REAL_DATA_DIR:
        pytest.skip("FREDPIPE_REAL_DATA_DIR is not set (points at ../shared/fred)")
    real = {s: read_fred_csv(Path(REAL_DATA_DIR) / f"{s}.csv") for s in REAL_SERIES}
    with fresh_database(request.param, tmp_path_factory.mktemp("dbt")) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            _load(engine, real)
            result = dbt_build(load_settings(database_url=url))
            yield Built(request.param, url, engine, result, real)
        finally:
            engine.dispose()


def _rows(engine: sa.Engine, sql: str, **params: object) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def test_build_runs_every_model_and_passes_every_data_test(built: Built) -> None:
    assert built.result.count("model") >= 7  # 6 + int_observations_filled (+ issue-4 marts)
    assert built.result.count("model", "success") == built.result.count("model")
    assert built.result.count("test") >= 30
    assert built.result.count("test") == built.result.count("test", "pass")


def test_staging_keeps_latest_vintage_and_missing_values(built: Built) -> None:
    rows = _rows(
        built.engine,
        "select obs_date, value from stg_fred__observations "
        "where series_id = 'FPTEST' order by obs_date",
    )
    assert [(r.obs_date, r.value) for r in rows] == [
        (date(2020, 1, 1), 2.0),
        (date(2020, 2, 1), None),
        (date(2020, 3, 1), None),
        (date(2020, 4, 1), 5.0),
    ]
    revised = list(built.expected["GDP"].dropna().items())[-8:]
    got = dict(
        (r.obs_date, r.value)
        for r in _rows(
            built.engine,
            "select obs_date, value from stg_fred__observations where series_id = 'GDP'",
        )
    )
    assert len(got) == len(built.expected["GDP"])
    assert [got[day] for day, _ in revised] == [v for _, v in revised]


def test_mart_observations_drops_missing_values(built: Built) -> None:
    rows = _rows(
        built.engine,
        "select obs_date, value from mart_observations "
        "where series_id = 'FPTEST' order by obs_date",
    )
    assert [(r.obs_date, r.value) for r in rows] == [
        (date(2020, 1, 1), 2.0),
        (date(2020, 4, 1), 5.0),
    ]
    assert not _rows(built.engine, "select * from mart_observations where is_filled")  # no vars
    counts = dict(
        _rows(built.engine, "select series_id, count(*) from mart_observations group by series_id")
    )
    for sid, values in built.expected.items():
        assert counts[sid] == values.notna().sum()
    assert "FPEMPTY" not in counts
    assert (
        _rows(built.engine, "select count(*) from mart_observations where value is null")[0][0] == 0
    )


@pytest.mark.parametrize("series_id", REAL_SERIES)
def test_series_stats_match_pandas_on_real_series(built: Built, series_id: str) -> None:
    values = built.expected[series_id].dropna()
    (row,) = _rows(
        built.engine, "select * from mart_series_stats where series_id = :s", s=series_id
    )
    assert row.n_obs == len(values)
    assert row.first_obs_date == min(values.index)
    assert row.last_obs_date == max(values.index)
    assert row.min_value == values.min()
    assert row.max_value == values.max()
    for column, want in (
        ("mean", values.mean()),
        ("variance", values.var(ddof=1)),
        ("stddev", values.std(ddof=1)),
    ):
        assert math.isclose(getattr(row, column), want, rel_tol=REL_TOL), (column, row, want)


def test_a_compounded_rate_beyond_a_double_is_null_not_an_error(built: Built) -> None:
    (row,) = _rows(
        built.engine,
        "select pch, pca from mart_observation_transforms"
        " where series_id = 'FPJUMP' and obs_date = :d",
        d=date(2021, 1, 5),
    )
    assert row.pch == pytest.approx(1418.0) and row.pca is None


def test_single_observation_has_no_sample_variance(built: Built) -> None:
    (row,) = _rows(built.engine, "select * from mart_series_stats where series_id = 'FPONE'")
    assert (row.n_obs, row.mean, row.variance, row.stddev) == (1, 42.5, None, None)


def test_dim_series_reports_freshness_and_keeps_series_without_values(built: Built) -> None:
    rows = {r.series_id: r for r in _rows(built.engine, "select * from dim_series")}
    assert set(rows) == {*REAL_SERIES, "FPTEST", "FPONE", "FPEMPTY", "FPJUMP"}
    empty = rows["FPEMPTY"]
    assert (empty.n_obs, empty.first_obs_date, empty.last_obs_date) == (0, None, None)
    assert empty.last_ingested_at == REVISED_AT
    assert rows["GDP"].last_ingested_at == REVISED_AT  # newest write of any vintage
    assert rows["UNRATE"].last_ingested_at == LOADED_AT
    assert rows["FPTEST"].n_obs == 2
    assert (rows["DGS10"].title, rows["DGS10"].frequency_short) == ("real DGS10", "D")


def _columns(built: Built, relation: str) -> list[tuple[str, str]]:
    """(name, type) in order, from information_schema (duckdb-engine's inspector lags DuckDB)."""
    schema = "current_schema()" if built.backend == "duckdb" else "database()"
    return [
        (r[0], str(r[1]))
        for r in _rows(
            built.engine,
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = {schema} and table_name = :t order by ordinal_position",
            t=relation,
        )
    ]


def test_marts_have_contract_columns_and_store_doubles(built: Built) -> None:
    from models import marts

    expected = {
        marts.OBSERVATIONS: marts.OBSERVATION_COLUMNS,
        marts.SERIES_STATS: marts.STATS_COLUMNS,
        marts.DIM_SERIES: marts.DIM_SERIES_COLUMNS,
    }
    for relation, columns in expected.items():
        assert tuple(name for name, _ in _columns(built, relation)) == columns
    types = dict(_columns(built, marts.SERIES_STATS)) | {
        "value": dict(_columns(built, marts.OBSERVATIONS))["value"]
    }
    for column in ("value", "mean", "variance", "stddev", "min_value", "max_value"):
        assert types[column].upper() == "DOUBLE", (column, types[column])


def test_relations_stay_in_the_target_schema(built: Built) -> None:
    if built.backend == "duckdb":
        schema = "main"
        where = "table_catalog = current_database()"
    else:
        schema = built.engine.url.database or ""
        where = "table_schema like :p"
    found = _rows(
        built.engine,
        f"select table_schema, table_name from information_schema.tables where {where}",
        p=f"{schema}%",
    )
    assert {r[0] for r in found} == {schema}
    assert {
        "stg_fred__series",
        "stg_fred__observation_vintages",
        "stg_fred__observations",
        "mart_observations",
        "mart_series_stats",
        "dim_series",
    } <= {r[1] for r in found}


def test_docs_describe_every_model_and_column(built: Built, tmp_path: Path) -> None:
    if built.backend != "duckdb":
        pytest.skip("docs are backend-independent; generated once, on DuckDB")
    target = dbt_docs_generate(load_settings(database_url=built.url), tmp_path / "docs")
    assert (target / "index.html").exists()
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    models = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}
    assert len(models) >= 7
    for uid, node in models.items():
        assert "grain" in node["description"], uid
        built_columns = {c.lower() for c in catalog["nodes"][uid]["columns"]}
        documented = {c for c, meta in node["columns"].items() if meta["description"].strip()}
        assert built_columns == documented, uid


def test_failing_data_test_makes_build_raise_with_its_name(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(raw_series.insert(), [series_row("KNOWN", title="known")])
            # An observation whose series has no metadata breaks mart_observations → dim_series.
            conn.execute(
                raw_observations.insert(),
                [
                    observation_row(sid, date(2020, 1, 1), 1.0, realtime_start=date(2020, 2, 1))
                    for sid in ("KNOWN", "ORPHAN")
                ],
            )
    finally:
        engine.dispose()
    with pytest.raises(DbtError) as caught:
        dbt_build(load_settings(database_url=db_url))
    failed = caught.value.failed_nodes
    assert any("relationships_mart_observations_series_id" in node for node in failed), failed
    assert all(node.startswith("test.") for node in failed), failed
    assert "relationships_mart_observations_series_id" in str(caught.value)
    assert "ERROR=" in caught.value.log_tail
    kept = caught.value.artifacts_dir
    assert kept is not None and (kept / "target" / "run_results.json").exists()
    assert not list(kept.rglob("profiles.yml"))  # credentials never outlive the run
    shutil.rmtree(kept)
