"""Offline import of FRED's CSV download formats, recorded as ingest runs (both databases)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.csv_import import CsvFormatError, load_csv
from ingest.series_data import read_series_csv
from models.tables import ingest_runs, raw_observations, raw_series

DAY = date(2024, 5, 6)


def values(engine: sa.Engine, sid: str) -> list[tuple[date, float | None]]:
    t = raw_observations
    stmt = sa.select(t.c.obs_date, t.c.value).where(t.c.series_id == sid).order_by(t.c.obs_date)
    with engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(stmt)]


def meta(engine: sa.Engine, sid: str) -> sa.Row[tuple[object, ...]]:
    with engine.connect() as conn:
        return conn.execute(sa.select(raw_series).where(raw_series.c.series_id == sid)).one()


@pytest.mark.parametrize("header", ["observation_date,DGS10", "DATE,DGS10"])
def test_single_series_download_with_missing_values(
    engine: sa.Engine, tmp_path: Path, header: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f"{header}\n2024-01-02,3.95\n2024-01-03,\n2024-01-04,.\n2024-01-05,4.05\n")
    report = load_csv(engine, path, realtime_start=DAY)
    assert (report.status, report.rows_written) == ("success", 4)
    assert values(engine, "DGS10") == [
        (date(2024, 1, 2), 3.95), (date(2024, 1, 3), None),
        (date(2024, 1, 4), None), (date(2024, 1, 5), 4.05),
    ]  # fmt: skip
    row = meta(engine, "DGS10")
    assert row.frequency_short == "D" and "10-Year" in row.title
    again = load_csv(engine, path, realtime_start=date(2024, 5, 7))
    assert again.rows_written == 0
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ingest_runs)).scalar() == 2


def test_fredgraph_multi_column_with_ragged_ends(engine: sa.Engine, tmp_path: Path) -> None:
    path = tmp_path / "fredgraph.csv"
    path.write_text(
        "observation_date,AAA,BBB\n2020-01-01,1,\n2020-02-01,2,10\n2020-03-01,.,11\n2020-04-01,4,\n"
    )
    report = load_csv(engine, path, realtime_start=DAY)
    assert report.status == "success"
    assert values(engine, "AAA") == [
        (date(2020, 1, 1), 1.0), (date(2020, 2, 1), 2.0),
        (date(2020, 3, 1), None), (date(2020, 4, 1), 4.0),
    ]  # fmt: skip
    assert values(engine, "BBB") == [(date(2020, 2, 1), 10.0), (date(2020, 3, 1), 11.0)]
    assert meta(engine, "AAA").frequency == "Monthly"


def test_date_value_file_with_sidecar_metadata(engine: sa.Engine, tmp_path: Path) -> None:
    path = tmp_path / "MYSERIES.csv"
    path.write_text("date,value\n2020-01-01,1.5\n2021-01-01,2.5\n")
    (tmp_path / "MYSERIES.json").write_text(json.dumps({"title": "Mine", "units": "Widgets"}))
    assert load_csv(engine, path, realtime_start=DAY).rows_written == 2
    row = meta(engine, "MYSERIES")
    assert (row.title, row.units, row.frequency) == ("Mine", "Widgets", "Annual")


def test_series_id_and_metadata_arguments(engine: sa.Engine, tmp_path: Path) -> None:
    path = tmp_path / "download.csv"
    path.write_text("date,value\n2020-01-01,1\n2020-04-01,2\n")
    (tmp_path / "download.toml").write_text('[ABC]\ntitle = "From sidecar"\n')
    load_csv(engine, path, series_id="ABC", metadata={"ABC": {"units": "Tons"}})
    row = meta(engine, "ABC")
    assert (row.title, row.units, row.frequency) == ("From sidecar", "Tons", "Quarterly")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("date,value\n2020-01-01,1\n2020-02-01,abc\n", "x.csv:3"),
        ("date,value\n2020-02-01,1\n2020-01-01,2\n", "out of order"),
        ("date,value\n2020-01-01,1\n2020-01-01,2\n", "duplicated"),
        ("date,value\n", "no observations"),
    ],
)
def test_bad_file_fails_the_series_and_writes_nothing(
    engine: sa.Engine, tmp_path: Path, body: str, reason: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(body)
    report = load_csv(engine, path)
    assert report.status == "failed" and report.failed == ["x"]
    assert reason in (report.results[0].error or "")
    assert values(engine, "x") == []


def test_unknown_layout_raises_before_any_run(engine: sa.Engine, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("when,amount\n2020-01-01,1\n")
    with pytest.raises(CsvFormatError, match="header"):
        load_csv(engine, path)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ingest_runs)).scalar() == 0


def test_real_fred_file_round_trips(engine: sa.Engine, real_data_dir: Path) -> None:
    report = load_csv(engine, real_data_dir / "UMCSENT.csv", realtime_start=DAY)
    expected = [
        (d, None if v == "." else float(v))
        for d, v in read_series_csv(real_data_dir / "UMCSENT.csv")
    ]
    assert report.status == "success" and report.rows_written == len(expected)
    assert values(engine, "UMCSENT") == expected
    assert meta(engine, "UMCSENT").frequency == "Monthly"
