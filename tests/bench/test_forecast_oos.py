"""``bench/forecast_oos.py``'s scoring on hand-made frames (no database), and the benchmark's
own leak guarantee: truncation never lets an observation after the cutoff through."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.forecast_oos import (
    POINT_COLUMNS,
    baseline_forecasts,
    coverage,
    frequency_group,
    geomean,
    mae,
    match_actuals,
    pooled,
    ratio,
    read_actuals,
    series_table,
    stage_files,
    targets,
    truncate_csv,
)

CSV = "\n".join(
    [
        "date,value",
        "2020-06-26,1.50",
        "2020-06-29,.",
        "2020-06-30,1.70",
        "2020-07-01,9.99",  # the first value after the cutoff
        "2020-07-02,.",
        "2020-07-03,8.88",
    ]
)
CUTOFF = date(2020, 6, 30)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


# --- truncation: the leak guarantee -----------------------------------------------------------


def test_truncation_keeps_nothing_after_the_cutoff(tmp_path: Path) -> None:
    source = _write(tmp_path, "DGS10.csv", CSV)
    out = tmp_path / "out"
    out.mkdir()
    copy = truncate_csv(source, CUTOFF, out)
    assert copy == out / "DGS10.csv"
    text = copy.read_text(encoding="utf-8")
    assert "9.99" not in text and "8.88" not in text and "2020-07" not in text
    # every row on or before the cutoff is kept verbatim, '.' rows included
    assert text.splitlines() == CSV.splitlines()[:4]
    loaded = read_actuals(copy)
    assert loaded.index.max() <= pd.Timestamp(CUTOFF)
    assert loaded.dropna().tolist() == [1.5, 1.7]


def test_truncation_filters_rows_out_of_order_and_on_random_cutoffs(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    days = pd.bdate_range("2001-01-01", periods=400)
    shuffled = [days[i] for i in rng.permutation(len(days))]  # not sorted: filter each row
    lines = ["date,value"] + [
        f"{d.date().isoformat()},{'.' if k % 9 == 0 else f'{k}.5'}" for k, d in enumerate(shuffled)
    ]
    source = _write(tmp_path, "X.csv", "\n".join(lines))
    for i, cut in enumerate(rng.choice(days, size=12)):
        cutoff = pd.Timestamp(cut).date()
        folder = tmp_path / f"c{i}"
        folder.mkdir()
        copy = truncate_csv(source, cutoff, folder)
        assert copy is not None
        kept = read_actuals(copy)
        full = read_actuals(source)
        assert kept.index.max() <= pd.Timestamp(cutoff)
        expected = full[full.index <= pd.Timestamp(cutoff)]
        pd.testing.assert_series_equal(kept, expected)


def test_series_without_a_value_by_the_cutoff_is_skipped(tmp_path: Path) -> None:
    early = _write(tmp_path, "EARLY.csv", CSV)
    late = _write(tmp_path, "LATE.csv", "date,value\n2020-06-30,.\n2021-01-01,3.0")
    staged, skipped = stage_files([early, late], CUTOFF, tmp_path / "staged")
    assert [p.name for p in staged] == ["EARLY.csv"]
    assert skipped == ["LATE"]
    assert not (tmp_path / "staged" / "LATE.csv").exists()


def test_truncation_refuses_an_unknown_layout(tmp_path: Path) -> None:
    source = _write(tmp_path, "X.csv", "observation_date,X\n2020-01-01,1")
    with pytest.raises(ValueError, match="header"):
        truncate_csv(source, CUTOFF, tmp_path)


# --- matching forecast dates to observations -------------------------------------------------


def _forecast(dates: list[str], mean: list[float]) -> pd.DataFrame:
    m = np.asarray(mean, dtype=float)
    return pd.DataFrame(
        {
            "mean": m,
            "lower_80": m - 1,
            "upper_80": m + 1,
            "lower_95": m - 2,
            "upper_95": m + 2,
        },
        index=pd.DatetimeIndex(pd.to_datetime(dates), name="target_date"),
    )


def test_match_scores_only_dates_with_an_observation_after_the_cutoff(tmp_path: Path) -> None:
    actuals = read_actuals(_write(tmp_path, "X.csv", CSV))
    forecast = _forecast(["2020-07-01", "2020-07-02", "2020-07-03", "2020-07-06"], [9, 9, 9, 9])
    scored, unscored = match_actuals(forecast, actuals, CUTOFF)
    assert [d.date().isoformat() for d in pd.DatetimeIndex(scored.index)] == [
        "2020-07-01",
        "2020-07-03",
    ]
    assert scored["actual"].tolist() == [9.99, 8.88]
    assert (unscored.missing, unscored.absent, unscored.total) == (1, 1, 2)
    assert unscored.missing_dates == ("2020-07-02",)
    assert unscored.absent_dates == ("2020-07-06",)


def test_match_never_scores_a_date_on_or_before_the_cutoff(tmp_path: Path) -> None:
    actuals = read_actuals(_write(tmp_path, "X.csv", CSV))
    scored, unscored = match_actuals(_forecast(["2020-06-30"], [1.7]), actuals, CUTOFF)
    assert scored.empty and unscored.absent == 1


# --- pooled figures ---------------------------------------------------------------------------


def _points(
    sid: str, group: str, cutoff: str, actual: list[float], **cols: list[float]
) -> pd.DataFrame:
    n = len(actual)
    mean = np.asarray(cols["mean"], dtype=float)
    width80 = np.asarray(cols.get("w80", [1.0] * n))
    width95 = np.asarray(cols.get("w95", [2.0] * n))
    return pd.DataFrame(
        {
            "cutoff": cutoff,
            "series_id": sid,
            "group": group,
            "target_date": pd.date_range("2020-07-01", periods=n, freq="MS"),
            "actual": actual,
            "mean": mean,
            "lower_80": mean - width80,
            "upper_80": mean + width80,
            "lower_95": mean - width95,
            "upper_95": mean + width95,
            "snaive": cols["snaive"],
            "ets": cols["ets"],
            "naive": cols.get("naive", cols["snaive"]),
        },
        columns=list(POINT_COLUMNS),
    )


def test_small_helpers() -> None:
    assert mae([1.0, -3.0]) == 2.0
    assert mae([]) is None
    assert ratio(1.0, 2.0) == 0.5
    assert ratio(1.0, 0.0) is None and ratio(None, 1.0) is None
    assert geomean([0.5, 2.0]) == pytest.approx(1.0)
    assert geomean([4.0, None, 0.0, 1.0]) == pytest.approx(2.0)  # None and 0 left out
    assert geomean([]) is None
    assert [frequency_group(c) for c in ("D", "W", "BW", "M", "Q", "A", None)] == [
        "daily",
        "weekly",
        "weekly",
        "monthly",
        "quarterly",
        "other",
        "other",
    ]


def test_coverage_counts_bounds_as_inside() -> None:
    frame = _points(
        "A", "monthly", "c", [0.0, 1.0, 2.5, -2.0], mean=[0, 0, 0, 0], snaive=[0] * 4, ets=[0] * 4
    )
    assert coverage(frame, 80) == 0.5  # 0 and 1 (on the bound) inside
    assert coverage(frame, 95) == 0.75  # 2.5 outside
    assert coverage(frame.iloc[0:0], 95) is None


def test_series_mae_pools_every_point_of_every_cutoff() -> None:
    # cutoff 1: product errors 1, 1; snaive errors 2, 2. cutoff 2: product 4; snaive 2.
    first = _points(
        "A", "monthly", "2008-06-30", [10, 10], mean=[11, 9], snaive=[12, 8], ets=[10, 10]
    )
    second = _points("A", "monthly", "2011-06-30", [10], mean=[14], snaive=[12], ets=[13])
    table = series_table(pd.concat([first, second], ignore_index=True))
    row = table.iloc[0]
    assert (row.series_id, row.cutoffs, row.points) == ("A", 2, 3)
    assert row.mae_product == pytest.approx(2.0)  # (1 + 1 + 4) / 3, not the mean of the means
    assert row.mae_snaive == pytest.approx(2.0)
    assert row.mae_ets == pytest.approx(1.0)
    assert row.ratio == pytest.approx(1.0)
    assert row.ets_ratio == pytest.approx(0.5)


def _two_series_and_a_flat_one() -> tuple[pd.DataFrame, pd.DataFrame]:
    points = pd.concat(
        [
            # A (monthly): product MAE 1, snaive 2, ets 4 -> ratios 0.5, 2.0; all inside
            _points("A", "monthly", "c1", [0, 0], mean=[1, -1], snaive=[2, 2], ets=[4, -4]),
            # B (daily): product MAE 4, snaive 2, ets 1 -> ratios 2.0, 0.5; both outside 95 %
            _points("B", "daily", "c1", [0, 0], mean=[4, -4], snaive=[2, -2], ets=[1, 1]),
            # C (daily): snaive exact -> MAE 0, left out of the geometric means
            _points("C", "daily", "c1", [5, 5], mean=[5, 5], snaive=[5, 5], ets=[6, 6]),
        ],
        ignore_index=True,
    )
    return series_table(points), points


def test_pooled_figures_and_the_zero_snaive_series() -> None:
    table, points = _two_series_and_a_flat_one()
    summary = pooled(table, points)
    assert summary["series"] == 3 and summary["series_scored"] == 2
    assert summary["left_out_zero_snaive_mae"] == ["C"]
    assert summary["geomean_ratio"] == pytest.approx(1.0)  # sqrt(0.5 * 2)
    assert summary["geomean_ets_ratio"] == pytest.approx(1.0)
    assert summary["relative_to_ets"] == pytest.approx(1.0)
    assert summary["series_beating_snaive"] == 1
    assert summary["share_beating_snaive"] == 0.5
    assert summary["coverage_95"] == pytest.approx(4 / 6)
    assert summary["coverage_80"] == pytest.approx(4 / 6)  # A's on the bound, C's exact
    assert set(summary["groups"]) == {"daily", "monthly"}
    daily = summary["groups"]["daily"]
    assert (daily["series"], daily["points"]) == (2, 4)
    assert daily["coverage_95"] == 0.5
    assert summary["groups"]["monthly"]["coverage_95"] == 1.0


def test_targets_say_what_is_met() -> None:
    table, points = _two_series_and_a_flat_one()
    verdict = {
        t.name.split(" ")[0] + str(i): t.met for i, t in enumerate(targets(pooled(table, points)))
    }
    assert list(verdict.values()) == [False, False, False, False, False]
    good = {
        "geomean_ratio": 0.5,
        "geomean_ets_ratio": 0.8,
        "relative_to_ets": 0.625,
        "series_beating_snaive": 9,
        "series_scored": 10,
        "share_beating_snaive": 0.9,
        "coverage_95": 0.95,
        "coverage_80": 0.8,
        "groups": {
            "daily": {"coverage_95": 0.9},
            "monthly": {"coverage_95": 0.97},
            "other": {"coverage_95": 0.5},  # not a target group
        },
    }
    assert all(t.met for t in targets(good))
    assert not targets({**good, "groups": {"daily": {"coverage_95": 0.87}}})[3].met


# --- baselines --------------------------------------------------------------------------------


def test_baselines_forecast_the_given_dates() -> None:
    index = pd.date_range("2010-01-01", periods=60, freq="MS")
    values = pd.Series(np.arange(60.0) % 12 + np.arange(60.0), index=index)
    dates = pd.date_range("2015-01-01", periods=12, freq="MS")
    frame, notes = baseline_forecasts(values, "M", pd.DatetimeIndex(dates))
    assert notes == []
    assert list(frame.columns) == ["snaive", "ets", "naive"]
    assert (frame.index == dates).all()
    assert frame["snaive"].tolist() == values.iloc[-12:].tolist()  # one season back
    assert frame["naive"].tolist() == [values.iloc[-1]] * 12
    assert all(math.isfinite(v) for v in frame["ets"])
