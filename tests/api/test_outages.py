"""Failures that say what they are, against a real server, a real MariaDB and a real Redis
behind a TCP proxy the tests cut, freeze and restore (``tests.support.tcp_proxy``)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from tests.support.api_data import seed
from tests.support.cli import cli_env, serving
from tests.support.tcp_proxy import tcp_proxy

QUERY = '{ indicator(id: "DGS10") { stats(start: "2020-01-01", end: "%s") { count } } }'
#: the API's timeouts in these tests, seconds
CONNECT, READ = 1, 2


def _ask(base: str, n: int, timeout: float = 30) -> tuple[httpx.Response, float]:
    """A query no cache has seen (a new window end each time), and how long it took."""
    started = time.monotonic()
    end = f"2021-0{1 + n % 6}-{10 + n % 18:02d}"
    response = httpx.post(f"{base}/graphql", json={"query": QUERY % end}, timeout=timeout)
    return response, time.monotonic() - started


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text[:300]
    assert response.headers["retry-after"] == "5"
    codes = {e["extensions"]["code"] for e in response.json()["errors"]}
    assert codes == {"SERVICE_UNAVAILABLE"}, response.text[:300]


def test_a_silent_or_cut_database_answers_503_quickly_and_the_api_recovers(
    mysql_db_url: str, tmp_path: Path
) -> None:
    seed(mysql_db_url)
    real = make_url(mysql_db_url)
    with tcp_proxy(real.port or 3306) as proxy:
        proxied = real.set(port=proxy.port).render_as_string(hide_password=False)
        env = cli_env(
            FREDPIPE_DATABASE_URL=proxied,
            FREDPIPE_CLIENT_DIST_DIR=str(tmp_path),
            FREDPIPE_DATABASE_CONNECT_TIMEOUT_SECONDS=str(CONNECT),
            FREDPIPE_DATABASE_READ_TIMEOUT_SECONDS=str(READ),
        )
        with serving(env) as base:
            ok, _ = _ask(base, 0)
            assert ok.status_code == 200, ok.text

            proxy.set_mode("freeze")  # accepts, never answers
            time.sleep(1.1)  # past the API's one-second memo of the data version
            frozen, took = _ask(base, 1)
            _assert_unavailable(frozen)
            assert took < 3 * (CONNECT + READ), took
            started = time.monotonic()
            health = httpx.get(f"{base}/healthz", timeout=30)
            assert health.status_code == 503 and health.json()["database"] is False
            assert time.monotonic() - started < 3 * (CONNECT + READ)
            rest = httpx.get(
                f"{base}/api/v1/indicators/DGS10/stats",
                params={"start": "2020-02-02", "end": "2020-03-03"},
                timeout=30,
            )
            assert rest.status_code == 503, rest.text
            assert rest.json()["code"] == "SERVICE_UNAVAILABLE"
            assert rest.headers["retry-after"] == "5"

            proxy.set_mode("cut")  # refuses
            cut, took = _ask(base, 2)
            _assert_unavailable(cut)
            assert took < 3 * (CONNECT + READ), took

            proxy.set_mode("pass")  # back: the API recovers by itself
            deadline = time.monotonic() + 30
            n = 3
            while (answer := _ask(base, n)[0]).status_code != 200:
                assert time.monotonic() < deadline, answer.text[:300]
                n += 1
                time.sleep(0.5)
            assert answer.json()["data"]["indicator"]["stats"]["count"] > 0


def test_a_frozen_redis_costs_little_once_the_breaker_opens(
    mysql_db_url: str, redis_url: str, tmp_path: Path
) -> None:
    seed(mysql_db_url)
    redis = make_url(redis_url.replace("redis://", "mysql://", 1))  # a URL parser for host:port
    with tcp_proxy(redis.port or 6379) as proxy:
        env = cli_env(
            FREDPIPE_DATABASE_URL=mysql_db_url,
            FREDPIPE_REDIS_URL=f"redis://127.0.0.1:{proxy.port}/15",
            FREDPIPE_CLIENT_DIST_DIR=str(tmp_path),
        )
        with serving(env) as base:
            assert httpx.get(f"{base}/healthz").json()["cache"] == "ok"
            healthy = [_ask(base, n)[1] for n in range(5)]
            proxy.set_mode("freeze")
            first, _ = _ask(base, 10)  # pays the timeout and opens the breaker
            assert first.status_code == 200
            frozen = []
            for n in range(11, 21):
                response, took = _ask(base, n)
                assert response.status_code == 200, response.text[:300]
                frozen.append(took)
            health = httpx.get(f"{base}/healthz").json()
            assert health["cache"] == "degraded" and health["database"] is True
            # the breaker is open: Redis is not asked, so a request costs what it did before
            assert statistics.median(frozen) < statistics.median(healthy) + 0.05, (
                healthy,
                frozen,
            )
            proxy.set_mode("pass")
