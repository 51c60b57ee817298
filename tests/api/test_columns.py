"""The column scalars (``graphql_api.types.columns``): what a column serialises to, and that the
schema states them as scalars with a description."""

from __future__ import annotations

import math
from datetime import date

import pytest
from fastapi.testclient import TestClient

from graphql_api.schema import schema
from graphql_api.types.columns import SCALARS, DateColumn, FloatColumn
from tests.support.api_data import gql


def test_a_float_column_sends_finite_numbers_as_they_are_and_the_rest_as_null() -> None:
    out = SCALARS[FloatColumn].serialize
    assert out([1.5, -2.0, 0.0]) == [1.5, -2.0, 0.0]
    assert out([1.5, None, math.nan, math.inf, -math.inf, 3]) == [1.5, None, None, None, None, 3.0]
    assert out([]) == []


def test_a_date_column_sends_iso_dates_in_order() -> None:
    out = SCALARS[DateColumn].serialize
    days = [date(1962, 1, 2), date(2024, 2, 29), date(1962, 1, 2)]
    assert out(days) == ["1962-01-02", "2024-02-29", "1962-01-02"]


def test_no_argument_takes_a_column() -> None:
    with pytest.raises(ValueError, match="output type"):
        SCALARS[FloatColumn].parse_value([1.0])


@pytest.mark.parametrize("name", ["DateColumn", "FloatColumn"])
def test_the_schema_declares_each_column_scalar_with_a_description(name: str) -> None:
    sdl = schema.as_str()
    assert f"scalar {name}" in sdl
    scalar = schema.get_type_by_name(name)
    assert scalar is not None and scalar.description


def test_columns_travel_as_json_arrays(client: TestClient) -> None:
    body = gql(
        client,
        '{ indicator(id: "DGS10") { observations(start: "2021-06-01", end: "2021-06-04") '
        "{ dates values } } }",
    )
    series = body["data"]["indicator"]["observations"]
    assert series["dates"] == ["2021-06-01", "2021-06-02", "2021-06-03", "2021-06-04"]
    assert len(series["values"]) == 4 and all(isinstance(v, float) for v in series["values"])
