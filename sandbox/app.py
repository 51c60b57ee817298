"""The sandbox's Starlette app: FRED's ``/fred/series`` and ``/fred/series/observations``.

Parameter checks, defaults and error messages follow FRED's documented behaviour. Supported:
``api_key`` (required, 32 lower-case alphanumerics; any well-formed key is accepted),
``series_id``, ``file_type`` (xml default, json), ``realtime_start/end``,
``observation_start/end``, ``limit`` (1..100000, default 100000), ``offset``, ``sort_order``
and ``units=lin``. Realtime periods follow ALFRED over the vintages in ``vintages.py``.
Injected faults (``faults.py``) and revisions can be set in process through the state or
over HTTP: ``POST``/``DELETE /sandbox/faults``, ``POST /sandbox/revisions``, and
``GET /sandbox/stats`` reports what was served.

Transformations (other ``units``), ``frequency`` aggregation, ``output_type`` other than 1
and ``vintage_dates`` are answered with a 400 naming the parameter rather than silently
ignored, so a caller never mistakes untransformed data for what it asked for.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypedDict, Unpack

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingest.series_data import SeriesData
from sandbox import formats
from sandbox.faults import DEFAULT_MALFORMED_BODY, Fault, FaultPlan
from sandbox.limits import RateLimiter, RequestStats
from sandbox.source import SeriesSource, make_source
from sandbox.vintages import VintageBook, load_vintage_files

API_KEY_RE = re.compile(r"^[a-z0-9]{32}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_RE = re.compile(r"^\d+$")
MAX_LIMIT = 100_000
FILE_TYPES = ("xml", "json")
FRED_UNITS = ("lin", "chg", "ch1", "pch", "pc1", "pca", "cch", "cca", "log")
UNSUPPORTED_PARAMS = ("frequency", "aggregation_method", "vintage_dates")
_KEY_HELP = "Read https://fred.stlouisfed.org/docs/api/api_key.html for more information."

MSG_NO_KEY = f"Bad Request.  Variable api_key is not set.  {_KEY_HELP}"
MSG_BAD_KEY = (
    "Bad Request.  The value for variable api_key is not a 32 character alpha-numeric "
    f"lower-case string.  {_KEY_HELP}"
)
MSG_NO_SERIES = "Bad Request.  The series does not exist."
MSG_TOO_MANY = "Too Many Requests.  Exceeded Rate Limit"


class FredRequestError(Exception):
    """A request FRED would refuse; ``code`` is both the HTTP status and FRED's error_code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class SandboxState:
    """Everything a running sandbox shares between requests (and exposes to tests)."""

    source: SeriesSource
    limiter: RateLimiter
    stats: RequestStats = field(default_factory=RequestStats)
    #: FRED's "today": the default realtime period. Tests move it to simulate later fetches.
    today: Callable[[], date] = date.today
    #: Artificial latency per FRED request, to exercise client timeouts.
    delay_seconds: float = 0.0
    #: Injected failures (see ``faults.py``).
    faults: FaultPlan = field(default_factory=FaultPlan)
    #: Revised values and their realtime periods (see ``vintages.py``).
    vintages: VintageBook = field(default_factory=VintageBook)

    def revise(self, series_id: str, obs_date: date, value: str, realtime_start: date) -> None:
        """From ``realtime_start`` on, FRED answers ``value`` for ``obs_date`` of the series;
        the value it had stays as the vintage ending the day before."""
        data = self.source.get(series_id.upper())
        base = dict(data.observations).get(obs_date) if data is not None else None
        self.vintages.revise(
            series_id, obs_date, value, realtime_start=realtime_start, base_value=base
        )


# --- parameter parsing (pure) ------------------------------------------------------------


def check_api_key(params: Mapping[str, str]) -> str:
    key = params.get("api_key")
    if not key:
        raise FredRequestError(400, MSG_NO_KEY)
    if not API_KEY_RE.match(key):
        raise FredRequestError(400, MSG_BAD_KEY)
    return key


