"""SQLAlchemy Core tables owned by the Python side (raw, forecast and app tables).

dbt marts are *not* declared here: dbt owns them; ``models.marts`` names them for readers.
The schema changes only through Alembic migrations (``models/migrations``).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

SERIES_ID = sa.String(64)
RUN_ID = sa.String(36)

#: The values of every ``status`` column (ingest runs, per-series ingest results, forecast runs).
#: ``partial``: an ingest run where some series failed and others landed.
RUNNING, SUCCESS, PARTIAL, FAILED = "running", "success", "partial", "failed"

# --- raw layer (written only by ingest) -------------------------------------------------

raw_series = sa.Table(
    "raw_series",
    metadata,
    sa.Column("series_id", SERIES_ID, primary_key=True),
    sa.Column("title", sa.String(512), nullable=False),
    sa.Column("units", sa.String(256), nullable=False, server_default=""),
    sa.Column("units_short", sa.String(128), nullable=False, server_default=""),
    sa.Column("frequency", sa.String(64), nullable=False, server_default=""),
    sa.Column("frequency_short", sa.String(8), nullable=False, server_default=""),
    sa.Column("seasonal_adjustment", sa.String(128), nullable=False, server_default=""),
    sa.Column("seasonal_adjustment_short", sa.String(16), nullable=False, server_default=""),
    sa.Column("observation_start", sa.Date, nullable=True),
    sa.Column("observation_end", sa.Date, nullable=True),
    sa.Column("last_updated", sa.String(40), nullable=True),
    sa.Column("popularity", sa.Integer, nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("fetched_at", sa.DateTime, nullable=False),
)

#: One row per (series, observation date, vintage). A revision is a new row, never an update.
raw_observations = sa.Table(
    "raw_observations",
    metadata,
    sa.Column("series_id", SERIES_ID, primary_key=True),
    sa.Column("obs_date", sa.Date, primary_key=True),
    sa.Column("realtime_start", sa.Date, primary_key=True),
    sa.Column("realtime_end", sa.Date, nullable=False),
    sa.Column("value", sa.Double, nullable=True, comment="FRED '.' (missing) is NULL, never 0"),
    sa.Column("ingest_run_id", RUN_ID, nullable=True),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
)

ingest_runs = sa.Table(
    "ingest_runs",
    metadata,
    sa.Column("run_id", RUN_ID, primary_key=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("series_requested", sa.Integer, nullable=False, server_default="0"),
    sa.Column("series_failed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_written", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text, nullable=True),
)

ingest_run_series = sa.Table(
    "ingest_run_series",
    metadata,
    sa.Column("run_id", RUN_ID, primary_key=True),
    sa.Column("series_id", SERIES_ID, primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("rows_fetched", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_written", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("finished_at", sa.DateTime, nullable=True),
)

# --- forecast layer (written only by forecasting) ----------------------------------------

#: Backtest accuracy, per candidate (averaged over windows) and per window: the one list of
#: metric names (``forecasting.metrics`` computes them, the repositories read them). NULL
#: where a metric is undefined.
FORECAST_METRICS = ("mae", "rmse", "smape", "mase", "coverage_80", "coverage_95")


def _metric_columns() -> list[sa.Column[float]]:
    """Fresh columns each call: a Column belongs to one table."""
    return [sa.Column(name, sa.Double, nullable=True) for name in FORECAST_METRICS]


forecast_runs = sa.Table(
    "forecast_runs",
    metadata,
    sa.Column("run_id", RUN_ID, primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("data_version", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("params", sa.Text, nullable=False, server_default="{}", comment="JSON"),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column(
        "run_key",
        sa.String(64),
        nullable=True,
        comment="sha256 of data version and parameters; a success with the same key is reused",
    ),
)

forecast_points = sa.Table(
    "forecast_points",
    metadata,
    sa.Column("run_id", RUN_ID, primary_key=True),
    sa.Column("series_id", SERIES_ID, primary_key=True),
    sa.Column("target_date", sa.Date, primary_key=True),
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("mean", sa.Double, nullable=False),
    sa.Column("lower_80", sa.Double, nullable=False),
    sa.Column("upper_80", sa.Double, nullable=False),
    sa.Column("lower_95", sa.Double, nullable=False),
    sa.Column("upper_95", sa.Double, nullable=False),
)

#: Per run, series and candidate model: backtest metrics averaged over the windows, the rank
#: by MASE, the fitted parameters, plus the reason a model was (not) chosen.
forecast_models = sa.Table(
    "forecast_models",
    metadata,
    sa.Column("run_id", RUN_ID, primary_key=True),
    sa.Column("series_id", SERIES_ID, primary_key=True),
    sa.Column("model", sa.String(64), primary_key=True, comment="candidate label, e.g. ets"),
    sa.Column("selected", sa.Boolean, nullable=False),
    sa.Column("spec", sa.String(128), nullable=True, comment="fitted form, e.g. ETS(A,Ad,N)"),
    sa.Column("rank", sa.Integer, nullable=True, comment="1 = selected; NULL = not scored"),
    sa.Column("windows", sa.Integer, nullable=True, comment="backtest windows scored"),
    sa.Column("params", sa.Text, nullable=True, comment="JSON: fitted parameters"),
    *_metric_columns(),
    sa.Column("n_obs", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)

#: Per run, series, candidate model and backtest cutoff: the metrics of that one window.
forecast_backtests = sa.Table(
    "forecast_backtests",
    metadata,
    sa.Column("run_id", RUN_ID, primary_key=True),
    sa.Column("series_id", SERIES_ID, primary_key=True),
    sa.Column("model", sa.String(64), primary_key=True),
    sa.Column("cutoff", sa.Date, primary_key=True, comment="last date of the training set"),
    sa.Column("n_train", sa.Integer, nullable=False),
    sa.Column("horizon", sa.Integer, nullable=False, comment="points scored after the cutoff"),
    *_metric_columns(),
)

# --- app state ---------------------------------------------------------------------------

#: Append-only; the current data version is max(version). It keys the API cache.
data_versions = sa.Table(
    "data_versions",
    metadata,
    sa.Column("version", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("stage", sa.String(32), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # JSON array of the series whose data changed in this bump; NULL = not known (all).
    sa.Column("series_ids", sa.Text, nullable=True),
)

# --- accounts (written by ``fredpipe users|clients`` and the API's token endpoint) -------

#: People who sign in with a password. Role: one of ``models.accounts.ROLES``. Only an argon2
#: hash of the password is stored.
app_users = sa.Table(
    "app_users",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

#: Machine clients (OAuth2 client credentials): an id and an argon2 hash of its secret.
api_clients = sa.Table(
    "api_clients",
    metadata,
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

#: Every refresh token issued, by its JWT id, until it expires; revoked ones keep
#: ``revoked_at`` so a replayed token is refused (and its whole family revoked).
refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("jti", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(64), nullable=False),
    sa.Column("subject_kind", sa.String(8), nullable=False, comment="user or client"),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
