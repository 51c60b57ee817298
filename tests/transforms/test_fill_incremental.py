"""Missing-value policies (``int_observations_filled``) and the incremental ``mart_observations``,
built by dbt on DuckDB and MariaDB.

Filled values are checked against ``reference_fill``, an independent pandas implementation of the
rules in docs/contracts.md; the incremental mart against a ``--full-refresh`` of the same data.
"""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from flows import stages
from flows.dbt_runner import dbt_build
from ingest.catalog import load_catalog
from models.engine import make_engine
from models.settings import load_settings
from models.tables import raw_observations, raw_series
from tests.support.dbt import close, observation_row, read_fred_csv, series_row

LATER_AT = datetime(2024, 6, 2, 12, 0, 0)
#: the first day of the hand-made series, and the vintage of their rows
D0 = date(2020, 1, 1)


def _day(n: int) -> date:
    return D0 + timedelta(days=n)


def reference_fill(values: pd.Series, method: str, max_gap: int) -> tuple[pd.Series, pd.Series]:
    """(filled values, is_filled) of a date-indexed series under the contract's rules."""
    out = values.copy()
    missing = values.isna().to_numpy()
    dates = list(values.index)
    i = 0
    while i < len(values):
        if not missing[i]:
            i += 1
            continue
        j = i
        while j < len(values) and missing[j]:
            j += 1
        # values[i:j] is a run of missing observations
        has_prev, has_next = i > 0, j < len(values)
        if method != "none" and j - i <= max_gap and has_prev:
            prev_value, prev_date = values.iloc[i - 1], dates[i - 1]
            for k in range(i, j):
                if method == "ffill":
                    out.iloc[k] = prev_value
                elif has_next:
                    next_value, next_date = values.iloc[j], dates[j]
                    weight = (dates[k] - prev_date).days / (next_date - prev_date).days
                    out.iloc[k] = prev_value + (next_value - prev_value) * weight
        i = j
    return out, out.notna() & values.isna()


def _insert(engine: sa.Engine, series: list[str], rows: list[dict[str, object]]) -> None:
    with engine.begin() as conn:
        if series:
            conn.execute(raw_series.insert(), [series_row(s) for s in series])
        conn.execute(raw_observations.insert(), rows)


