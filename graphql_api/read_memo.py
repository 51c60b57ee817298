"""Repository reads remembered across requests, by data version.

Every read the API makes goes through ``RequestDB.run(fn, *args)`` with a repository function
of ``models`` and hashable-once-frozen arguments (ids, window bounds, codes). The data those
reads see changes only when a pipeline stage bumps the data version, so the answer to
``(data version, fn, args)`` can be kept and handed to the next request that asks the same:
different queries share reads (the dashboard's history panel and its correlation both read
DGS10's observations), and a request whose reads are all remembered never opens the
database (on DuckDB that is ~20 ms of opening the file; on MySQL a round trip per read).

The response cache (``graphql_api.response_cache``) keeps whole answers of identical requests;
this keeps their parts, so an answer is still assembled, shaped by its own document and
arguments, on every miss of that cache.

Consistency: the key's version is read (``DataVersionSource``) before the data, and stages
bump the version after their writes commit, so a remembered read is never older than its key
says. A read racing a bump can be newer than its key; it is replaced as soon as requests see
the new version. Values are shared between requests and must not be mutated: the
repositories return frozen dataclasses, and the services build new columns rather than
editing them.

Reads that return a value per series id (most of them) are remembered per id
(``RequestDB.run_by_ids``): a request for DGS10 and CPIAUCSL after one for DGS10 alone reads
CPIAUCSL only. Windowed reads read a series' whole history once and cut windows from it
(``graphql_api.loaders``), so a new window is a new cut, not a new read.

Bounded by an estimate of the bytes its values hold (``cachetools.LRUCache`` with a size
function), least recently used first out; used from the event loop only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Hashable
from contextlib import suppress
from datetime import date, datetime
from typing import Any, TypeVar

from cachetools import LRUCache

T = TypeVar("T")

#: rough cost of one boxed Python scalar (a float or date object plus the list slot holding it)
_SCALAR_BYTES = 32
_CONTAINER_BYTES = 64


def approx_bytes(value: object) -> int:
    """An estimate of the memory ``value`` holds: good to a small factor, linear in the
    number of containers (a list of scalars is sized from its length, not walked)."""
    if isinstance(value, str | bytes):
        return _CONTAINER_BYTES + len(value)
    if isinstance(value, dict):
        return _CONTAINER_BYTES + sum(approx_bytes(k) + approx_bytes(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        if value and _is_container(value[0]):
            return _CONTAINER_BYTES + sum(approx_bytes(v) for v in value)
        return _CONTAINER_BYTES + _SCALAR_BYTES * len(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _CONTAINER_BYTES + sum(
            approx_bytes(getattr(value, f.name)) for f in dataclasses.fields(value)
        )
    return _SCALAR_BYTES


def _is_container(value: object) -> bool:
    return not (value is None or isinstance(value, date | datetime | int | float | str | bytes))


def frozen(value: Any) -> Hashable:
    """``value`` as a hashable key part: lists and tuples (of ids, of keys) become tuples."""
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(frozen(v) for v in value)
    return value


#: remembered for an id a read found nothing for (an unknown series), so it is not asked again
ABSENT = object()


class ReadMemo:
    """``(data version, read function, arguments) -> value``, bounded by ``max_bytes``."""

    def __init__(self, version: Callable[[], Awaitable[int]], max_bytes: int) -> None:
        #: the data version for keys: the app's ``DataVersionSource.current``
        self._version = version
        self.max_bytes = max_bytes
        self._entries: LRUCache[Hashable, Any] = LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=approx_bytes
        )

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size_bytes(self) -> int:
        return int(self._entries.currsize)

    async def version(self) -> int:
        return await self._version()

    @staticmethod
    def key(version: int, fn: Callable[..., object], args: tuple[object, ...]) -> Hashable:
        """The key of ``fn(connection, *args)`` at ``version``."""
        return (version, fn.__module__, fn.__qualname__, frozen(args))

    @staticmethod
    def key_of_id(
        version: int, fn: Callable[..., object], series_id: str, args: tuple[object, ...]
    ) -> Hashable:
        """The key of one id's part of ``fn(connection, ids, *args)`` at ``version``."""
        return (version, fn.__module__, fn.__qualname__, "id", series_id, frozen(args))

    def get(self, key: Hashable) -> tuple[bool, Any]:
        """``(True, value)`` when remembered, else ``(False, None)``."""
        try:
            value = self._entries[key]
        except KeyError:
            return False, None
        return True, value

    def put(self, key: Hashable, value: object) -> None:
        if not self.enabled:
            return
        with suppress(ValueError):  # larger than the whole budget: not remembered
            self._entries[key] = value
