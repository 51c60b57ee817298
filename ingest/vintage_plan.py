"""The vintage rules, as pure functions over rows: what FRED sent becomes typed rows, and which
of them are new vintages or corrections of stored ones.

The raw tables keep every vintage and never duplicate one: a row is written for (series,
date) only when the date is new or its value differs (NULL-safely) from the vintage before
it, so re-fetching the same data writes nothing while a revised value becomes a new vintage
row next to the old one. ``plan_vintages`` (a normal fetch) and ``plan_history`` (an ALFRED
backfill that brings vintages older than the stored ones) state the rules; the store applies
the same rules in bulk SQL (``ingest.vintage_sql``), and tests compare the two. Bad source
data is rejected here with ``BadSourceDataError`` before any transaction opens, so a series
is stored whole or not at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ingest.series_data import MISSING, FredObservation


class BadSourceDataError(ValueError):
    """The source sent data the raw tables must not hold; nothing of the series was written.

    ``where`` locates the problem for the operator: an observation date, a row index of the
    response, or a file line (``path:line``).
    """

    def __init__(self, series_id: str, reason: str, where: str | None = None) -> None:
        self.series_id, self.reason, self.where = series_id, reason, where
        at = f" (at {where})" if where else ""
        super().__init__(f"{series_id}: bad source data: {reason}{at}")


@dataclass(frozen=True, slots=True)
class ObsRow:
    obs_date: date
    realtime_start: date
    realtime_end: date
    value: float | None


def parse_fred_value(text: str) -> float | None:
    """FRED's value text as a number; "." (FRED's missing marker) is None, never 0."""
    stripped = text.strip()
    if stripped == MISSING:
        return None
    try:
        number = float(stripped)
    except ValueError:
        raise ValueError(f"FRED value {text!r} is neither a number nor '.' (missing)") from None
    if not math.isfinite(number):
        raise ValueError(f"FRED value {text!r} is not a finite number")
    return number


def to_rows(observations: Sequence[FredObservation], series_id: str = "?") -> list[ObsRow]:
    """FRED's observations as typed rows sorted by (date, vintage); rejects bad source data.

    Observation dates must come ascending, as FRED sends them (vintages of one date may come
    in any order); a duplicated (date, realtime_start), a realtime period that ends before it
    starts, or a value that is neither a number nor '.' raises ``BadSourceDataError``.
    """
    rows: list[ObsRow] = []
    previous: date | None = None
    for i, o in enumerate(observations):
        where = f"observation {i + 1}, date {o.obs_date.isoformat()}"
        if previous is not None and o.obs_date < previous:
            raise BadSourceDataError(
                series_id, f"dates out of order ({o.obs_date} after {previous})", where
            )
        previous = o.obs_date
        try:
            value = parse_fred_value(o.value)
        except ValueError as exc:
            raise BadSourceDataError(series_id, str(exc), where) from None
        rows.append(ObsRow(o.obs_date, o.realtime_start, o.realtime_end, value))
    rows.sort(key=lambda r: (r.obs_date, r.realtime_start))
    check_rows(series_id, rows, allow_empty=True)
    return rows


def check_rows(series_id: str, rows: Sequence[ObsRow], *, allow_empty: bool = False) -> None:
    """Reject rows the raw tables must never hold; ``rows`` sorted by (date, vintage)."""
    if not rows and not allow_empty:
        raise BadSourceDataError(series_id, "the series has no observations")
    previous: tuple[date, date] | None = None
    for row in rows:
        key = (row.obs_date, row.realtime_start)
        where = f"date {row.obs_date.isoformat()}"
        if previous is not None and key <= previous:
            problem = "duplicated" if key == previous else "out of order"
            raise BadSourceDataError(
                series_id, f"observation (date, realtime_start) {problem}", where
            )
        if row.realtime_start > row.realtime_end:
            raise BadSourceDataError(
                series_id,
                f"realtime_start {row.realtime_start} is after realtime_end {row.realtime_end}",
                where,
            )
        if row.value is not None and not math.isfinite(row.value):
            raise BadSourceDataError(series_id, f"value {row.value!r} is not finite", where)
        previous = key


def plan_vintages(
    incoming: Sequence[ObsRow], latest: Mapping[date, tuple[date, float | None]]
) -> tuple[list[ObsRow], list[ObsRow]]:
    """Split fetched rows into (new vintages to insert, same-day vintages to correct).

    The reference statement of the rule ``ingest.vintage_sql`` applies in bulk (tests
    compare the two). ``incoming`` is sorted by (date, realtime_start); ``latest`` maps a date
    to its newest stored (realtime_start, value). A row is new when its date is unknown or its
    value differs from the newest vintage before it. A vintage older than the newest stored
    one is history we already moved past and is skipped. A changed value under the *same*
    realtime_start as the stored vintage is a same-day re-publication: FRED keeps one vintage
    per day, so that row is corrected in place rather than duplicated.
    """
    inserts: list[ObsRow] = []
    updates: list[ObsRow] = []
    current = dict(latest)
    for row in incoming:
        prev = current.get(row.obs_date)
        if prev is not None and row.realtime_start < prev[0]:
            continue
        if prev is not None and row.value == prev[1]:
            continue
        if prev is not None and row.realtime_start == prev[0]:
            updates.append(row)
        else:
            inserts.append(row)
        current[row.obs_date] = (row.realtime_start, row.value)
    return inserts, updates


def plan_history(
    incoming: Sequence[ObsRow], stored: Mapping[date, Mapping[date, float | None]]
) -> tuple[list[ObsRow], list[ObsRow]]:
    """Split fetched rows into (new vintages, corrected vintages) merging into stored history.

    The reference statement of the rule ``ingest.vintage_sql`` applies in bulk, used for an ALFRED
    backfill (``--vintages``), which brings vintages *older* than the ones already stored.
    ``stored`` maps a date to every stored ``{realtime_start: value}``. Incoming and stored
    vintages of a date are merged into one timeline ordered by realtime_start (an incoming row
    replaces a stored one with the same realtime_start). An incoming row is inserted when its
    realtime_start is not stored and its value differs (NULL-safely) from the vintage before it
    in that timeline, or it is the first; it corrects the stored row when the realtime_start is
    stored with a different value. Nothing stored is ever deleted.
    """
    by_date: dict[date, list[ObsRow]] = {}
    for row in incoming:
        by_date.setdefault(row.obs_date, []).append(row)
    inserts: list[ObsRow] = []
    updates: list[ObsRow] = []
    for obs_date, rows in by_date.items():
        old = stored.get(obs_date, {})
        timeline: dict[date, tuple[float | None, ObsRow | None]] = {
            rt: (value, None) for rt, value in old.items()
        }
        for row in rows:
            timeline[row.realtime_start] = (row.value, row)
        previous: tuple[float | None] | None = None
        for rt in sorted(timeline):
            value, sent = timeline[rt]
            if sent is not None:
                if rt in old:
                    if old[rt] != value:
                        updates.append(sent)
                elif previous is None or previous[0] != value:
                    inserts.append(sent)
            previous = (value,)
    return inserts, updates


def collapse_repeats(rows: Sequence[ObsRow]) -> list[ObsRow]:
    """Drop a vintage whose value repeats the previous vintage of the same date (NULL-safe).

    With nothing stored for a series this is the whole vintage rule, so a first load can skip
    the staging step and insert straight into the raw table.
    """
    out: list[ObsRow] = []
    for row in rows:
        if out and out[-1].obs_date == row.obs_date and out[-1].value == row.value:
            continue
        out.append(row)
    return out
