"""Call records in Azure Cosmos DB (NoSQL API): one item per call, partitioned by its date.

Database, container and partition key path come from settings and are created if missing.
`replace` sends the item's ETag with `IfNotModified`, so a concurrent writer surfaces as
`RecordConflict` (HTTP 412) instead of a lost update. Key auth when a key is configured, else
`DefaultAzureCredential` (the Function App's managed identity). TLS verification is turned off
only when `COSMOS_VERIFY_TLS=false` (the test server's self-signed certificate).
"""

from __future__ import annotations

from itertools import islice

from azure.core import MatchConditions
from azure.cosmos import ContainerProxy, CosmosClient, PartitionKey
from azure.cosmos.exceptions import (
    CosmosAccessConditionFailedError,
    CosmosHttpResponseError,
    CosmosResourceExistsError,
    CosmosResourceNotFoundError,
)

from callinsights.repository.base import (
    PageKey,
    RecordConflict,
    RecordNotFound,
    RepositoryBase,
    StoredRecord,
    page_end,
    without_system_fields,
)
from callinsights.search import RecordSearch
from callinsights.settings import Settings


def _client(settings: Settings) -> CosmosClient:
    if settings.cosmos_key:
        credential = settings.cosmos_key
    else:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    return CosmosClient(settings.cosmos_endpoint, credential=credential,
                        connection_verify=settings.cosmos_verify_tls)


# The listing's ORDER BY call_date DESC, id DESC is served only from this composite index
# (infra/modules/cosmos.bicep declares the same for the container it creates).
PAGE_INDEX = [[{"path": "/call_date", "order": "descending"},
               {"path": "/id", "order": "descending"}]]
# Only the paths queries filter on are indexed (writes cost fewer RU); infra/modules/cosmos.bicep
# declares the same list for the container it creates.
INDEXED_PATHS = ("/status/?", "/call_date/?", "/id/?", "/review/outcome/?", "/search/customer/?",
                 "/search/city/?", "/search/products/[]/?", "/search/flagged/?")
INDEXING_POLICY = {"indexingMode": "consistent",
                   "includedPaths": [{"path": path} for path in INDEXED_PATHS],
                   "excludedPaths": [{"path": "/*"}], "compositeIndexes": PAGE_INDEX}


def _container(settings: Settings) -> ContainerProxy:
    """The records container, created with its database when missing.

    Entra ID data-plane roles may not create databases or containers (403); with a managed
    identity they come from the infrastructure (infra/modules/cosmos.bicep) and are used as is.
    """
    client = _client(settings)
    try:
        database = client.create_database_if_not_exists(settings.cosmos_database)
        return database.create_container_if_not_exists(
            id=settings.cosmos_container,
            partition_key=PartitionKey(path=settings.cosmos_partition_key),
            indexing_policy=INDEXING_POLICY)
    except CosmosHttpResponseError as exc:
        if exc.status_code != 403:
            raise
        return client.get_database_client(settings.cosmos_database).get_container_client(
            settings.cosmos_container)


_SEARCH_CLAUSES = (  # on the record's `search` keys (callinsights.search)
    ("customer", "CONTAINS(c.search.customer, @customer)"),
    ("city", "c.search.city = @city"),
    ("product", "ARRAY_CONTAINS(c.search.products, @product)"),
)


def _filters(status: str | None, date_from: str | None, date_to: str | None,
             search: RecordSearch | None = None) -> tuple[list[str], list[dict]]:
    """WHERE clauses and parameters for a status, an inclusive `call_date` range and a search."""
    clauses, params = [], []
    for sql, name, value in (("c.status = @status", "@status", status),
                             ("c.call_date >= @date_from", "@date_from", date_from),
                             ("c.call_date <= @date_to", "@date_to", date_to),
                             *((sql, f"@{name}", getattr(search, name, None))
                               for name, sql in _SEARCH_CLAUSES)):
        if value:
            clauses.append(sql)
            params.append({"name": name, "value": value})
    if search and search.flagged:
        clauses.append("c.search.flagged = true")
    return clauses, params


