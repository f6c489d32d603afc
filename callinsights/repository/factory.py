"""Pick the records store from settings: Cosmos DB when an endpoint is set, else SQLite."""

from __future__ import annotations

import functools

from callinsights.repository.base import CallRepository
from callinsights.settings import Settings


@functools.lru_cache(maxsize=4)
def repository_for(settings: Settings) -> CallRepository:
    """One repository per settings per process (the Cosmos client holds a connection pool)."""
    if settings.uses_cosmos:
        from callinsights.repository.cosmos import CosmosRepository

        return CosmosRepository(settings)
    from callinsights.repository.sqlite import SqliteRepository

    return SqliteRepository(settings.records_sqlite_path)
