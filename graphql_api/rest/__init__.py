"""The REST surface under ``/api/v1`` (documented in ``/docs``) for scripts, curl, reports and
e-mail: the same reads as GraphQL, through the same service functions, one module per area.

Routes stay thin (parameters in, one service call, a documented response model out); the
rules live in ``graphql_api.services`` and ``graphql_api.charts``. Every failure answers
``{code, message}`` (``graphql_api.rest_errors``).
"""

from __future__ import annotations

from fastapi import APIRouter

from graphql_api.rest import analytics, charts, indicators

router = APIRouter(prefix="/api/v1")
router.include_router(indicators.router)
router.include_router(analytics.router)
router.include_router(charts.router)