class CosmosRepository(RepositoryBase):
    def __init__(self, settings: Settings) -> None:
        self._container = _container(settings)
        self._partition_field = settings.cosmos_partition_key.strip("/")

    @staticmethod
    def _stored(item: dict) -> StoredRecord:
        return StoredRecord(without_system_fields(item), item["_etag"])

    def create(self, record: dict) -> StoredRecord:
        try:
            return self._stored(self._container.create_item(body=record))
        except CosmosResourceExistsError as exc:
            raise RecordConflict(f"record {record['id']} already exists") from exc

    def replace(self, record: dict, etag: str) -> StoredRecord:
        try:
            item = self._container.replace_item(item=record["id"], body=record, etag=etag,
                                                match_condition=MatchConditions.IfNotModified)
        except CosmosAccessConditionFailedError as exc:
            raise RecordConflict(f"record {record['id']} changed since ETag {etag}") from exc
        except CosmosResourceNotFoundError as exc:
            raise RecordNotFound(f"record {record['id']} not found") from exc
        return self._stored(item)

    def get(self, call_id: str) -> StoredRecord | None:
        # The partition (call_date) is not known from the id alone: one cross-partition query.
        items = list(self._container.query_items(
            "SELECT * FROM c WHERE c.id = @id", parameters=[{"name": "@id", "value": call_id}],
            enable_cross_partition_query=True))
        return self._stored(items[0]) if items else None

    def delete(self, call_id: str) -> bool:
        found = self.get(call_id)  # the partition key value is in the item, not the id
        if found is None:
            return False
        try:
            self._container.delete_item(item=call_id,
                                        partition_key=found.record[self._partition_field])
        except CosmosResourceNotFoundError:  # deleted by someone else meanwhile
            return False
        return True

    def count(self, *, status: str | None = None, date_from: str | None = None,
              date_to: str | None = None) -> int:
        clauses, params = _filters(status, date_from, date_to)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return sum(self._container.query_items(f"SELECT VALUE COUNT(1) FROM c{where}",
                                               parameters=params,
                                               enable_cross_partition_query=True))

    def without_search_keys(self, limit: int = 100) -> list[StoredRecord]:
        items = self._container.query_items(
            "SELECT * FROM c WHERE NOT IS_DEFINED(c.search)", enable_cross_partition_query=True,
            max_item_count=limit)
        return [self._stored(item) for item in islice(items, limit)]

    def query(self, *, status: str | None = None, date_from: str | None = None,
              date_to: str | None = None, limit: int = 100) -> list[dict]:
        clauses, params = _filters(status, date_from, date_to)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        items = self._container.query_items(
            f"SELECT * FROM c{where} ORDER BY c.call_date DESC", parameters=params,
            enable_cross_partition_query=True, max_item_count=limit)
        records = []
        for item in items:
            records.append(without_system_fields(item))
            if len(records) >= limit:
                break
        return records

    def page(self, *, status: str | None = None, limit: int = 100,
             after: PageKey | None = None, date_from: str | None = None,
             date_to: str | None = None, search: RecordSearch | None = None
             ) -> tuple[list[dict], PageKey | None]:
        """Keyset paging; the ORDER BY needs the (call_date, id) composite index (cosmos.bicep).
        The search keys are indexed with every other path (`INDEXING_POLICY`)."""
        clauses, params = _filters(status, date_from, date_to, search)
        if after:
            clauses.append("(c.call_date < @date OR (c.call_date = @date AND c.id < @id))")
            params.extend([{"name": "@date", "value": after[0]},
                           {"name": "@id", "value": after[1]}])
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        items = self._container.query_items(
            f"SELECT * FROM c{where} ORDER BY c.call_date DESC, c.id DESC", parameters=params,
            enable_cross_partition_query=True, max_item_count=limit + 1)
        records = []
        for item in items:
            records.append(without_system_fields(item))
            if len(records) > limit:
                break
        return page_end(records, limit)
