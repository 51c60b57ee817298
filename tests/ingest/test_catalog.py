"""The series catalog: the shipped file's contents and the loader's strictness."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.catalog import CatalogError, load_catalog, parse_series_ids

ISSUE_SERIES = [
    *("DGS10", "DGS2", "DGS3MO", "T10Y2Y", "DFF", "FEDFUNDS", "SP500", "VIXCLS", "DEXUSEU"),
    *("DCOILWTICO", "BAMLH0A0HYM2", "MORTGAGE30US", "UNRATE", "CPIAUCSL", "PAYEMS", "INDPRO"),
    *("M2SL", "HOUST", "UMCSENT", "GDP", "GDPC1"),
]


def test_default_catalog_tracks_the_widely_used_series_with_schedules() -> None:
    catalog = load_catalog()

    assert catalog.version >= 1
    assert set(ISSUE_SERIES) <= set(catalog.ids())
    assert catalog.ids("hourly") == ["SP500", "VIXCLS"]
    assert set(catalog.ids("daily")) | set(catalog.ids("hourly")) == set(catalog.ids())
    assert all(e.title for e in catalog.series)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_ENTRY = '[[series]]\nid = "DGS10"\nschedule = "daily"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version = 1\n[[series]\n", r"catalog\.toml: .*line"),
        (GOOD_ENTRY, r"'version' must be a positive integer, got None"),
        ('version = "2"\n' + GOOD_ENTRY, r"'version' must be a positive integer, got '2'"),
        ("version = 0\n" + GOOD_ENTRY, r"positive integer, got 0"),
        ("version = 1\nseries = []\n", r"lists no series"),
        ("version = 1\n", r"lists no series"),
        ('version = 1\nseries = ["DGS10"]\n', r"series #1 is not a table"),
        ("version = 1\nowner = 'x'\n" + GOOD_ENTRY, r"unknown top-level key\(s\) \['owner'\]"),
        (
            'version = 1\n[[series]]\nid = "DGS10"\nschedul = "daily"\n',
            r"series #1 has unknown key\(s\) \['schedul'\]",
        ),
        ('version = 1\n[[series]]\nid = "dgs10"\nschedule = "daily"\n', r"bad id 'dgs10'"),
        ('version = 1\n[[series]]\nid = 10\nschedule = "daily"\n', r"bad id 10"),
        ('version = 1\n[[series]]\nid = "DGS10"\n', r"\(DGS10\) has schedule None"),
        (
            'version = 1\n[[series]]\nid = "DGS10"\nschedule = "weekly"\n',
            r"\(DGS10\) has schedule 'weekly'; use one of \('daily', 'hourly'\)",
        ),
        ("version = 1\n" + GOOD_ENTRY + GOOD_ENTRY, r"DGS10 is listed twice"),
        (
            'version = 1\n[[series]]\nid = "DGS10"\nschedule = "daily"\ntitle = " "\n',
            r"\(DGS10\) has a title that is not a non-empty string",
        ),
        (
            "version = 1\n" + GOOD_ENTRY + 'fill = "bfill"\nmax_gap = 2\n',
            r"\(DGS10\) has fill 'bfill'; use one of \('none', 'ffill', 'linear'\)",
        ),
        (
            "version = 1\n" + GOOD_ENTRY + 'fill = "ffill"\n',
            r"\(DGS10\) has fill 'ffill' but no max_gap",
        ),
        ("version = 1\n" + GOOD_ENTRY + "max_gap = 2\n", r"\(DGS10\) has max_gap but no fill"),
        (
            "version = 1\n" + GOOD_ENTRY + 'fill = "linear"\nmax_gap = 0\n',
            r"\(DGS10\) has max_gap 0; it must be an integer >= 1",
        ),
        (
            "version = 1\n" + GOOD_ENTRY + 'fill = "linear"\nmax_gap = 1.5\n',
            r"has max_gap 1\.5",
        ),
        (
            "version = 1\n" + GOOD_ENTRY + 'fill = "linear"\nmax_gap = true\n',
            r"has max_gap True",
        ),
    ],
)
def test_malformed_catalog_is_rejected_naming_file_and_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CatalogError, match=message) as info:
        load_catalog(path)
    assert str(path) in str(info.value)


def test_missing_catalog_file_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"nope\.toml"):
        load_catalog(tmp_path / "nope.toml")


def test_title_is_optional(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, "version = 3\n" + GOOD_ENTRY))
    assert catalog.version == 3
    assert catalog.series[0].title is None


def test_series_ids_from_the_command_line_are_normalised() -> None:
    assert parse_series_ids(" dgs10, UNRATE,,DGS10 ") == ["DGS10", "UNRATE"]
    with pytest.raises(CatalogError, match="not a FRED series id"):
        parse_series_ids("DGS10,bad id!")
    with pytest.raises(CatalogError, match="no series ids"):
        parse_series_ids(" , ")


def test_fill_policies_default_to_none_and_become_dbt_vars(tmp_path: Path) -> None:
    text = (
        "version = 1\n"
        + GOOD_ENTRY
        + 'fill = "ffill"\nmax_gap = 5\n'
        + '[[series]]\nid = "UNRATE"\nschedule = "daily"\nfill = "none"\n'
        + '[[series]]\nid = "GDP"\nschedule = "daily"\n'
        + '[[series]]\nid = "CPIAUCSL"\nschedule = "daily"\nfill = "linear"\nmax_gap = 1\n'
    )
    catalog = load_catalog(_write(tmp_path, text))
    assert [(e.fill, e.max_gap) for e in catalog.series] == [
        ("ffill", 5), ("none", None), ("none", None), ("linear", 1)
    ]  # fmt: skip
    assert catalog.fill_policies() == {
        "DGS10": {"method": "ffill", "max_gap": 5},
        "CPIAUCSL": {"method": "linear", "max_gap": 1},
    }


def test_default_catalog_forward_fills_market_holidays() -> None:
    policies = load_catalog().fill_policies()
    for sid in ("DGS10", "SP500", "VIXCLS", "DEXUSEU"):
        assert policies[sid] == {"method": "ffill", "max_gap": 5}
    assert "GDP" not in policies
