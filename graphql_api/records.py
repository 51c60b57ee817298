"""From the repositories' read records to the API's types without a field-by-field copy.

The repositories (``models.series_repository``) already name their fields as the API serves
them, and the API's types either extend those records (``Indicator`` and REST's
``IndicatorOut`` extend ``SeriesMeta``) or declare the same names (``Stats``, ``Series``,
``Correlation``). Building one from the other is then this one generic step, so a field is
mapped from its column in one place only: the repository.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def as_api(api_type: Callable[..., T], record: Any, **extra: Any) -> T:
    """``record`` (a dataclass instance) as ``api_type``, field by field under the same names,
    plus ``extra`` fields the record does not carry (REST echoes the id and window asked for).
    Values are shared, not copied: a series' columns stay one list."""
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    return api_type(**fields, **extra)
