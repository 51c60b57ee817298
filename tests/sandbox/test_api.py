"""The FRED sandbox answers like FRED: bodies, parameters, errors and the rate limit."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from ingest.series_data import read_series_csv
from models.settings import SANDBOX_API_KEY
from sandbox.demo_data import demo_series
from sandbox.formats import fred_json, series_body
from sandbox.server import SandboxURL, running_sandbox

TODAY = date(2024, 5, 6)
XML_NOT_FOUND = (
    '<?xml version="1.0" encoding="utf-8" ?>\n'
    '<error code="400" message="Bad Request.  The series does not exist."/>'
)
JSON_NOT_FOUND = '{"error_code":400,"error_message":"Bad Request.  The series does not exist."}'


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxURL]:
    with running_sandbox(rate_per_minute=100_000, today=lambda: TODAY) as url:
        yield url


def fred_get(base: str, path: str, **params: str) -> httpx.Response:
    params.setdefault("api_key", SANDBOX_API_KEY)
    return httpx.get(f"{base}/{path}", params=params, timeout=30)


def _sample(real_data_dir: Path, name: str) -> dict[str, object]:
    return json.loads((real_data_dir / "api_samples" / name).read_text(encoding="utf-8"))


def _same_shape(ours: dict[str, object], theirs: dict[str, object]) -> None:
    assert list(ours) == list(theirs)
    for key, value in theirs.items():
        assert type(ours[key]) is type(value), key


def test_series_json_matches_real_fred_sample_field_for_field(
    sandbox: str, real_data_dir: Path
) -> None:
    sample = _sample(real_data_dir, "pyfredapi_series_GDP.json")
    ours = fred_get(sandbox, "series", series_id="GDP", file_type="json").json()
    _same_shape(ours, sample)
    _same_shape(ours["seriess"][0], sample["seriess"][0])  # type: ignore[index]
    series = ours["seriess"][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d", series["last_updated"])
    assert (series["frequency"], series["frequency_short"]) == ("Quarterly", "Q")
    assert series["realtime_start"] == series["realtime_end"] == TODAY.isoformat()


def test_observations_json_matches_real_fred_sample_field_for_field(
    sandbox: str, real_data_dir: Path
) -> None:
    sample = _sample(real_data_dir, "pyfredapi_series_observations_GDP_rt2024-10-30.json")
    ours = fred_get(sandbox, "series/observations", series_id="GDP", file_type="json").json()
    _same_shape(ours, sample)
    _same_shape(ours["observations"][0], sample["observations"][0])  # type: ignore[index]
    defaults = ("observation_start", "observation_end", "units", "output_type", "file_type")
    for key in (*defaults, "order_by", "sort_order", "offset", "limit"):
        assert ours[key] == sample[key], key
    assert ours["count"] == len(ours["observations"]) == len(demo_series()["GDP"].observations)


def test_json_is_compact_and_escapes_slashes_like_fred() -> None:
    assert fred_json({"notes": "see http://x/y", "n": 1}) == (
        '{"notes":"see http:\\/\\/x\\/y","n":1}'
    )


def test_xml_bodies_have_freds_declaration_and_attributes(sandbox: str) -> None:
    as_json = fred_get(sandbox, "series", series_id="UNRATE", file_type="json").json()
    resp = fred_get(sandbox, "series", series_id="UNRATE")
    assert resp.headers["content-type"].startswith("text/xml")
    assert resp.text.startswith('<?xml version="1.0" encoding="utf-8" ?>\n<seriess ')
    root = ET.fromstring(resp.content)
    assert root.tag == "seriess"
    assert dict(root.attrib) == {"realtime_start": "2024-05-06", "realtime_end": "2024-05-06"}
    (series,) = list(root)
    assert list(series.attrib) == list(as_json["seriess"][0])
    assert series.attrib == {k: str(v) for k, v in as_json["seriess"][0].items()}

    obs_json = fred_get(
        sandbox, "series/observations", series_id="UNRATE", file_type="json", limit="3"
    ).json()
    root = ET.fromstring(
        fred_get(sandbox, "series/observations", series_id="UNRATE", limit="3").content
    )
    assert root.tag == "observations"
    head = {k: str(v) for k, v in obs_json.items() if k != "observations"}
    assert dict(root.attrib) == {**head, "file_type": "xml"}
    assert list(root.attrib) == list(head)
    assert [dict(c.attrib) for c in root] == obs_json["observations"]


def test_xml_keeps_newlines_in_notes() -> None:
    info = demo_series()["GDP"].info
    from dataclasses import replace

    body = series_body(replace(info, notes='line "one"\n\nline <two>'), TODAY, TODAY, "xml")
    assert ET.fromstring(body)[0].get("notes") == 'line "one"\n\nline <two>'


@pytest.mark.parametrize(
    ("file_type", "expected"), [("xml", XML_NOT_FOUND), ("json", JSON_NOT_FOUND)]
)
def test_unknown_series_answers_freds_400_body(sandbox: str, file_type: str, expected: str) -> None:
    for path in ("series", "series/observations"):
        resp = fred_get(sandbox, path, series_id="NOSUCHSERIES", file_type=file_type)
        assert resp.status_code == 400
        assert resp.text == expected


@pytest.mark.parametrize(
    ("api_key", "message"),
    [
        (None, "Bad Request.  Variable api_key is not set."),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "Bad Request.  The value for variable api_key is not"),
        ("abc123", "Bad Request.  The value for variable api_key is not"),
    ],
)
def test_missing_or_malformed_key_is_refused(
    sandbox: str, api_key: str | None, message: str
) -> None:
    params = {"series_id": "GDP", "file_type": "json"}
    if api_key is not None:
        params["api_key"] = api_key
    resp = httpx.get(f"{sandbox}/series", params=params)
    assert resp.status_code == 400
    body = resp.json()
    assert body["error_code"] == 400
    assert body["error_message"].startswith(message)


def test_any_well_formed_key_is_accepted(sandbox: str) -> None:
    resp = fred_get(sandbox, "series", series_id="GDP", api_key="0123456789abcdefghijklmnopqrstuv")
    assert resp.status_code == 200


def test_rate_limit_is_per_key_and_answers_429_with_freds_body() -> None:
    other_key = "z" * 32
    with running_sandbox(rate_per_minute=3) as url:
        codes = [fred_get(url, "series", series_id="GDP").status_code for _ in range(4)]
        throttled = fred_get(url, "series", series_id="GDP", file_type="json")
        assert codes == [200, 200, 200, 429]
        assert throttled.status_code == 429
        assert throttled.text == (
            '{"error_code":429,"error_message":"Too Many Requests.  Exceeded Rate Limit"}'
        )
        assert fred_get(url, "series", series_id="GDP", api_key=other_key).status_code == 200
        stats = httpx.get(url.replace("/fred", "/sandbox/stats")).json()
        assert stats == url.state.stats.snapshot()
        assert (stats["total"], stats["rate_limited"]) == (6, 2)
        assert stats["by_endpoint"] == {"series": 6}


def _dates(body: dict[str, list[dict[str, str]]]) -> list[str]:
    return [o["date"] for o in body["observations"]]


def test_limit_offset_and_sort_order_page_through_observations(sandbox: str) -> None:
    everything = [d.isoformat() for d, _ in demo_series()["UNRATE"].observations]
    page = fred_get(
        sandbox, "series/observations", series_id="UNRATE", file_type="json", limit="5", offset="10"
    ).json()
    assert _dates(page) == everything[10:15]
    assert (page["count"], page["limit"], page["offset"]) == (len(everything), 5, 10)
    desc = fred_get(
        sandbox,
        "series/observations",
        series_id="UNRATE",
        file_type="json",
        sort_order="desc",
        limit="4",
    ).json()
    assert _dates(desc) == everything[::-1][:4]
    beyond = fred_get(
        sandbox, "series/observations", series_id="UNRATE", file_type="json", offset="100000"
    ).json()
    assert beyond["observations"] == []


def test_observation_window_is_inclusive(sandbox: str) -> None:
    body = fred_get(
        sandbox,
        "series/observations",
        series_id="GDP",
        file_type="json",
        observation_start="2020-01-01",
        observation_end="2021-01-01",
    ).json()
    assert _dates(body) == [
        f"{y}-{m}-01"
        for y, m in [(2020, "01"), (2020, "04"), (2020, "07"), (2020, "10"), (2021, "01")]
    ]
    assert (body["observation_start"], body["observation_end"]) == ("2020-01-01", "2021-01-01")
    assert body["count"] == 5


def test_realtime_period_is_the_requested_one_or_today(sandbox: str) -> None:
    default = fred_get(
        sandbox, "series/observations", series_id="GDP", file_type="json", limit="2"
    ).json()
    asked = fred_get(
        sandbox,
        "series/observations",
        series_id="GDP",
        file_type="json",
        limit="2",
        realtime_start="1776-07-04",
        realtime_end="9999-12-31",
    ).json()
    assert {(o["realtime_start"], o["realtime_end"]) for o in default["observations"]} == {
        ("2024-05-06", "2024-05-06")
    }
    assert {(o["realtime_start"], o["realtime_end"]) for o in asked["observations"]} == {
        ("1776-07-04", "9999-12-31")
    }


@pytest.mark.parametrize(
    ("param", "value", "fragment"),
    [
        ("limit", "0", "Variable limit"),
        ("limit", "100001", "Variable limit"),
        ("offset", "-1", "Variable offset"),
        ("sort_order", "up", "Variable sort_order is not one of the values: 'asc', 'desc'."),
        ("units", "pch", "units=lin only"),
        ("units", "bogus", "Variable units is not one of the values"),
        ("observation_start", "2020-13-01", "Variable observation_start"),
        ("realtime_start", "2999-01-01", "realtime_start is after realtime_end"),
        ("frequency", "m", "does not support variable frequency"),
        ("file_type", "csv", "Variable file_type is not one of the values: 'xml', 'json'."),
    ],
)
def test_bad_parameters_are_refused_with_a_400(
    sandbox: str, param: str, value: str, fragment: str
) -> None:
    resp = fred_get(sandbox, "series/observations", series_id="GDP", **{param: value})
    assert resp.status_code == 400
    error = ET.fromstring(resp.content)
    assert (error.tag, error.get("code")) == ("error", "400")
    assert error.get("message", "").startswith("Bad Request.  ")
    assert fragment in error.get("message", "")


def test_serves_a_folder_of_real_fred_csvs_verbatim(real_data_dir: Path) -> None:
    with running_sandbox(real_data_dir) as url:
        for sid in ("CPIAUCSL", "UMCSENT", "GDP"):
            body = fred_get(url, "series/observations", series_id=sid, file_type="json").json()
            expected = read_series_csv(real_data_dir / f"{sid}.csv")
            assert [(o["date"], o["value"]) for o in body["observations"]] == [
                (d.isoformat(), v) for d, v in expected
            ]
        expected_meta = {
            "DGS10": ("Daily", "D", "Percent"),
            "DFF": ("Daily, 7-Day", "D", "Percent"),
            "MORTGAGE30US": ("Weekly, Ending Thursday", "W", "Percent"),
            "UMCSENT": ("Monthly", "M", "Index 1966:Q1=100"),
            "GDP": ("Quarterly", "Q", "Billions of Dollars"),
        }
        for sid, (freq, short, units) in expected_meta.items():
            info = fred_get(url, "series", series_id=sid, file_type="json").json()["seriess"][0]
            assert (info["frequency"], info["frequency_short"], info["units"]) == (
                freq,
                short,
                units,
            )
        gdp = fred_get(url, "series", series_id="GDP", file_type="json").json()["seriess"][0]
        assert (gdp["title"], gdp["observation_start"]) == ("Gross Domestic Product", "1946-01-01")


def test_folder_series_ids_cannot_escape_the_folder(tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    (tmp_path / "SECRET.csv").write_text("date,value\n2020-01-01,1\n")
    with running_sandbox(tmp_path / "inner") as url:
        resp = fred_get(url, "series", series_id="../SECRET", file_type="json")
        assert resp.text == JSON_NOT_FOUND


def test_series_ids_are_case_insensitive_like_fred(sandbox: str) -> None:
    body = fred_get(sandbox, "series", series_id="gdp", file_type="json").json()
    assert body["seriess"][0]["id"] == "GDP"