def _date_param(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if not _DATE_RE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise FredRequestError(
            400, f"Bad Request.  Variable {name} is not a valid date in the format YYYY-MM-DD."
        ) from None


def _ordered(name_a: str, a: date | None, name_b: str, b: date | None) -> None:
    if a is not None and b is not None and a > b:
        raise FredRequestError(
            400, f"Bad Request.  The value for variable {name_a} is after {name_b}."
        )


def realtime_period(params: Mapping[str, str], today: date) -> tuple[date, date]:
    """FRED's default realtime period is today..today (the current vintage only)."""
    start = _date_param(params, "realtime_start") or today
    end = _date_param(params, "realtime_end") or today
    _ordered("realtime_start", start, "realtime_end", end)
    return start, end


def _int_param(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not _INT_RE.match(raw) or not low <= int(raw) <= high:
        raise FredRequestError(
            400, f"Bad Request.  Variable {name} is not an integer between {low} and {high}."
        )
    return int(raw)


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = params.get(name) or allowed[0]
    if value not in allowed:
        listed = ", ".join(f"'{a}'" for a in allowed)
        raise FredRequestError(
            400, f"Bad Request.  Variable {name} is not one of the values: {listed}."
        )
    return value


def _units(params: Mapping[str, str]) -> str:
    units = _choice(params, "units", FRED_UNITS)
    if units != "lin":
        raise FredRequestError(
            400, f"Bad Request.  The fredpipe sandbox serves units=lin only, not units={units}."
        )
    return units


def _refuse_unsupported(params: Mapping[str, str]) -> None:
    for name in UNSUPPORTED_PARAMS:
        if params.get(name):
            raise FredRequestError(
                400, f"Bad Request.  The fredpipe sandbox does not support variable {name}."
            )
    if params.get("output_type", "1") != "1":
        raise FredRequestError(400, "Bad Request.  The fredpipe sandbox serves output_type=1 only.")


def _series(source: SeriesSource, params: Mapping[str, str]) -> SeriesData:
    series_id = (params.get("series_id") or "").strip().upper()
    if not series_id:
        raise FredRequestError(400, "Bad Request.  Variable series_id is not set.")
    data = source.get(series_id)
    if data is None:
        raise FredRequestError(400, MSG_NO_SERIES)
    return data


# --- endpoint bodies (pure over the state) -----------------------------------------------


def series_response(state: SandboxState, params: Mapping[str, str], file_type: str) -> str:
    rt_start, rt_end = realtime_period(params, state.today())
    data = _series(state.source, params)
    return formats.series_body(data.info, rt_start, rt_end, file_type)


def observations_response(state: SandboxState, params: Mapping[str, str], file_type: str) -> str:
    rt_start, rt_end = realtime_period(params, state.today())
    obs_start = _date_param(params, "observation_start")
    obs_end = _date_param(params, "observation_end")
    _ordered("observation_start", obs_start, "observation_end", obs_end)
    limit = _int_param(params, "limit", MAX_LIMIT, 1, MAX_LIMIT)
    offset = _int_param(params, "offset", 0, 0, 10**9)
    sort_order = _choice(params, "sort_order", ("asc", "desc"))
    units = _units(params)
    _refuse_unsupported(params)
    data = _series(state.source, params)
    rows = [
        r
        for r in state.vintages.rows(data.info.series_id, data.observations, rt_start, rt_end)
        if (obs_start is None or r[0] >= obs_start) and (obs_end is None or r[0] <= obs_end)
    ]
    if sort_order == "desc":
        rows.reverse()
    page = formats.ObservationPage(
        realtime_start=rt_start,
        realtime_end=rt_end,
        observation_start=(obs_start.isoformat() if obs_start else "1600-01-01"),
        observation_end=(obs_end.isoformat() if obs_end else "9999-12-31"),
        units=units,
        sort_order=sort_order,
        count=len(rows),
        offset=offset,
        limit=limit,
        rows=rows[offset : offset + limit],
    )
    return formats.observations_body(page, file_type)


# --- HTTP ---------------------------------------------------------------------------------

Builder = Callable[[SandboxState, Mapping[str, str], str], str]


async def _answer(request: Request, endpoint: str, build: Builder) -> Response:
    """Shared FRED request cycle: format, key, rate limit, injected fault, then the body."""
    arrived = time.monotonic()
    state: SandboxState = request.app.state.sandbox
    params = dict(request.query_params)
    series_id = (params.get("series_id") or "").strip().upper()
    requested_type = params.get("file_type") or "xml"
    file_type = requested_type if requested_type in FILE_TYPES else "xml"
    fault: Fault | None = None
    headers: dict[str, str] = {}
    try:
        _choice(params, "file_type", FILE_TYPES)
        key = check_api_key(params)
        if not state.limiter.allow(key):
            raise FredRequestError(429, MSG_TOO_MANY)
        fault = state.faults.take(endpoint, series_id)
        if fault is not None and fault.kind == "status":
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
            message = MSG_TOO_MANY if fault.status == 429 else _FAULT_MESSAGE
            raise FredRequestError(fault.status, message)
        delay = state.delay_seconds + (fault.delay_seconds if fault is not None else 0.0)
        if delay:
            await asyncio.sleep(delay)
        body = await run_in_threadpool(build, state, params, file_type)
        status = 200
    except FredRequestError as exc:
        body, status = formats.error_body(exc.code, exc.message, file_type), exc.code
    state.stats.record(endpoint, status, series_id, arrived)
    media_type = formats.media_type(file_type)
    if fault is not None and fault.kind == "malformed" and status == 200:
        body = fault.body if fault.body is not None else DEFAULT_MALFORMED_BODY
    if fault is not None and fault.kind == "truncated" and status == 200:
        return _TruncatedResponse(body.encode("utf-8"), fault.fraction, media_type)
    return Response(body, status_code=status, media_type=media_type, headers=headers)


_FAULT_MESSAGE = "Internal Server Error.  (injected by the fredpipe sandbox)"


class _TruncatedResponse(Response):
    """Announces the whole body's length, sends ``fraction`` of it, then drops the
    connection: what a client sees when a connection dies mid-answer."""

    def __init__(self, full: bytes, fraction: float, media_type: str) -> None:
        super().__init__(full[: int(len(full) * fraction)], media_type=media_type)
        self.headers["content-length"] = str(len(full))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": True})
        # Returning with the body unfinished makes the server close the connection.


async def _series_endpoint(request: Request) -> Response:
    return await _answer(request, "series", series_response)


async def _observations_endpoint(request: Request) -> Response:
    return await _answer(request, "series/observations", observations_response)


async def _stats_endpoint(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    return JSONResponse(state.stats.snapshot())


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError as exc:
        raise ValueError(f"body is not JSON: {exc}") from None


async def _faults_endpoint(request: Request) -> Response:
    """``POST``: add one fault (JSON object) or several (list); ``DELETE``: clear all;
    ``GET``: list them with how often each fired."""
    state: SandboxState = request.app.state.sandbox
    if request.method == "DELETE":
        state.faults.clear()
    elif request.method == "POST":
        try:
            data = await _json_body(request)
            items = data if isinstance(data, list) else [data]
            if not all(isinstance(i, dict) for i in items):
                raise ValueError("a fault is a JSON object")
            state.faults.add(*(Fault.from_json(i) for i in items))
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"faults": state.faults.snapshot()})


async def _revisions_endpoint(request: Request) -> Response:
    """``POST {"series_id", "date", "value", "realtime_start"}``: revise one value."""
    state: SandboxState = request.app.state.sandbox
    try:
        data = await _json_body(request)
        if not isinstance(data, dict):
            raise ValueError("a revision is a JSON object")
        state.revise(
            str(data["series_id"]),
            date.fromisoformat(str(data["date"])),
            str(data["value"]),
            date.fromisoformat(str(data["realtime_start"])),
        )
    except (KeyError, ValueError, TypeError) as exc:
        return JSONResponse({"error": f"bad revision: {exc!r}"}, status_code=400)
    return JSONResponse({"ok": True})


class SandboxOptions(TypedDict, total=False):
    """How a sandbox behaves besides its data (defaults as in ``create_app``).

    ``rate_per_minute`` (120) is FRED's budget per key; ``rate_window_seconds`` (60) shortens
    that minute so tests can watch a throttled client recover without waiting a minute;
    ``rate_per_second`` (None: off) adds FRED's per-second budget; ``today`` (``date.today``)
    is FRED's "today", the default realtime period; ``delay_seconds`` (0) is latency added to
    every FRED request, to exercise client timeouts.
    """

    rate_per_minute: int
    rate_window_seconds: float
    rate_per_second: int | None
    today: Callable[[], date]
    delay_seconds: float


def create_app(data_dir: Path | None = None, **options: Unpack[SandboxOptions]) -> Starlette:
    """Build a sandbox over the demo series (``data_dir=None``) or a folder of CSVs.

    ``SERIESID.vintages.csv`` files in ``data_dir`` are loaded.
    """
    per_second = options.get("rate_per_second")
    limiter = RateLimiter(
        options.get("rate_per_minute", 120),
        options.get("rate_window_seconds", 60.0),
        also=((per_second, 1.0),) if per_second else (),
    )
    state = SandboxState(
        source=make_source(data_dir),
        limiter=limiter,
        today=options.get("today", date.today),
        delay_seconds=options.get("delay_seconds", 0.0),
    )
    load_vintage_files(state.vintages, data_dir)
    app = Starlette(
        routes=[
            Route("/fred/series", _series_endpoint, methods=["GET"]),
            Route("/fred/series/observations", _observations_endpoint, methods=["GET"]),
            Route("/sandbox/stats", _stats_endpoint, methods=["GET"]),
            Route("/sandbox/faults", _faults_endpoint, methods=["GET", "POST", "DELETE"]),
            Route("/sandbox/revisions", _revisions_endpoint, methods=["POST"]),
        ]
    )
    app.state.sandbox = state
    return app
