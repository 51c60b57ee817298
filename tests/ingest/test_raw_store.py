"""The bulk (SQL-planned) store path keeps the vintage rules, on DuckDB and MariaDB."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ingest.raw_store import store_series
from ingest.series_data import FredObservation, SeriesInfo
from ingest.vintage_plan import BadSourceDataError, ObsRow, plan_history, plan_vintages, to_rows
from models.tables import raw_observations, raw_series

END = date(9999, 12, 31)
D1, D2, D3 = date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)
Stored = list[tuple[date, date, date, float | None]]


def info(series_id: str = "TEST") -> SeriesInfo:
    return SeriesInfo(
        series_id, "Test series", date(2020, 1, 1), date(2020, 12, 1), "Monthly", "M",
        "Index", "Index", "Not Seasonally Adjusted", "NSA", "", 0, "",
    )  # fmt: skip


def stored(engine: sa.Engine, series_id: str = "TEST") -> Stored:
    t = raw_observations
    stmt = (
        sa.select(t.c.obs_date, t.c.realtime_start, t.c.realtime_end, t.c.value)
        .where(t.c.series_id == series_id)
        .order_by(t.c.obs_date, t.c.realtime_start)
    )
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt)]  # type: ignore[misc]


def month(i: int) -> date:
    return date(2020 + i // 12, i % 12 + 1, 1)


def test_first_load_writes_every_row_and_dot_is_null(engine: sa.Engine) -> None:
    rows = [ObsRow(month(0), D1, END, 1.5), ObsRow(month(1), D1, END, None)]
    assert store_series(engine, info(), rows, "r1") == 2
    assert stored(engine) == [(month(0), D1, END, 1.5), (month(1), D1, END, None)]


def test_unchanged_rows_are_skipped_and_new_dates_added(engine: sa.Engine) -> None:
    store_series(engine, info(), [ObsRow(month(i), D1, END, float(i)) for i in range(3)], "r1")
    later = [ObsRow(month(i), D2, END, float(i)) for i in range(4)]
    assert store_series(engine, info(), later, "r2") == 1
    assert [(d, rt) for d, rt, _, _ in stored(engine)] == [
        (month(0), D1), (month(1), D1), (month(2), D1), (month(3), D2)
    ]  # fmt: skip


def test_revised_value_is_a_new_vintage_and_the_old_is_kept(engine: sa.Engine) -> None:
    store_series(engine, info(), [ObsRow(month(0), D1, END, 1.0)], "r1")
    assert store_series(engine, info(), [ObsRow(month(0), D2, END, 2.0)], "r2") == 1
    assert store_series(engine, info(), [ObsRow(month(0), D3, END, None)], "r3") == 1
    assert store_series(engine, info(), [ObsRow(month(0), D3, END, None)], "r4") == 0
    assert [(rt, v) for _, rt, _, v in stored(engine)] == [(D1, 1.0), (D2, 2.0), (D3, None)]


def test_same_day_change_is_updated_in_place(engine: sa.Engine) -> None:
    store_series(
        engine, info(), [ObsRow(month(0), D1, END, None), ObsRow(month(1), D1, END, 1)], "r1"
    )
    again = [ObsRow(month(0), D1, END, 3.0), ObsRow(month(1), D1, END, 1.0)]
    assert store_series(engine, info(), again, "r2") == 1
    assert [(rt, v) for _, rt, _, v in stored(engine)] == [(D1, 3.0), (D1, 1.0)]
    with engine.connect() as conn:
        runs: list[object] = list(
            conn.execute(sa.select(raw_observations.c.ingest_run_id)).scalars()
        )
    assert sorted(str(r) for r in runs) == ["r1", "r2"]


def test_older_vintage_than_stored_is_skipped(engine: sa.Engine) -> None:
    store_series(engine, info(), [ObsRow(month(0), D2, END, 1.0)], "r1")
    assert store_series(engine, info(), [ObsRow(month(0), D1, D1, 9.0)], "r2") == 0


def _random_vintages(rng: random.Random, n_dates: int) -> list[ObsRow]:
    rows = []
    for i in range(n_dates):
        days = sorted(rng.sample(range(6), rng.randint(1, 3)))
        for day in days:
            value = rng.choice([None, 1.0, 2.0, 3.0])
            rows.append(ObsRow(month(i), D1 + timedelta(days=day), END, value))
    return rows


def _reference(before: Stored, incoming: list[ObsRow]) -> Stored:
    """What the row-by-row rule (plan_vintages) leaves stored."""
    latest: dict[date, tuple[date, float | None]] = {}
    for d, rt, _, v in before:
        latest[d] = (rt, v)
    inserts, updates = plan_vintages(incoming, latest)
    table = {(d, rt): (end, v) for d, rt, end, v in before}
    for r in [*inserts, *updates]:
        table[(r.obs_date, r.realtime_start)] = (r.realtime_end, r.value)
    return sorted((d, rt, end, v) for (d, rt), (end, v) in table.items())


def test_sql_plan_matches_the_reference_rule_on_random_vintages(engine: sa.Engine) -> None:
    rng = random.Random(7)
    for round_ in range(8):
        sid = f"RND{round_}"
        first = _random_vintages(rng, 30)
        store_series(engine, info(sid), first, "a")
        before = stored(engine, sid)
        assert before == _reference([], first)
        second = _random_vintages(rng, 40)
        written = store_series(engine, info(sid), second, "b")
        after = stored(engine, sid)
        assert after == _reference(before, second), round_
        assert written == sum(1 for row in after if row not in before)


@pytest.mark.parametrize(
    ("observations", "reason"),
    [
        ([("2020-01-01", "1"), ("2020-02-01", "n/a")], "neither a number"),
        ([("2020-02-01", "1"), ("2020-01-01", "2")], "dates out of order"),
        ([("2020-01-01", "1"), ("2020-01-01", "2")], "duplicated"),
        ([], "no observations"),
        ([("2020-01-01", "1"), ("2020-02-01", "inf")], "not a finite"),
    ],
)
def test_bad_source_data_raises_and_writes_nothing(
    engine: sa.Engine, observations: list[tuple[str, str]], reason: str
) -> None:
    obs = [FredObservation(date.fromisoformat(d), D1, END, v) for d, v in observations]
    with pytest.raises(BadSourceDataError, match=reason) as caught:
        store_series(engine, info(), to_rows(obs, "TEST"), "r1")
    assert caught.value.series_id == "TEST"
    assert stored(engine) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(raw_series)).scalar() == 0


def test_realtime_start_after_end_is_rejected(engine: sa.Engine) -> None:
    with pytest.raises(BadSourceDataError, match=r"realtime_start .* is after realtime_end"):
        store_series(engine, info(), [ObsRow(month(0), D2, D1, 1.0)], "r1")
    assert stored(engine) == []


def test_bad_row_late_in_a_revision_keeps_the_old_rows_untouched(engine: sa.Engine) -> None:
    good = [ObsRow(month(i), D1, END, float(i)) for i in range(5)]
    store_series(engine, info(), good, "r1")
    before = stored(engine)
    bad = [ObsRow(month(i), D2, END, float(i) + 1) for i in range(5)] + [
        ObsRow(month(4), D2, END, 0.0)
    ]
    with pytest.raises(BadSourceDataError, match="duplicated"):
        store_series(engine, info(), bad, "r2")
    assert stored(engine) == before


def test_allow_empty_refreshes_metadata_only(engine: sa.Engine) -> None:
    assert store_series(engine, info(), [], "r1", allow_empty=True) == 0
    with engine.connect() as conn:
        assert conn.execute(sa.select(raw_series.c.series_id)).scalars().all() == ["TEST"]


def test_history_merge_adds_older_vintages_and_keeps_the_latest(engine: sa.Engine) -> None:
    store_series(engine, info(), [ObsRow(month(0), D3, END, 5.0)], "now")
    alfred = [
        ObsRow(month(0), D1, D1, 4.9),
        ObsRow(month(0), D2, D2, 5.0),
        ObsRow(month(0), D3, END, 5.0),
    ]
    assert store_series(engine, info(), alfred, "alfred", merge_history=True) == 2
    assert [(rt, v) for _, rt, _, v in stored(engine)] == [(D1, 4.9), (D2, 5.0), (D3, 5.0)]
    assert store_series(engine, info(), alfred, "again", merge_history=True) == 0
    # Without the merge rule the same answer would have been skipped as old history.
    store_series(engine, info("PLAIN"), [ObsRow(month(0), D3, END, 5.0)], "now")
    assert store_series(engine, info("PLAIN"), alfred, "alfred") == 0


def _reference_history(before: Stored, incoming: list[ObsRow]) -> Stored:
    """What the row-by-row merge rule (plan_history) leaves stored."""
    history: dict[date, dict[date, float | None]] = {}
    for d, rt, _, v in before:
        history.setdefault(d, {})[rt] = v
    inserts, updates = plan_history(incoming, history)
    table = {(d, rt): (end, v) for d, rt, end, v in before}
    for r in [*inserts, *updates]:
        table[(r.obs_date, r.realtime_start)] = (r.realtime_end, r.value)
    return sorted((d, rt, end, v) for (d, rt), (end, v) in table.items())


def test_sql_history_merge_matches_the_reference_rule_on_random_vintages(
    engine: sa.Engine,
) -> None:
    rng = random.Random(11)
    for round_ in range(8):
        sid = f"HIST{round_}"
        store_series(engine, info(sid), _random_vintages(rng, 30), "a")
        before = stored(engine, sid)
        second = _random_vintages(rng, 40)
        written = store_series(engine, info(sid), second, "b", merge_history=True)
        after = stored(engine, sid)
        assert after == _reference_history(before, second), round_
        assert written == sum(1 for row in after if row not in before)
        assert set(before) - set(after) <= {
            row
            for row in before
            if (row[0], row[1]) in {(r.obs_date, r.realtime_start) for r in second}
        }, "a stored vintage vanished"