def _frame(engine: sa.Engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(sa.text(sql))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _build(url: str, dbt_vars: dict[str, Any] | None = None, *, full_refresh: bool = False) -> None:
    dbt_build(load_settings(database_url=url), dbt_vars=dbt_vars, full_refresh=full_refresh)


# --- fill rules on hand-made series ----------------------------------------------------------

#: series id -> (policy or None, [(day offset, value)])
HAND: dict[str, tuple[dict[str, Any] | None, list[tuple[int, float | None]]]] = {
    # leading gap (nothing to carry), a gap of 2 (filled), a gap of 3 > max_gap (left entirely),
    # a trailing gap of 1 (ffill carries the last value forward)
    "FFILL": (
        {"method": "ffill", "max_gap": 2},
        [
            (0, None),
            (1, 1.0),
            (2, None),
            (3, None),
            (4, 2.0),
            (5, None),
            (6, None),
            (7, None),
            (8, 3.0),
            (9, None),
        ],
    ),
    # unevenly spaced dates: weights by days, not by position; a gap of 3 is left; leading and
    # trailing gaps are never interpolated
    "LINEAR": (
        {"method": "linear", "max_gap": 2},
        [
            (0, None),
            (1, 10.0),
            (2, None),
            (5, None),
            (11, 20.0),
            (12, None),
            (13, None),
            (14, None),
            (15, -4.0),
            (16, None),
        ],
    ),
    "NOFILL": ({"method": "none", "max_gap": 1}, [(0, 1.0), (1, None), (2, 3.0)]),
    "NOPOLICY": (None, [(0, 1.0), (1, None), (2, 3.0)]),
}


def test_fill_policies_fill_short_gaps_only(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        rows = [
            observation_row(sid, _day(n), v, realtime_start=D0)
            for sid, (_, points) in HAND.items()
            for n, v in points
        ]
        _insert(engine, list(HAND), rows)
        policies = {sid: policy for sid, (policy, _) in HAND.items() if policy}
        _build(db_url, {"fill_policies": policies})
        got = _frame(engine, "select * from int_observations_filled")
        mart = _frame(engine, "select * from mart_observations")
    finally:
        engine.dispose()

    assert list(got.columns) == [
        "series_id", "obs_date", "value", "raw_value", "is_filled", "fill_method"
    ]  # fmt: skip
    assert list(mart.columns) == ["series_id", "obs_date", "value", "is_filled"]
    for sid, (policy, points) in HAND.items():
        raw = pd.Series([v for _, v in points], index=[_day(n) for n, _ in points], dtype=float)
        method = policy["method"] if policy else "none"
        want, want_filled = reference_fill(raw, method, policy["max_gap"] if policy else 0)
        rows = got[got.series_id == sid].set_index("obs_date").sort_index()
        assert list(rows.index) == list(raw.index), sid
        assert all(close(a, b) for a, b in zip(rows.value, want, strict=True)), (sid, rows)
        assert all(close(a, b) for a, b in zip(rows.raw_value, raw, strict=True)), sid
        assert [bool(x) for x in rows.is_filled] == want_filled.tolist(), sid
        assert set(rows.fill_method) == {method}, sid
        kept = mart[mart.series_id == sid].set_index("obs_date").sort_index()
        assert list(kept.index) == list(want.dropna().index), sid
        assert all(close(a, b) for a, b in zip(kept.value, want.dropna(), strict=True)), sid
        assert [bool(x) for x in kept.is_filled] == want_filled[want.notna()].tolist(), sid

    # spot checks of the rules themselves, independent of reference_fill
    ffill = got[got.series_id == "FFILL"].set_index("obs_date").value
    assert [ffill[_day(n)] for n in (2, 3, 9)] == [1.0, 1.0, 3.0]
    assert all(pd.isna(ffill[_day(n)]) for n in (0, 5, 6, 7))
    linear = got[got.series_id == "LINEAR"].set_index("obs_date").value
    assert math.isclose(linear[_day(2)], 10.0 + 10.0 * 1 / 10)
    assert math.isclose(linear[_day(5)], 10.0 + 10.0 * 4 / 10)


def _insert_nopolicy(engine: sa.Engine) -> None:
    """The hand-made series without a catalog fill policy, as one vintage."""
    rows = [
        observation_row("NOPOLICY", _day(n), v, realtime_start=D0) for n, v in HAND["NOPOLICY"][1]
    ]
    _insert(engine, ["NOPOLICY"], rows)


def test_default_vars_fill_nothing(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        _insert_nopolicy(engine)
        _build(db_url)
        got = _frame(engine, "select * from mart_observations order by obs_date")
        filled = _frame(engine, "select * from int_observations_filled")
    finally:
        engine.dispose()
    assert list(got.obs_date) == [_day(0), _day(2)]
    assert [bool(x) for x in got.is_filled] == [False, False]
    assert set(filled.fill_method) == {"none"}


@pytest.mark.parametrize(
    "policies",
    [
        {"X": {"method": "cubic", "max_gap": 2}},
        {"X": {"method": "ffill"}},
        {"X": {"method": "ffill", "max_gap": 0}},
        {"bad'id": {"method": "ffill", "max_gap": 1}},
    ],
)
def test_bad_fill_policy_var_fails_the_build(db_url: str, policies: dict[str, Any]) -> None:
    from flows.dbt_runner import DbtError

    with pytest.raises(DbtError, match="fill_policies") as caught:
        _build(db_url, {"fill_policies": policies})
    if caught.value.artifacts_dir is not None:
        shutil.rmtree(caught.value.artifacts_dir)


# --- the catalog's policies on real series, and incremental == full refresh ------------------


def _snapshot(engine: sa.Engine) -> dict[str, pd.DataFrame]:
    out = {}
    for relation, key in (
        ("mart_observations", ["series_id", "obs_date"]),
        ("int_observations_filled", ["series_id", "obs_date"]),
    ):
        frame = _frame(engine, f"select * from {relation}").sort_values(key)
        if "is_filled" in frame:
            frame["is_filled"] = frame["is_filled"].astype(bool)
        out[relation] = frame.reset_index(drop=True)
    return out


def _has_primary_key(engine: sa.Engine) -> bool:
    if engine.dialect.name == "duckdb":
        return True  # the hook is MySQL-only
    with engine.connect() as conn:
        return bool(
            conn.execute(
                sa.text(
                    "select count(*) from information_schema.table_constraints "
                    "where table_schema = database() and table_name = 'mart_observations' "
                    "and constraint_type = 'PRIMARY KEY'"
                )
            ).scalar_one()
        )


def test_incremental_build_equals_full_refresh_with_catalog_policies(
    db_url: str, real_data_dir: Path
) -> None:
    catalog_vars = stages.dbt_vars()
    assert catalog_vars == {"fill_policies": load_catalog().fill_policies()}
    policies = catalog_vars["fill_policies"]
    assert policies["DGS10"] == {"method": "ffill", "max_gap": 5}
    real = {sid: read_fred_csv(real_data_dir / f"{sid}.csv") for sid in ("DGS10", "UNRATE")}
    engine = make_engine(db_url)
    try:
        rows = [
            observation_row(sid, day, None if math.isnan(v) else float(v), realtime_start=D0)
            for sid, values in real.items()
            for day, v in values.items()
        ]
        # NEWDAY gets a new day, REVISED a revision, GAP a value revised to missing (no policy:
        # the row must disappear), GONE loses its only value, STILL stays as it is.
        for sid in ("NEWDAY", "REVISED", "GAP", "GONE", "STILL"):
            rows += [
                observation_row(sid, _day(n), v, realtime_start=D0) for n, v in ((0, 1.0), (1, 2.0))
            ]
        _insert(engine, [*real, "NEWDAY", "REVISED", "GAP", "GONE", "STILL"], rows)
        _build(db_url, catalog_vars)
        assert _has_primary_key(engine)

        # the catalog's policies reached dbt: DGS10 and UNRATE filled as the reference says
        got = _frame(engine, "select * from int_observations_filled")
        for sid, values in real.items():
            want, want_filled = reference_fill(values, **_policy_args(policies[sid]))
            rows_of = got[got.series_id == sid].set_index("obs_date").sort_index()
            assert [bool(x) for x in rows_of.is_filled] == want_filled.tolist(), sid
            assert all(close(a, b) for a, b in zip(rows_of.value, want, strict=True)), sid
            assert want_filled.sum() > 0, sid

        last = max(real["DGS10"].index)
        later = date(2027, 1, 1)
        revisions: list[tuple[str, date, float | None]] = [
            ("DGS10", last + timedelta(days=3), 4.25),
            ("DGS10", last + timedelta(days=1), None),
            ("NEWDAY", _day(2), 3.0),
            ("REVISED", _day(0), 1.5),
            ("GAP", _day(0), None),
            ("GONE", _day(0), None),
            ("GONE", _day(1), None),
        ]
        _insert(
            engine,
            [],
            [
                observation_row(sid, day, v, realtime_start=later, ingested_at=LATER_AT)
                for sid, day, v in revisions
            ],
        )
        _build(db_url, catalog_vars)
        assert _has_primary_key(engine)
        incremental = _snapshot(engine)
        _build(db_url, catalog_vars, full_refresh=True)
        assert _has_primary_key(engine)
        full = _snapshot(engine)
    finally:
        engine.dispose()

    for relation, frame in full.items():
        pd.testing.assert_frame_equal(incremental[relation], frame, check_exact=True)
    mart = full["mart_observations"].set_index(["series_id", "obs_date"])
    assert mart.loc[("NEWDAY", _day(2)), "value"] == 3.0
    assert mart.loc[("REVISED", _day(0)), "value"] == 1.5
    assert ("GAP", _day(0)) not in mart.index
    assert "GONE" not in set(full["mart_observations"].series_id)
    assert mart.loc[("DGS10", last + timedelta(days=1)), "is_filled"]  # a filled holiday
    assert mart.loc[("DGS10", last + timedelta(days=1)), "value"] == real["DGS10"][last]


def _policy_args(policy: dict[str, Any]) -> dict[str, Any]:
    return {"method": policy["method"], "max_gap": policy["max_gap"]}


def test_changing_a_fill_policy_rebuilds_the_series_without_full_refresh(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        _insert_nopolicy(engine)
        _build(db_url)
        _build(db_url, {"fill_policies": {"NOPOLICY": {"method": "linear", "max_gap": 1}}})
        got = _frame(engine, "select obs_date, value, is_filled from mart_observations")
    finally:
        engine.dispose()
    got = got.sort_values("obs_date")
    assert list(got.value) == [1.0, 2.0, 3.0]
    assert [bool(x) for x in got.is_filled] == [False, True, False]


def test_marts_without_is_filled_are_rebuilt_in_full_once(db_url: str) -> None:
    """A database built by the project before ``is_filled`` gets one full refresh."""
    from flows.dbt_runner import needs_full_refresh

    engine = make_engine(db_url)
    try:
        assert not needs_full_refresh(engine)  # nothing built yet
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "create table mart_observations (series_id varchar(64), obs_date date,"
                    " value double)"
                )
            )
        assert needs_full_refresh(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("alter table mart_observations add column is_filled boolean"))
        assert not needs_full_refresh(engine)
    finally:
        engine.dispose()
