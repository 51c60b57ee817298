"""FRED's response bodies, byte for byte where we know them (JSON and XML), as pure functions.

Field order, string-typed values, ``popularity``/``count`` as numbers in JSON, compact JSON
with ``\\/``-escaped slashes and the XML declaration all follow recorded FRED responses, so a
client that parses FRED parses the sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from ingest.series_data import SeriesInfo

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8" ?>'
JSON_MEDIA_TYPE = "application/json; charset=UTF-8"
XML_MEDIA_TYPE = "text/xml; charset=UTF-8"

Scalar = str | int


@dataclass(frozen=True, slots=True)
class ObservationPage:
    """One ``/fred/series/observations`` answer, before it is rendered as JSON or XML."""

    realtime_start: date
    realtime_end: date
    observation_start: str
    observation_end: str
    units: str
    sort_order: str
    count: int
    offset: int
    limit: int
    #: (date, realtime_start, realtime_end, value): each row carries its own vintage period.
    rows: Sequence[tuple[date, date, date, str]]


def fred_json(payload: object) -> str:
    """FRED's JSON dialect: compact, ASCII, and ``/`` escaped as ``\\/`` (PHP's encoder)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")


def _attr(value: Scalar) -> str:
    """An XML attribute value; newlines survive as character references, as in FRED notes."""
    text = escape(str(value), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
    return f'"{text}"'


def _element(name: str, attrs: Mapping[str, Scalar], children: Sequence[str] = ()) -> str:
    head = " ".join([name, *(f"{k}={_attr(v)}" for k, v in attrs.items())])
    if not children:
        return f"<{head}/>"
    return f"<{head}>\n" + "".join(f"  {c}\n" for c in children) + f"</{name}>"


def _series_fields(info: SeriesInfo, rt_start: date, rt_end: date) -> dict[str, Scalar]:
    return {
        "id": info.series_id,
        "realtime_start": rt_start.isoformat(),
        "realtime_end": rt_end.isoformat(),
        "title": info.title,
        "observation_start": info.observation_start.isoformat(),
        "observation_end": info.observation_end.isoformat(),
        "frequency": info.frequency,
        "frequency_short": info.frequency_short,
        "units": info.units,
        "units_short": info.units_short,
        "seasonal_adjustment": info.seasonal_adjustment,
        "seasonal_adjustment_short": info.seasonal_adjustment_short,
        "last_updated": info.last_updated,
        "popularity": info.popularity,
        "notes": info.notes,
    }


def series_body(info: SeriesInfo, rt_start: date, rt_end: date, file_type: str) -> str:
    period = {"realtime_start": rt_start.isoformat(), "realtime_end": rt_end.isoformat()}
    fields = _series_fields(info, rt_start, rt_end)
    if file_type == "json":
        return fred_json({**period, "seriess": [fields]})
    return f"{XML_DECLARATION}\n{_element('seriess', period, [_element('series', fields)])}\n"


def _page_fields(page: ObservationPage, file_type: str) -> dict[str, Scalar]:
    return {
        "realtime_start": page.realtime_start.isoformat(),
        "realtime_end": page.realtime_end.isoformat(),
        "observation_start": page.observation_start,
        "observation_end": page.observation_end,
        "units": page.units,
        "output_type": 1,
        "file_type": file_type,
        "order_by": "observation_date",
        "sort_order": page.sort_order,
        "count": page.count,
        "offset": page.offset,
        "limit": page.limit,
    }


def observations_body(page: ObservationPage, file_type: str) -> str:
    rows = [
        {
            "realtime_start": rs.isoformat(),
            "realtime_end": re_.isoformat(),
            "date": d.isoformat(),
            "value": v,
        }
        for d, rs, re_, v in page.rows
    ]
    head = _page_fields(page, file_type)
    if file_type == "json":
        return fred_json({**head, "observations": rows})
    children = [_element("observation", dict(r)) for r in rows]
    return f"{XML_DECLARATION}\n{_element('observations', head, children)}\n"


def error_body(code: int, message: str, file_type: str) -> str:
    """FRED's error shapes: ``<error code=".." message=".."/>`` or ``error_code/error_message``."""
    if file_type == "json":
        return fred_json({"error_code": code, "error_message": message})
    return f"{XML_DECLARATION}\n{_element('error', {'code': code, 'message': message})}"


def media_type(file_type: str) -> str:
    return JSON_MEDIA_TYPE if file_type == "json" else XML_MEDIA_TYPE
