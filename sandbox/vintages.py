"""Vintages (ALFRED's realtime periods) for the sandbox, so revisions can be tested for real.

A series' ordinary values (demo data or ``SERIESID.csv``) are one vintage valid over all of
realtime (1776-07-04..9999-12-31). A *revision* gives an observation date a new value from a
realtime date on: the value it had is closed the day before, the new one is open-ended.
Revisions come from two places:

- in process: ``SandboxURL.state.vintages.revise("GDP", date(2024, 1, 1), "123.4",
  realtime_start=date(2024, 5, 7))`` (a new date not in the series may be "revised" in, and
  exists only from that realtime date);
- files: ``SERIESID.vintages.csv`` beside ``SERIESID.csv`` in the data folder, with header
  ``date,realtime_start,realtime_end,value``; its rows replace the ordinary value of every
  date they name (so list each vintage, the first one included). Read when the sandbox starts.
- over HTTP: ``POST /sandbox/revisions`` with ``{"series_id", "date", "value",
  "realtime_start"}``.

Serving follows ALFRED: a request for realtime period ``[rs, re]`` returns, per date, each
vintage whose period overlaps it, clipped to the request (FRED's default period is
today..today, which gives the current value stamped today; 1776-07-04..9999-12-31 gives
every vintage with its own period).
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from ingest.series_data import MISSING, REALTIME_MAX, REALTIME_MIN, FredObservation

VINTAGES_SUFFIX = ".vintages.csv"


class VintageBook:
    """Per series and date, the vintages that override the ordinary value; thread-safe."""

    def __init__(self) -> None:
        self._by_series: dict[str, dict[date, list[FredObservation]]] = {}
        self._lock = threading.Lock()

    def set_vintages(self, series_id: str, vintages: Sequence[FredObservation]) -> None:
        """Replace the vintages of every date ``vintages`` names."""
        with self._lock:
            book = self._by_series.setdefault(series_id.upper(), {})
            for obs_date in {v.obs_date for v in vintages}:
                book[obs_date] = sorted(
                    (v for v in vintages if v.obs_date == obs_date), key=lambda v: v.realtime_start
                )

    def revise(
        self,
        series_id: str,
        obs_date: date,
        value: str,
        *,
        realtime_start: date,
        base_value: str | None = None,
    ) -> None:
        """From ``realtime_start`` on, ``obs_date`` reads ``value``; what it read before stays
        as the vintage ending the day before (``base_value`` = the ordinary value, if any)."""
        with self._lock:
            book = self._by_series.setdefault(series_id.upper(), {})
            history = book.get(obs_date)
            if history is None:
                history = (
                    [FredObservation(obs_date, REALTIME_MIN, REALTIME_MAX, base_value)]
                    if base_value is not None
                    else []
                )
            kept: list[FredObservation] = []
            for v in history:
                if v.realtime_start >= realtime_start:
                    continue
                if v.realtime_end >= realtime_start:
                    v = FredObservation(
                        obs_date, v.realtime_start, realtime_start - timedelta(days=1), v.value
                    )
                kept.append(v)
            kept.append(FredObservation(obs_date, realtime_start, REALTIME_MAX, value))
            book[obs_date] = kept

    def rows(
        self,
        series_id: str,
        base: Sequence[tuple[date, str]],
        rt_start: date,
        rt_end: date,
    ) -> list[tuple[date, date, date, str]]:
        """``(date, realtime_start, realtime_end, value)`` sorted by date then vintage, for the
        requested realtime period, merging the ordinary values with the vintages."""
        with self._lock:
            book = dict(self._by_series.get(series_id.upper(), {}))
        out: list[tuple[date, date, date, str]] = []
        seen: set[date] = set()
        for obs_date, value in base:
            seen.add(obs_date)
            history = book.get(obs_date)
            if history is None:
                out.append((obs_date, rt_start, rt_end, value))
                continue
            out.extend(_clip(history, rt_start, rt_end))
        for obs_date, history in book.items():
            if obs_date not in seen:
                out.extend(_clip(history, rt_start, rt_end))
        out.sort(key=lambda r: (r[0], r[1]))
        return out


def _clip(
    history: Sequence[FredObservation], rt_start: date, rt_end: date
) -> list[tuple[date, date, date, str]]:
    return [
        (v.obs_date, max(v.realtime_start, rt_start), min(v.realtime_end, rt_end), v.value)
        for v in history
        if v.realtime_start <= rt_end and v.realtime_end >= rt_start
    ]


def read_vintages_csv(path: Path) -> list[FredObservation]:
    """``date,realtime_start,realtime_end,value`` rows; errors name file and line."""
    out: list[FredObservation] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        if header != ["date", "realtime_start", "realtime_end", "value"]:
            raise ValueError(f"{path}: header must be 'date,realtime_start,realtime_end,value'")
        for lineno, row in enumerate(reader, start=2):
            if not row:
                continue
            try:
                d, rs, re_, value = (c.strip() for c in row)
                vintage = FredObservation(
                    date.fromisoformat(d),
                    date.fromisoformat(rs),
                    date.fromisoformat(re_),
                    value or MISSING,
                )
            except ValueError as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from None
            if vintage.realtime_start > vintage.realtime_end:
                raise ValueError(f"{path}:{lineno}: realtime_start is after realtime_end")
            out.append(vintage)
    return out


def load_vintage_files(book: VintageBook, folder: Path | None) -> None:
    """Every ``SERIESID.vintages.csv`` in ``folder`` into ``book``."""
    if folder is None:
        return
    for path in sorted(folder.glob(f"*{VINTAGES_SUFFIX}")):
        series_id = path.name[: -len(VINTAGES_SUFFIX)]
        book.set_vintages(series_id, read_vintages_csv(path))
