"""Static charts: PNG and SVG that decode at the size asked, a forecast band that is drawn,
{code, message} errors, the cache (and its ETag) keyed by data version and parameters, and a
renderer that gives the same bytes from many threads at once."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from xml.etree import ElementTree

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from graphql_api.charts import (
    BAND_COLOR,
    ChartData,
    ChartFormat,
    ChartSize,
    render_chart,
)
from models.engine import make_engine
from models.series_repository import SeriesColumns
from models.versioning import bump_version

CHART = "/api/v1/charts/DGS10"


def _png(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def _pixels_near(image: Image.Image, hex_color: str, tolerance: int = 60) -> int:
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    want = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - want).sum(axis=2) < tolerance).sum())


def test_png_decodes_at_the_size_asked(client: TestClient) -> None:
    response = client.get(f"{CHART}.png", params={"width": 640, "height": 320, "dpi": 80})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = _png(response.content)
    assert (image.format, image.size) == ("PNG", (640, 320))


def test_svg_is_an_svg_document_of_the_size_asked(client: TestClient) -> None:
    response = client.get(f"{CHART}.svg", params={"width": 720, "height": 360, "dpi": 72})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # Matplotlib sizes an SVG in points: pixels / dpi * 72.
    assert (root.get("width"), root.get("height")) == ("720pt", "360pt")
    assert b"Market Yield on U.S. Treasury Securities" in response.content


def test_forecast_band_is_drawn_only_when_asked(client: TestClient) -> None:
    params = {"start": "2021-01-01", "width": 600, "height": 300}
    plain = _png(client.get(f"{CHART}.png", params=params).content)
    banded = client.get(f"{CHART}.png", params={**params, "forecast": "true"})
    assert banded.status_code == 200
    assert _pixels_near(plain, BAND_COLOR) == 0
    assert _pixels_near(_png(banded.content), BAND_COLOR) > 50


def test_a_series_without_forecast_draws_without_band(client: TestClient) -> None:
    response = client.get("/api/v1/charts/GDP.png", params={"forecast": "true"})
    assert response.status_code == 200
    assert _pixels_near(_png(response.content), BAND_COLOR) == 0


def test_repeat_is_a_cache_hit_until_the_data_version_changes(
    client: TestClient, db_url: str
) -> None:
    params = {"start": "2020-01-01", "end": "2020-06-30", "width": 500, "height": 250}
    first = client.get(f"{CHART}.png", params=params)
    again = client.get(f"{CHART}.png", params=params)
    other = client.get(f"{CHART}.png", params={**params, "width": 501})
    assert [r.headers["x-cache"] for r in (first, again, other)] == ["miss", "hit", "miss"]
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"] != other.headers["etag"]
    engine = make_engine(db_url)
    bump_version(engine, "test-chart")
    engine.dispose()
    after = client.get(f"{CHART}.png", params=params)
    assert after.headers["x-cache"] == "miss"
    assert after.headers["etag"] != first.headers["etag"]


def test_a_matching_etag_is_not_modified(client: TestClient) -> None:
    first = client.get(f"{CHART}.svg")
    response = client.get(f"{CHART}.svg", headers={"If-None-Match": first.headers["etag"]})
    assert response.status_code == 304
    assert response.content == b""
    stale = client.get(f"{CHART}.svg", headers={"If-None-Match": '"v0:old"'})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "named"),
    [
        ("/api/v1/charts/NOPE.png", {}, 404, "NOT_FOUND", "NOPE"),
        (f"{CHART}.gif", {}, 400, "BAD_USER_INPUT", "'fmt'"),
        (f"{CHART}.png", {"width": 5000}, 400, "BAD_USER_INPUT", "'width'"),
        (f"{CHART}.png", {"dpi": 10}, 400, "BAD_USER_INPUT", "'dpi'"),
        (
            f"{CHART}.png",
            {"start": "2021-01-01", "end": "2020-01-01"},
            400,
            "BAD_USER_INPUT",
            "start",
        ),
        (
            f"{CHART}.png",
            {"forecast": "true", "transform": "pc1"},
            400,
            "BAD_USER_INPUT",
            "forecast=true",
        ),
    ],
)
def test_chart_errors(
    client: TestClient, path: str, params: dict[str, object], status: int, code: str, named: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message"} and body["code"] == code
    assert named in body["message"]


def _data(n: int) -> ChartData:
    days = [date.fromordinal(date(2020, 1, 1).toordinal() + i) for i in range(n)]
    values: list[float | None] = [float(np.sin(i / 9)) for i in range(n)]
    values[n // 2] = None  # a gap is drawn as a gap, not an error
    return ChartData("synthetic", "units", SeriesColumns(days, values))


@pytest.mark.parametrize("fmt", list(ChartFormat))
def test_rendering_from_many_threads_gives_the_same_bytes(fmt: ChartFormat) -> None:
    data, size = _data(400), ChartSize(400, 200, 100)
    alone = render_chart(data, fmt, size)
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda _: render_chart(data, fmt, size), range(8)))
    assert all(chart == alone for chart in together)


def test_an_empty_window_still_draws_a_chart() -> None:
    empty = ChartData("nothing", "units", SeriesColumns())
    image = _png(render_chart(empty, ChartFormat.PNG, ChartSize(300, 200, 100)))
    assert image.size == (300, 200)
