"""The analytics service functions over the request's DataLoaders, as REST calls them: N
indicators cost one SQL statement per distinct argument set, and unknown ids are NOT_FOUND."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import sqlalchemy as sa

from graphql_api.db import RequestDB
from graphql_api.errors import NotFoundError
from graphql_api.loaders import Loaders, make_loaders
from graphql_api.services import indicators, technicals
from graphql_api.terms import Frequency, Transform
from models.engine import make_engine
from tests.support.analytics import ANALYTICS_SERIES, AnalyticsMarts


def run_counting(
    marts: AnalyticsMarts, work: Callable[[Loaders], Awaitable[Any]]
) -> tuple[Any, list[str]]:
    """``work``'s result with fresh loaders, and the statements it sent that read a relation."""
    engine = make_engine(marts.url)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "mart_" in statement or "dim_series" in statement:
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)

    async def main() -> Any:
        db = RequestDB(engine)
        try:
            return await work(make_loaders(db))
        finally:
            await db.aclose()

    try:
        return asyncio.run(main()), statements
    finally:
        engine.dispose()


def test_many_indicators_cost_one_statement_per_argument_set(marts: AnalyticsMarts) -> None:
    ids = list(ANALYTICS_SERIES)

    async def work(loaders: Loaders) -> list[Any]:
        return await asyncio.gather(
            *(indicators.observations(loaders, s, transform=Transform.PC1) for s in ids),
            *(indicators.window_stats(loaders, s) for s in ids),
            *(
                indicators.observations(
                    loaders, s, transform=Transform.PCH, frequency=Frequency.ANNUAL
                )
                for s in ids
            ),
        )

    results, statements = run_counting(marts, work)
    # dim_series, mart_observation_transforms, mart_series_window_stats, the resampled mart
    assert len(statements) == 4, statements
    pc1 = results[: len(ids)]
    assert all(len(r.dates) > 50 for r in pc1)
    alone, _ = run_counting(
        marts, lambda loaders: indicators.observations(loaders, "GDP", transform=Transform.PC1)
    )
    assert alone == pc1[ids.index("GDP")]


@pytest.mark.parametrize(
    "call",
    [
        lambda loaders: indicators.observations(loaders, "NOPE42"),
        lambda loaders: indicators.observations(loaders, "NOPE42", transform=Transform.LOG),
        lambda loaders: indicators.window_stats(loaders, "NOPE42"),
        lambda loaders: technicals.technicals(loaders, "NOPE42"),
        lambda loaders: technicals.candles(loaders, "NOPE42"),
    ],
)
def test_unknown_ids_are_not_found(
    marts: AnalyticsMarts, call: Callable[[Loaders], Awaitable[Any]]
) -> None:
    with pytest.raises(NotFoundError, match="NOPE42"):
        run_counting(marts, call)
