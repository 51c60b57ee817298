"""Vintages in the sandbox: ALFRED realtime periods from revisions and ``.vintages.csv`` files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.fred_client import FredClient
from ingest.series_data import REALTIME_MAX, REALTIME_MIN
from models.settings import SANDBOX_API_KEY
from sandbox.server import running_sandbox
from sandbox.vintages import VintageBook, read_vintages_csv

D1, D2 = date(2024, 1, 1), date(2024, 2, 1)
BASE = ((D1, "1.0"), (D2, "2.0"))


def test_a_revision_closes_the_old_vintage_the_day_before() -> None:
    book = VintageBook()
    book.revise("T", D1, "1.1", realtime_start=date(2024, 3, 1), base_value="1.0")
    book.revise("T", D1, "1.2", realtime_start=date(2024, 4, 1))
    every = book.rows("T", BASE, REALTIME_MIN, REALTIME_MAX)
    assert every == [
        (D1, REALTIME_MIN, date(2024, 2, 29), "1.0"),
        (D1, date(2024, 3, 1), date(2024, 3, 31), "1.1"),
        (D1, date(2024, 4, 1), REALTIME_MAX, "1.2"),
        (D2, REALTIME_MIN, REALTIME_MAX, "2.0"),
    ]
    # FRED's default period (today..today) sees the value current that day, stamped today.
    march = date(2024, 3, 15)
    assert book.rows("T", BASE, march, march) == [
        (D1, march, march, "1.1"),
        (D2, march, march, "2.0"),
    ]


def test_a_date_revised_in_exists_only_from_its_realtime_start() -> None:
    book = VintageBook()
    new = date(2024, 3, 1)
    book.revise("T", new, "3.0", realtime_start=date(2024, 4, 2))
    assert [r[0] for r in book.rows("T", BASE, date(2024, 4, 1), date(2024, 4, 1))] == [D1, D2]
    assert [r[0] for r in book.rows("T", BASE, date(2024, 4, 2), date(2024, 4, 2))] == [D1, D2, new]


def test_a_vintages_file_serves_every_vintage_with_its_own_period(tmp_path: Path) -> None:
    (tmp_path / "TESTM.csv").write_text("date,value\n2024-01-01,1.0\n2024-02-01,2.0\n")
    (tmp_path / "TESTM.vintages.csv").write_text(
        "date,realtime_start,realtime_end,value\n"
        "2024-01-01,2024-02-05,2024-03-04,0.9\n"
        "2024-01-01,2024-03-05,9999-12-31,1.0\n"
    )
    with running_sandbox(tmp_path, today=lambda: date(2024, 3, 1)) as url:
        client = FredClient(SANDBOX_API_KEY, url, timeout=5)
        every = client.observations("TESTM", realtime_start=REALTIME_MIN, realtime_end=REALTIME_MAX)
        current = client.observations("TESTM")
    assert [(r.obs_date, r.realtime_start, r.realtime_end, r.value) for r in every] == [
        (D1, date(2024, 2, 5), date(2024, 3, 4), "0.9"),
        (D1, date(2024, 3, 5), REALTIME_MAX, "1.0"),
        (D2, REALTIME_MIN, REALTIME_MAX, "2.0"),
    ]
    march = date(2024, 3, 1)
    assert [(r.obs_date, r.realtime_start, r.value) for r in current] == [
        (D1, march, "0.9"),
        (D2, march, "2.0"),
    ]


def test_a_bad_vintages_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "X.vintages.csv"
    path.write_text("date,realtime_start,realtime_end,value\n2024-01-01,2024-05-01,2024-04-01,1\n")
    with pytest.raises(ValueError, match=r"X.vintages.csv:2: realtime_start is after"):
        read_vintages_csv(path)
