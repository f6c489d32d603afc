"""Where call records live: the `CallRepository` port and its SQLite and Cosmos DB adapters."""

from callinsights.repository.base import (
    CallRepository,
    RecordConflict,
    RecordNotFound,
    StoredRecord,
)
from callinsights.repository.factory import repository_for

__all__ = ["CallRepository", "RecordConflict", "RecordNotFound", "StoredRecord",
           "repository_for"]
