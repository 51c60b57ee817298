"""Engine construction shared by every layer, so DuckDB and MySQL get the same treatment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential_jitter


def make_engine(
    url: str,
    *,
    read_only: bool = False,
    ssl_ca: str | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
) -> sa.Engine:
    """An engine for ``url``.

    ``ssl_ca`` (MySQL): require TLS to a server whose certificate that CA signed for the URL's
    host (``tls_connect_args``). ``connect_timeout``/``read_timeout`` (MySQL): seconds before
    a server that does not accept, or accepts and then says nothing, fails the call instead
    of hanging it (the API sets them; long pipeline statements keep the driver's defaults)."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "duckdb":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if read_only:
            kwargs["connect_args"] = {"read_only": True}
        # A DuckDB file admits one writing process; holding no idle connections lets the
        # pipeline write between API requests.
        kwargs["poolclass"] = sa.pool.NullPool
        engine = sa.create_engine(parsed, **kwargs)
        sa.event.listen(engine, "do_connect", _connect_waiting_for_the_file)
        return engine
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_recycle"] = 3600
        connect_args: dict[str, Any] = {}
        if ssl_ca:
            connect_args.update(tls_connect_args(ssl_ca))
        if connect_timeout is not None:
            connect_args["connect_timeout"] = connect_timeout
        if read_timeout is not None:
            connect_args["read_timeout"] = read_timeout
            connect_args["write_timeout"] = read_timeout
        if connect_args:
            kwargs["connect_args"] = connect_args
        if connect_timeout is not None:
            kwargs["pool_timeout"] = connect_timeout  # waiting for a free pooled connection
    return sa.create_engine(parsed, **kwargs)


def tls_connect_args(ssl_ca: str) -> dict[str, Any]:
    """PyMySQL's arguments for TLS that is required and verified: the server's certificate
    must chain to ``ssl_ca`` and name the host connected to. (Without a CA the driver still
    tries TLS, but verifies nothing: encrypted, not authenticated.)"""
    return {"ssl_ca": ssl_ca, "ssl_verify_cert": True, "ssl_verify_identity": True}


def _is_file_lock(exc: BaseException) -> bool:
    return "Could not set lock" in str(exc)


#: another process holds the DuckDB file (an API request reads for milliseconds, a pipeline
#: stage writes for seconds): try again for up to this long before failing
FILE_LOCK_WAIT_SECONDS = 30.0


@retry(
    retry=retry_if_exception(_is_file_lock),
    wait=wait_exponential_jitter(multiplier=0.05, max=2.0),
    stop=stop_after_delay(FILE_LOCK_WAIT_SECONDS),
    reraise=True,
)
def _connect_waiting_for_the_file(
    dialect: sa.Dialect, record: object, cargs: list[Any], cparams: dict[str, Any]
) -> Any:
    """``do_connect`` hook: the dialect's own connect, retried while the file is locked."""
    return dialect.connect(*cargs, **cparams)


def is_duckdb(engine: sa.Engine) -> bool:
    return engine.dialect.name == "duckdb"
