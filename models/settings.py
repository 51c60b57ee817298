"""One settings object for every layer, read once from the environment (prefix ``FREDPIPE_``).

Everything configurable lives here so operators have one page to read; no other module
touches ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
FRED_LIVE_URL = "https://api.stlouisfed.org/fred"
#: FRED keys are 32 lower-case alphanumerics; this one is only accepted by the local sandbox.
SANDBOX_API_KEY = "fredpipesandbox00000000000000000"

_DB_SCHEMES = ("duckdb", "mysql+pymysql")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line an operator can act on."""


#: HS256 keys shorter than the hash (32 bytes) are refused (RFC 7518, section 3.2)
MIN_JWT_SECRET_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FREDPIPE_", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"duckdb:///{REPO_ROOT / 'data' / 'fredpipe.duckdb'}",
        description="SQLAlchemy URL: duckdb:///path/file.duckdb (default) or mysql+pymysql://...",
    )
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db; unset = in-memory cache"
    )
    fred_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("FREDPIPE_FRED_API_KEY", "FRED_API_KEY", "fred_api_key"),
    )
    fred_base_url: str = FRED_LIVE_URL
    fred_timeout_seconds: float = 30.0
    #: FRED's budget per API key: both limits hold at once (2/s and 120/min by default).
    fred_requests_per_second: float = 2
    fred_requests_per_minute: int = 120
    #: Series fetched at the same time by one ingest run (threads sharing the budget).
    fred_max_concurrency: int = 4
    #: Tries per HTTP request, the first included, on 429, 5xx and transport failures.
    fred_max_attempts: int = 6
    data_dir: Path = REPO_ROOT / "data"
    dbt_project_dir: Path = REPO_ROOT / "transforms"
    client_dist_dir: Path = REPO_ROOT / "client" / "dist"
    dbt_docs_dir: Path = Field(
        default=REPO_ROOT / "transforms" / "target" / "docs",
        description="where `fredpipe docs` and the pipeline publish dbt docs (index.html, "
        "manifest.json, catalog.json) and the API serves them at /dbt-docs/",
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    cache_ttl_seconds: int = 300
    read_memo_mb: int = Field(
        default=256,
        ge=0,
        description="memory the API may use to remember database reads between requests, "
        "per process and data version (graphql_api.read_memo); 0 turns it off",
    )
    version_channel: str = Field(
        default="fredpipe:data-version",
        min_length=1,
        description="Redis pub/sub channel on which pipeline stages announce data-version "
        "bumps to the API's subscriptions; the pipeline and every API replica must agree",
    )
    version_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        description="how often each API process checks the database for bumps it was not "
        "told about (Redis unset or down): a file stat on DuckDB, one indexed query on MySQL",
    )
    forecast_horizon: int | None = Field(
        default=None, description="override per-frequency horizons"
    )
    forecast_workers: int | None = Field(
        default=None,
        ge=1,
        description="worker processes of a forecast run (default: one per CPU core)",
    )
    forecast_backtest_windows: int = Field(
        default=3,
        ge=1,
        le=20,
        description="rolling-origin backtest windows per series; models are chosen by their "
        "mean MASE over these",
    )
    forecast_ensemble: int = Field(
        default=0,
        ge=0,
        le=5,
        description="also score an ensemble of the top-k models by backtest (0 = off)",
    )
    mysql_ssl_ca: str | None = Field(
        default=None, description="CA bundle path to require TLS to MySQL"
    )
    log_format: Literal["json", "console"] | None = Field(
        default=None,
        description="json (one object per line, for log shippers) or console; unset: "
        "console on a terminal, json otherwise",
    )
    allow_anonymous: bool = Field(
        default=False,
        description="requests without a token act as role viewer (the local demo turns it "
        "on); a token that is sent is still checked",
    )
    jwt_secret: SecretStr | None = Field(
        default=None,
        description="HS256 key signing the API's access and refresh tokens (at least 32 "
        "bytes); required by `fredpipe serve` unless anonymous access is on or RS256 keys "
        "are set",
    )
    jwt_private_key_file: Path | None = Field(
        default=None, description="PEM RSA private key: sign tokens with RS256 instead"
    )
    jwt_public_key_file: Path | None = Field(
        default=None, description="PEM RSA public key matching jwt_private_key_file"
    )
    jwt_issuer: str = "fredpipe"
    jwt_audience: str = "fredpipe-api"
    access_token_seconds: int = Field(default=900, gt=0, description="access token lifetime")
    refresh_token_seconds: int = Field(
        default=7 * 24 * 3600, gt=0, description="refresh token lifetime"
    )
    rate_limit: str = Field(
        default="600/minute",
        description="requests per identity (a user, a client, or an anonymous address) to "
        "the data routes and websocket operations, in limits notation; over it: 429",
    )
    database_connect_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="the API's MySQL connect timeout: an unreachable database answers 503 "
        "after this long instead of hanging",
    )
    database_read_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="the API's MySQL read and write timeout: a database that accepts but "
        "stops answering fails the read after this long (503)",
    )
    max_body_bytes: int = Field(
        default=1_000_000, gt=0, description="largest request body the API reads; over: 413"
    )
    request_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="time budget of one HTTP request; past it the work is stopped and the "
        "answer is 503",
    )
    graphql_introspection: bool = Field(
        default=False,
        description='introspection and field suggestions ("did you mean") in GraphQL; the '
        "demo turns them on so GraphiQL can explore the schema",
    )
    graphql_max_depth: int = Field(default=12, gt=0, description="nesting depth of an operation")
    graphql_max_aliases: int = Field(default=100, gt=0, description="aliases in one document")
    graphql_max_tokens: int = Field(
        default=10_000, gt=0, description="tokens in one document (checked while parsing)"
    )
    graphql_max_cost: int = Field(
        default=20_000,
        gt=0,
        description="cost an operation may have for a viewer (analysts and admins: 4 times "
        "it); the rules are in graphql_api/query_cost.py",
    )
    login_rate_limit: str = Field(
        default="10/minute",
        description="failed sign-ins allowed per user name and per client address (limits "
        "notation); beyond it POST /auth/token answers 429",
    )
    refresh_deployment: str = Field(
        default="pipeline/refresh",
        pattern=r"^[^/]+/[^/]+$",
        description="the Prefect deployment (flow/deployment) that refreshSeries starts when a "
        "Prefect API is configured (PREFECT_API_URL); `fredpipe schedule serve` registers it",
    )
    ingest_lookback_days: int = Field(
        default=30,
        ge=0,
        description="incremental ingest re-fetches this many days before the last stored "
        "observation, so recent revisions are picked up",
    )

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in _DB_SCHEMES:
            raise ValueError(
                "FREDPIPE_DATABASE_URL must start with one of "
                f"{', '.join(s + '://' for s in _DB_SCHEMES)}; got {value!r}"
            )
        if scheme == "mysql+pymysql" and not urlsplit(value).path.strip("/"):
            raise ValueError(f"FREDPIPE_DATABASE_URL names no database: {value!r}")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(
                f"FREDPIPE_REDIS_URL must be redis://, rediss:// or unix://; got {value!r}"
            )
        return value or None

    @field_validator("fred_base_url")
    @classmethod
    def _check_fred_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"FREDPIPE_FRED_BASE_URL must be an http(s) URL; got {value!r}")
        return value.rstrip("/")

    @field_validator(
        "fred_requests_per_second",
        "fred_requests_per_minute",
        "fred_max_concurrency",
        "fred_max_attempts",
    )
    @classmethod
    def _check_positive(cls, value: float, info: ValidationInfo) -> float:
        if not value > 0:
            raise ValueError(f"FREDPIPE_{str(info.field_name).upper()} must be > 0; got {value!r}")
        return value

    @field_validator("jwt_secret")
    @classmethod
    def _check_jwt_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_JWT_SECRET_BYTES:
            raise ValueError(
                f"FREDPIPE_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return value

    @property
    def is_duckdb(self) -> bool:
        return self.database_url.startswith("duckdb")

    def require_fred_api_key(self) -> str:
        if not self.fred_api_key:
            raise SettingsError(
                "No FRED API key: set FRED_API_KEY or FREDPIPE_FRED_API_KEY "
                "(free at fred.stlouisfed.org; the local sandbox accepts "
                f"{SANDBOX_API_KEY})"
            )
        return self.fred_api_key


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's multi-line report into one actionable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"Invalid setting {where}: {msg}") from None


_active: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings: those installed by ``use_settings`` or else the environment's."""
    global _active
    if _active is None:
        _active = load_settings()
    return _active


def use_settings(settings: Settings | None) -> None:
    """Install ``settings`` for this process (the CLI and tests do; ``None`` re-reads the env).

    Prefect tasks run in this process's threads, so they see what the entry point installed
    without secrets travelling as flow parameters.
    """
    global _active
    _active = settings
