"""Engine construction shared by every layer, so DuckDB and MySQL get the same treatment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def make_engine(url: str, *, read_only: bool = False, ssl_ca: str | None = None) -> sa.Engine:
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
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_recycle"] = 3600
        if ssl_ca:
            kwargs["connect_args"] = {"ssl": {"ca": ssl_ca}}
    return sa.create_engine(parsed, **kwargs)


def is_duckdb(engine: sa.Engine) -> bool:
    return engine.dialect.name == "duckdb"
