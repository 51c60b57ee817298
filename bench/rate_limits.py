"""What one counted request costs under each of the ``limits`` library's strategies, in memory
and (with ``--redis``) on Redis, as the API's rate limit uses them (``graphql_api.rate_limits``).

Each request is one ``hit`` for one of three identities followed by a turn of the event loop,
as in a server (the in-memory moving window schedules its expiry work as a task, which only a
loop turn lets run); the cost of the bare loop turns is measured alone and taken off. Reports
the median of ``--rounds`` rounds in µs per request.

    .venv/bin/python -m bench.rate_limits [--requests 20000] [--redis redis://127.0.0.1:6379/14]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)

from graphql_api.rate_limits import parse_limit
from models.settings import Settings

STRATEGIES: dict[str, type[RateLimiter]] = {
    "moving window": MovingWindowRateLimiter,
    "sliding window counter": SlidingWindowCounterRateLimiter,
    "fixed window": FixedWindowRateLimiter,
}
IDENTITIES = 3
MAX_REQUESTS = 200_000


async def _loop_turns(requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        await asyncio.sleep(0)
    return time.perf_counter() - started


async def _round(limiter: RateLimiter, item: RateLimitItem, requests: int, tag: str) -> float:
    started = time.perf_counter()
    for i in range(requests):
        await limiter.hit(item, "bench-rate-limits", tag, str(i % IDENTITIES))
        await asyncio.sleep(0)
    spent = time.perf_counter() - started
    return (spent - await _loop_turns(requests)) / requests * 1e6


async def bench(
    item: RateLimitItem, requests: int, rounds: int, redis_url: str | None
) -> dict[tuple[str, str], float]:
    """Median µs per counted request by (storage, strategy)."""
    storages: list[tuple[str, int]] = [("memory", requests)]
    if redis_url:
        storages.append(("redis", max(1, requests // 10)))  # a network round trip each
    medians: dict[tuple[str, str], float] = {}
    for storage_name, count in storages:
        for name, strategy in STRATEGIES.items():
            storage: Storage = (
                MemoryStorage()
                if storage_name == "memory"
                else RedisStorage("async+" + str(redis_url), implementation="redispy")
            )
            limiter = strategy(storage)
            # each strategy's keys on their own tag: strategies keep different Redis types
            tag = f"{name}-{time.time_ns()}"
            costs = [await _round(limiter, item, count, tag) for _ in range(rounds)]
            medians[storage_name, name] = statistics.median(costs)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", default=Settings().rate_limit, help="default: the API's")
    parser.add_argument("--redis", help="also measure on this Redis (a database you can spare)")
    args = parser.parse_args()
    requests = max(1, min(args.requests, MAX_REQUESTS))
    item, rounds = parse_limit(args.limit), max(1, args.rounds)
    medians = asyncio.run(bench(item, requests, rounds, args.redis))
    print(f"limit {item}; µs per counted request, median of {rounds} rounds")
    for (storage, strategy), cost in medians.items():
        print(f"  {storage:6s} {strategy:24s} {cost:8.2f}")


if __name__ == "__main__":
    main()
