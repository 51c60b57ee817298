"""models.values: the timestamp every reader hands out is aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from models.values import as_utc


def test_naive_timestamps_are_read_as_utc() -> None:
    stored = datetime(2021, 7, 1, 6, 0)
    assert as_utc(stored) == datetime(2021, 7, 1, 6, 0, tzinfo=UTC)
    assert as_utc(stored).isoformat() == "2021-07-01T06:00:00+00:00"


def test_aware_timestamps_are_converted_not_relabelled() -> None:
    berlin_summer = timezone(timedelta(hours=2))
    got = as_utc(datetime(2021, 7, 1, 8, 0, tzinfo=berlin_summer))
    assert got.tzinfo is UTC
    assert (got.hour, got.utcoffset()) == (6, timedelta(0))


def test_missing_timestamp_stays_missing() -> None:
    assert as_utc(None) is None
