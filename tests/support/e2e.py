"""Shared steps of the end-to-end suites: a pipeline run through the real CLI against a FRED
sandbox, and the catalog's missing-value policy applied independently of the pipeline."""

from __future__ import annotations

from datetime import date

from ingest.catalog import load_catalog
from models.settings import SANDBOX_API_KEY
from tests.support.cli import cli_env, run_cli

#: the sandbox demo series the end-to-end suites run the pipeline on
DEMO_IDS = ["DGS10", "DGS2", "UNRATE", "GDP"]


def run_pipeline(db_url: str, fred_url: str, ids: list[str]) -> dict[str, str]:
    """``fredpipe pipeline run`` for ``ids`` into ``db_url`` from the sandbox at ``fred_url``;
    the environment it ran in (point ``fredpipe serve`` at the same database with it)."""
    env = cli_env(
        FREDPIPE_DATABASE_URL=db_url,
        FREDPIPE_FRED_BASE_URL=str(fred_url),
        FRED_API_KEY=SANDBOX_API_KEY,
    )
    done = run_cli(["pipeline", "run", "--series", ",".join(ids)], env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return env


def filled(series_id: str, obs: list[tuple[date, float | None]]) -> list[tuple[date, float | None]]:
    """``obs`` after the catalog's missing-value policy, as the pipeline applies it: a run of
    at most ``max_gap`` missing values after a value is filled (ffill: that value; linear: by
    date between its neighbours, interior runs only); longer runs stay missing."""
    policy = load_catalog().fill_policies().get(series_id, {"method": "none", "max_gap": 0})
    out = list(obs)
    i = 0
    while i < len(obs):
        if obs[i][1] is not None:
            i += 1
            continue
        j = i
        while j < len(obs) and obs[j][1] is None:
            j += 1
        before = obs[i - 1] if i > 0 else None
        after = obs[j] if j < len(obs) else None
        if before is not None and j - i <= int(policy["max_gap"]):
            for k in range(i, j):
                if policy["method"] == "ffill":
                    out[k] = (obs[k][0], before[1])
                elif policy["method"] == "linear" and after is not None:
                    assert before[1] is not None and after[1] is not None
                    w = (obs[k][0] - before[0]).days / (after[0] - before[0]).days
                    out[k] = (obs[k][0], before[1] + (after[1] - before[1]) * w)
        i = j
    return out
