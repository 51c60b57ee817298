"""FastAPI app factory: GraphQL at /graphql (GraphiQL in a browser), REST at /api/v1, health,
dbt docs at /dbt-docs/ and the built client at / when present."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import sqlalchemy as sa
from anyio import to_thread
from fastapi import FastAPI, Request, Security
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from graphql_api import rest
from graphql_api.access_log import AccessLog
from graphql_api.api_docs import mount_docs
from graphql_api.auth import routes as auth_routes
from graphql_api.auth.middleware import AccountChecks, Authentication
from graphql_api.auth.routes import AuthState, oauth2_scheme
from graphql_api.auth.tokens import TokenService
from graphql_api.body_limit import BodyLimit
from graphql_api.cache import Cache, LocalResponses, RedisCache, SharedResponses, make_cache
from graphql_api.cancellation import CancelOnDisconnect, WorkLog
from graphql_api.compression import Compression
from graphql_api.context import get_context
from graphql_api.db import DataVersionSource
from graphql_api.dbt_docs import dbt_docs_router
from graphql_api.errors import RETRY_AFTER_SECONDS, ApiError
from graphql_api.events import VersionFeed
from graphql_api.ide import LocalGraphiQLRouter
from graphql_api.rate_limits import Limiter, RateLimits, parse_limit
from graphql_api.read_memo import ReadMemo
from graphql_api.request_id import request_id_of
from graphql_api.response_cache import ResponseCache
from graphql_api.rest_errors import GUARDED, RETRY_AFTER_HEADER, install_error_shape
from graphql_api.schema import build_schema
from graphql_api.services.refresh import Refresher
from graphql_api.static import mount_client, mount_pointer
from graphql_api.version_probe import VersionProbe
from models import series_repository
from models.engine import make_engine
from models.settings import Settings, get_settings

log = logging.getLogger("fredpipe.api")


def create_app(settings: Settings | None = None, *, cache: Cache | None = None) -> FastAPI:
    """Build the API. ``cache`` overrides the one chosen from settings (memory or Redis)."""
    settings = settings or get_settings()
    engine = make_engine(
        settings.database_url,
        ssl_ca=settings.mysql_ssl_ca,
        connect_timeout=settings.database_connect_timeout_seconds,
        read_timeout=settings.database_read_timeout_seconds,
    )
    feed = VersionFeed(settings, engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await feed.start()  # the one data-version listener of this process
        yield
        await feed.stop()
        if shared_responses is not None:
            await shared_responses.aclose()
        engine.dispose()

    app = FastAPI(
        title="fredpipe API",
        summary="FRED indicators, statistics, correlations and forecasts.",
        version="1",
        lifespan=lifespan,
        docs_url=None,  # served offline by mount_docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.version_feed = feed
    app.state.version_probe = VersionProbe.for_engine(engine)
    app.state.cache = cache if cache is not None else make_cache(settings)
    shared_responses = (
        SharedResponses.like(app.state.cache) if isinstance(app.state.cache, RedisCache) else None
    )
    tokens = TokenService(settings)
    app.state.auth = AuthState(
        engine=engine,
        tokens=tokens,
        checks=AccountChecks(engine),
        limiter=Limiter(settings.redis_url),
        login_limit=parse_limit(settings.login_rate_limit),
        allow_anonymous=settings.allow_anonymous,
        request_limit=parse_limit(settings.rate_limit),
    )
    app.state.work_log = WorkLog()
    app.state.refresher = Refresher(settings)
    app.state.data_versions = DataVersionSource(
        engine, app.state.version_probe, heard=lambda: feed.latest
    )
    app.state.read_memo = ReadMemo(
        app.state.data_versions.current, settings.read_memo_mb * 1024 * 1024
    )
    # add_middleware wraps what is there, so a request meets these in reverse order:
    # access log and request id -> body cap (413) -> authentication (401) -> rate limits (429)
    # -> compression -> response cache (hits end here, keyed by the principal's role) ->
    # cancel on disconnect or after the time budget (503).
    app.add_middleware(
        CancelOnDisconnect,
        work_log=app.state.work_log,
        budget=settings.request_timeout_seconds,
    )
    app.add_middleware(
        ResponseCache,
        versions=app.state.data_versions,
        local=LocalResponses(settings.cache_ttl_seconds),
        shared=shared_responses,
    )
    app.add_middleware(Compression)
    app.add_middleware(
        RateLimits, limiter=app.state.auth.limiter, limit=app.state.auth.request_limit
    )
    app.add_middleware(
        Authentication,
        tokens=tokens,
        checks=app.state.auth.checks,
        allow_anonymous=settings.allow_anonymous,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(AccessLog)

    app.include_router(
        LocalGraphiQLRouter(
            build_schema(settings),
            graphql_ide="graphiql",
            context_getter=get_context,
            client_dist=settings.client_dist_dir,
        ),
        prefix="/graphql",
        include_in_schema=False,
    )
    app.include_router(rest.router, dependencies=[Security(oauth2_scheme)], responses=GUARDED)
    app.include_router(auth_routes.router)
    mount_docs(app)
    install_error_shape(app)
    app.include_router(
        dbt_docs_router(settings.dbt_docs_dir),
        dependencies=[Security(oauth2_scheme)],
        responses=GUARDED,
    )

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.http_status == 503 else None
        return JSONResponse({"code": exc.code, "message": exc.message}, exc.http_status, headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = request_id_of(request)
        log.error("unhandled error in request %s %s", rid, request.url.path, exc_info=exc)
        body = {"code": "INTERNAL_SERVER_ERROR", "message": "Internal server error"}
        return JSONResponse({**body, "requestId": rid}, 500, headers={"X-Request-ID": rid})

    @app.get(
        "/healthz",
        tags=["ops"],
        summary="Liveness and database reachability",
        responses={
            200: {"model": HealthOut, "description": "Serving; `status` says how well."},
            503: {
                "model": HealthOut,
                "description": "The database is not answering (`database: false`).",
                "headers": {"Retry-After": RETRY_AFTER_HEADER},
            },
        },
    )
    async def healthz() -> JSONResponse:
        body = await to_thread.run_sync(_health, engine)
        if shared_responses is None:
            body["cache"] = "memory"
        else:
            body["cache"] = "ok" if await shared_responses.healthy() else "degraded"
        if body["database"] and body["cache"] == "degraded":
            body["status"] = "degraded"  # answering, from this process's cache only
        if not body["database"]:
            return JSONResponse(body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)})
        return JSONResponse(body)

    if (settings.client_dist_dir / "index.html").is_file():
        mount_client(app, settings.client_dist_dir)
    else:
        mount_pointer(app)
    return app


class HealthOut(BaseModel):
    """``/healthz``'s answer (200, or 503 while the database does not answer)."""

    status: Literal["ok", "degraded"] = Field(
        description="`degraded`: the database or the shared cache is not answering."
    )
    database: bool = Field(description="Whether the database answered.")
    data_version: int | None = Field(
        alias="dataVersion",
        description="The data version the database holds; null when it did not answer.",
    )
    cache: Literal["memory", "ok", "degraded"] = Field(
        description="`memory`: no Redis configured; `degraded`: Redis is not answering."
    )


def _health(engine: sa.Engine) -> dict[str, Any]:
    try:
        with engine.connect() as conn:
            version = series_repository.data_version(conn)
    except Exception as exc:  # any failure means "not reachable" to a probe
        log.warning("health check: database unreachable: %s", exc)
        return {"status": "degraded", "database": False, "dataVersion": None}
    return {"status": "ok", "database": True, "dataVersion": version}
