"""The client-side FRED budget (``ingest.ratelimit``): both windows, blocking, shared via Redis."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from limits.storage import MemoryStorage, RedisStorage

from ingest.fred_client import FredClient
from ingest.ratelimit import (
    Budget,
    RateLimitTimeout,
    RequestLimiter,
    key_id,
    per_second_window,
    shared_limiter,
    storage_for,
)
from models.settings import SANDBOX_API_KEY, SettingsError, load_settings
from sandbox.limits import most_within

REPO = Path(__file__).resolve().parents[2]


def _fresh_key() -> str:
    return uuid.uuid4().hex  # 32 lower-case alphanumerics, like a FRED key


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(2, (2, 1)), (5, (5, 1)), (0.5, (1, 2)), (2.5, (2, 1)), (0.3, (1, 4)), (1 / 3, (1, 3))],
)
def test_per_second_rates_become_whole_windows_never_faster(
    rate: float, expected: tuple[int, int]
) -> None:
    assert per_second_window(rate) == expected
    amount, seconds = expected
    assert amount / seconds <= rate + 1e-9


def test_both_budgets_bind_without_sleeping() -> None:
    per_second = RequestLimiter(Budget(5, 100), _fresh_key())
    granted = [per_second.try_acquire() for _ in range(7)]
    assert granted[:5] == [0.0] * 5
    assert all(0 < wait <= 1.2 for wait in granted[5:])

    per_minute = RequestLimiter(Budget(100, 3), _fresh_key())
    granted = [per_minute.try_acquire() for _ in range(4)]
    assert granted[:3] == [0.0] * 3
    assert 55 < granted[3] <= 60.2  # the minute window, not the second one, is full


def test_concurrent_threads_never_get_more_than_the_budget() -> None:
    # Five a minute: however slowly a loaded machine runs the 32 threads, no window frees.
    limiter = RequestLimiter(Budget(100, 5), _fresh_key())
    results: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(32)

    def attempt() -> None:
        barrier.wait()
        wait = limiter.try_acquire()
        with lock:
            results.append(wait)

    threads = [threading.Thread(target=attempt) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(0.0) == 5


def test_acquire_blocks_by_sleeping_until_the_window_frees() -> None:
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        time.sleep(seconds)

    limiter = RequestLimiter(Budget(10, 1000), _fresh_key(), sleep=sleep)
    started = time.monotonic()
    grants = []
    for _ in range(25):
        limiter.acquire()
        grants.append(time.monotonic())
    elapsed = time.monotonic() - started
    # 25 at 10/s: the 21st waits for the third second (the upper bound only rules out waiting
    # for far longer than the windows need; a loaded machine is slow, never fast).
    assert 2.0 <= elapsed < 10
    # Grants are timed after ``acquire`` returns, so a thread descheduled for a moment records
    # its grant late; half a window of slack (a limiter that let 11 through at once would put
    # them within milliseconds).
    assert most_within(sorted(grants), 0.5) <= 10
    assert len(naps) <= 4  # one sleep per full window, not a polling loop
    single = RequestLimiter(Budget(1, 1000), _fresh_key())
    single.acquire()
    with pytest.raises(RateLimitTimeout):
        single.acquire(timeout=0.2)


def test_a_pause_holds_every_thread_until_it_ends() -> None:
    limiter = RequestLimiter(Budget(100, 10_000), _fresh_key())
    assert limiter.paused_for() == 0.0
    before_pause = time.time()
    limiter.pause(1)
    assert 0 < limiter.paused_for() <= 1.1
    limiter.pause(30)  # a running pause is not extended
    assert limiter.paused_for() <= 1.1
    granted: list[float] = []
    threads = [
        threading.Thread(target=lambda: (limiter.acquire(), granted.append(time.time())))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Every thread got its request only once the pause had run its full second.
    assert len(granted) == 3 and min(granted) >= before_pause + 0.99
    assert limiter.paused_for() == 0.0 and limiter.acquire() < 0.5


def test_storage_keys_hash_the_api_key_instead_of_storing_it() -> None:
    key = _fresh_key()
    storage = MemoryStorage()
    RequestLimiter(Budget(2, 10), key, storage).acquire()
    stored = " ".join(storage.events) + " ".join(storage.storage)
    assert key not in stored
    assert key_id(key) in stored


def test_shared_limiter_is_one_object_per_process_and_settings() -> None:
    settings = load_settings(fred_api_key=SANDBOX_API_KEY, redis_url=None)
    first = FredClient.from_settings(settings)
    second = FredClient.from_settings(settings)
    assert first.limiter is second.limiter is shared_limiter(settings)
    assert first.limiter is not None and first.limiter.budget == Budget(2, 120)
    other = load_settings(fred_api_key=SANDBOX_API_KEY, fred_requests_per_second=5)
    assert shared_limiter(other) is not first.limiter


@pytest.mark.parametrize(
    "field",
    [
        "fred_requests_per_second",
        "fred_requests_per_minute",
        "fred_max_concurrency",
        "fred_max_attempts",
    ],
)
def test_budget_settings_must_be_positive(field: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(**{field: 0})
    message = str(error.value)
    assert "\n" not in message and f"FREDPIPE_{field.upper()} must be > 0" in message


def test_redis_storage_is_chosen_when_redis_is_configured(redis_url: str) -> None:
    assert isinstance(storage_for(redis_url), RedisStorage)
    assert isinstance(storage_for(None), MemoryStorage)


def test_two_limiters_with_separate_redis_connections_share_one_budget(redis_url: str) -> None:
    key = _fresh_key()
    a = RequestLimiter(Budget(4, 100), key, storage_for(redis_url))
    b = RequestLimiter(Budget(4, 100), key, storage_for(redis_url))
    try:
        grants = [a.try_acquire(), b.try_acquire(), a.try_acquire(), b.try_acquire()]
        assert grants == [0.0] * 4
        assert a.try_acquire() > 0 and b.try_acquire() > 0
        raw = redis.Redis.from_url(redis_url)
        names = " ".join(str(k) for k in raw.keys("*"))
        assert key not in names and key_id(key) in names
    finally:
        a.reset()


def test_a_pause_is_shared_through_redis(redis_url: str) -> None:
    key = _fresh_key()
    a = RequestLimiter(Budget(100, 10_000), key, storage_for(redis_url))
    b = RequestLimiter(Budget(100, 10_000), key, storage_for(redis_url))
    try:
        before_pause = time.monotonic()
        a.pause(2)
        assert 0 < b.paused_for() <= 2.2
        b.acquire()
        # b's request waited for the whole pause a started (Redis expires it to the ms).
        assert time.monotonic() - before_pause >= 1.95
        assert a.paused_for() == 0.0
    finally:
        a.reset()


_WORKER = """
import json, sys, time
from ingest.ratelimit import Budget, RequestLimiter, storage_for
limiter = RequestLimiter(Budget(5, 1000), sys.argv[2], storage_for(sys.argv[1]))
time.sleep(max(0.0, float(sys.argv[4]) - time.time()))  # both processes start together
grants = []
for _ in range(int(sys.argv[3])):
    limiter.acquire()
    grants.append(time.time())
print(json.dumps(grants))
"""


def test_two_processes_share_the_budget_through_redis(redis_url: str) -> None:
    key = _fresh_key()
    start_at = str(time.time() + 4)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, redis_url, key, "10", start_at],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        outputs = [p.communicate(timeout=60)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        RequestLimiter(Budget(5, 1000), key, storage_for(redis_url)).reset()
    assert [p.returncode for p in procs] == [0, 0]
    grants = [t for out in outputs for t in json.loads(out)]
    assert len(grants) == 20
    # 20 requests at 5/s between them: four windows, the last more than 3 s after the first;
    # two separate budgets would take 1 s. Grant times are read after ``acquire`` returns, so
    # a process descheduled for a moment records its grant late: half a second of slack here
    # and below (two separate budgets would put 10 grants within a few ms).
    assert max(grants) - min(grants) >= 2.5
    assert most_within(sorted(grants), 0.5) <= 5
