"""Azure Cosmos DB (NoSQL API) backend: one container, partitioned by tenant.

Layout of a stored item::

    {"id": "<kind>|<encoded id>",   # Cosmos id: unique per kind within a partition
     "tenantId": "<partition>",     # partition key path /tenantId
     "docKind": "<kind>",
     "docId": "<caller's id>",      # the body's own "id", restored on read
     ...the body's other fields...}

The Cosmos id must not contain ``/ \\ ? #`` and the SDK refuses one ending in
a space or newline, so the caller's id is escaped reversibly (``~XX``); ids
too long for Cosmos are hashed (the caller's id is still kept in ``docId``).
Bookkeeping fields are camelCase so they cannot collide with the codec's
snake_case fields (entities have their own ``kind``).

Point reads where the id is known; everything else is a parameterized query
inside one partition, which names the partition key in its WHERE clause as
well (the Cosmos-compatible test server requires it). Field names are written
as ``c["name"]``: the test server fails to parse ``c.value``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from azure.core import MatchConditions
from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient
from azure.cosmos.exceptions import (
    CosmosAccessConditionFailedError,
    CosmosHttpResponseError,
    CosmosResourceExistsError,
    CosmosResourceNotFoundError,
)

from storage.backend import Document, Scalar
from storage.errors import AlreadyExistsError, ConflictError, NotFoundError

PARTITION_KEY_PATH = "/tenantId"
_PARTITION_FIELD = "tenantId"
_KIND_FIELD = "docKind"
_ID_FIELD = "docId"
_BOOKKEEPING = frozenset({_PARTITION_FIELD, _KIND_FIELD, _ID_FIELD})
# Cosmos reserves names starting with "_" (_rid, _self, _etag, _attachments,
# _ts, ...): stripped on read, refused in bodies.
_SYSTEM_PREFIX = "_"

_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_KIND_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")

# Escaping of the caller's id inside the Cosmos id. "~" is the escape
# character, so it is escaped too; control characters and "%" are escaped as
# well (they survive URLs badly). A trailing space is escaped because the SDK
# refuses ids ending in one.
_ESCAPE = "~"
_FORBIDDEN = frozenset("/\\?#%~") | frozenset(chr(c) for c in [*range(0x20), 0x7F])
_ESCAPED = re.compile(r"~([0-9A-F]{2})")
# Cosmos allows 1023 bytes; longer ids are replaced by "~h" + SHA-256, which
# no escaped id can produce ("h" is not a hex digit).
_MAX_ID_BYTES = 1023


def encode_id(kind: str, id: str) -> str:
    """The Cosmos id of the document ``(kind, id)``: ``kind|escaped id``."""
    if not _KIND_NAME.match(kind):
        raise ValueError(f"invalid document kind {kind!r}")
    if not id:
        raise ValueError("document id must not be empty")
    escaped = "".join(f"{_ESCAPE}{ord(ch):02X}" if ch in _FORBIDDEN else ch for ch in id)
    if escaped.endswith(" "):
        escaped = escaped[:-1] + f"{_ESCAPE}20"
    cosmos_id = f"{kind}|{escaped}"
    if len(cosmos_id.encode()) > _MAX_ID_BYTES:
        cosmos_id = f"{kind}|{_ESCAPE}h{hashlib.sha256(id.encode()).hexdigest()}"
    return cosmos_id


def decode_id(cosmos_id: str) -> tuple[str, str]:
    """Inverse of :func:`encode_id` for ids that were not hashed: ``(kind, id)``."""
    kind, _, escaped = cosmos_id.partition("|")
    return kind, _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), escaped)


class CosmosBackend:
    """A :class:`~storage.backend.DocumentBackend` on one Cosmos DB container.

    Args:
        endpoint: Account endpoint, e.g. ``https://<account>.documents.azure.com:443/``.
        key: Account key; when None, Entra ID (``DefaultAzureCredential``) is used.
        database: Database name, created if missing.
        container: Container name, created if missing with partition key ``/tenantId``.
        verify_tls: False only for the local test server's self-signed certificate.
        endpoint_discovery: Let the SDK follow the regions the account
            advertises (multi-region accounts). Tests turn it off so the
            client talks to ``endpoint`` and nothing else.
    """

    def __init__(
        self,
        endpoint: str,
        key: str | None,
        database: str,
        container: str,
        verify_tls: bool = True,
        endpoint_discovery: bool = True,
    ) -> None:
        self._endpoint = endpoint
        self._key = key
        self._database_name = database
        self._container_name = container
        self._verify_tls = verify_tls
        self._endpoint_discovery = endpoint_discovery
        self._client: CosmosClient | None = None
        self._credential: Any = None
        self._container: ContainerProxy | None = None
        self._request_charge = 0.0

    @property
    def database_name(self) -> str:
        """The database this backend uses."""
        return self._database_name

    @property
    def request_charge(self) -> float:
        """Request units charged so far (sum of ``x-ms-request-charge``), failures included."""
        return self._request_charge

    # -- lifecycle -------------------------------------------------------------

    async def open(self) -> None:
        """Connect; create the database and container if missing."""
        if self._key is not None:
            credential: Any = self._key
        else:
            from azure.identity.aio import DefaultAzureCredential  # only for Entra ID

            self._credential = credential = DefaultAzureCredential()
        client = CosmosClient(
            self._endpoint,
            credential=credential,
            connection_verify=self._verify_tls,
            enable_endpoint_discovery=self._endpoint_discovery,
        )
        self._client = client
        try:
            await client.__aenter__()  # reads the account: fails fast if unreachable
            database = await client.create_database_if_not_exists(self._database_name)
            container = await database.create_container_if_not_exists(
                self._container_name, partition_key=PartitionKey(path=PARTITION_KEY_PATH)
            )
            properties = await container.read()
        except CosmosHttpResponseError as exc:
            await self.close()
            if exc.status_code == 403 and self._key is None:
                raise RuntimeError(
                    f"Cosmos DB refused to create or read database {self._database_name!r} / "
                    f"container {self._container_name!r}: Entra ID data-plane roles cannot "
                    f"create them. Create them beforehand (partition key {PARTITION_KEY_PATH})."
                ) from exc
            raise
        except BaseException:
            await self.close()
            raise
        paths = properties.get("partitionKey", {}).get("paths", [])
        if paths != [PARTITION_KEY_PATH]:
            await self.close()
            raise RuntimeError(
                f"container {self._container_name!r} is partitioned by {paths}, "
                f"expected [{PARTITION_KEY_PATH!r}]"
            )
        self._container = container

    async def close(self) -> None:
        """Close the client (and the Entra ID credential, if one was made)."""
        client, credential = self._client, self._credential
        self._client = self._credential = self._container = None
        if client is not None:
            await client.close()
        if credential is not None:
            await credential.close()

    async def ping(self) -> None:
        """Read the container's properties; raises if Cosmos cannot be reached."""
        await self._c.read(response_hook=self._charge)

    # -- documents -------------------------------------------------------------

    async def read(self, partition: str, kind: str, id: str) -> Document | None:
        """Point read (1 RU for a 1 KB item on real Cosmos)."""
        try:
            item = await self._c.read_item(
                encode_id(kind, id), partition_key=partition, response_hook=self._charge
            )
        except CosmosResourceNotFoundError as exc:
            self._charge_error(exc)
            return None
        return _document(item)

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert; ``AlreadyExistsError`` if ``(kind, id)`` exists in the partition."""
        item = _item(partition, kind, id, body)
        try:
            stored = await self._c.create_item(item, response_hook=self._charge)
        except CosmosResourceExistsError as exc:
            self._charge_error(exc)
            raise AlreadyExistsError(f"{kind} {id!r} already exists") from exc
        return str(stored["_etag"])

    async def replace(
        self, partition: str, kind: str, id: str, body: dict[str, Any], etag: str
    ) -> str:
        """Overwrite if the etag still matches (``If-Match``)."""
        item = _item(partition, kind, id, body)
        with self._conditional_write_errors(kind, id):
            stored = await self._c.replace_item(
                item["id"],
                item,
                etag=etag,
                match_condition=MatchConditions.IfNotModified,
                response_hook=self._charge,
            )
        return str(stored["_etag"])

    async def upsert(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert or overwrite unconditionally."""
        stored = await self._c.upsert_item(
            _item(partition, kind, id, body), response_hook=self._charge
        )
        return str(stored["_etag"])

    async def delete(self, partition: str, kind: str, id: str, etag: str | None = None) -> None:
        """Delete, with ``If-Match`` when an etag is given."""
        conditions: dict[str, Any] = (
            {"etag": etag, "match_condition": MatchConditions.IfNotModified}
            if etag is not None
            else {}
        )
        with self._conditional_write_errors(kind, id):
            await self._c.delete_item(
                encode_id(kind, id),
                partition_key=partition,
                response_hook=self._charge,
                **conditions,
            )

    async def query(
        self,
        partition: str,
        kind: str,
        where: Mapping[str, Scalar] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        at_least: tuple[str, str] | None = None,
    ) -> list[Document]:
        """A single-partition query; see :meth:`storage.backend.DocumentBackend.query`."""
        if limit is not None:
            if limit < 0:
                raise ValueError(f"limit must not be negative: {limit}")
            if limit == 0:
                return []
        sql, parameters = build_query(kind, partition, where, order_by, descending, limit, at_least)
        pages = self._c.query_items(
            sql, parameters=parameters, partition_key=partition, response_hook=self._charge
        )
        return [_document(item) async for item in pages]

    # -- helpers ---------------------------------------------------------------

    @property
    def _c(self) -> ContainerProxy:
        if self._container is None:
            raise RuntimeError("CosmosBackend is not open")
        return self._container

    def _charge(self, headers: Mapping[str, Any], _body: object) -> None:
        self._request_charge += float(headers.get("x-ms-request-charge", 0) or 0)

    @contextmanager
    def _conditional_write_errors(self, kind: str, id: str) -> Iterator[None]:
        """Map a replace's or delete's 412 to ``ConflictError``, 404 to ``NotFoundError``."""
        try:
            yield
        except CosmosAccessConditionFailedError as exc:
            self._charge_error(exc)
            raise ConflictError(f"{kind} {id!r} was changed by someone else") from exc
        except CosmosResourceNotFoundError as exc:
            self._charge_error(exc)
            raise NotFoundError(f"{kind} {id!r} not found") from exc

    def _charge_error(self, exc: CosmosHttpResponseError) -> None:
        # Failed requests are billed too.
        self._charge(exc.headers, None)


def build_query(
    kind: str,
    partition: str,
    where: Mapping[str, Scalar] | None = None,
    order_by: str | None = None,
    descending: bool = False,
    limit: int | None = None,
    at_least: tuple[str, str] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """The SQL text and parameters of a query; values only ever travel as parameters."""
    parameters: list[dict[str, Any]] = [
        {"name": "@partition", "value": partition},
        {"name": "@kind", "value": kind},
    ]
    conditions = [f'c["{_PARTITION_FIELD}"] = @partition', f'c["{_KIND_FIELD}"] = @kind']
    for n, (field, value) in enumerate((where or {}).items()):
        path = _field_path(field)
        if value is None:
            conditions.append(f"(NOT IS_DEFINED({path}) OR IS_NULL({path}))")
        else:
            conditions.append(f"{path} = @w{n}")
            parameters.append({"name": f"@w{n}", "value": value})
    if at_least is not None:
        field, lower = at_least
        conditions.append(f"{_field_path(field)} >= @atLeast")
        parameters.append({"name": "@atLeast", "value": lower})
    top = ""
    if limit is not None:
        # TOP rather than OFFSET/LIMIT: the test server does not parse OFFSET.
        top = "TOP @limit "
        parameters.append({"name": "@limit", "value": int(limit)})
    sql = f"SELECT {top}* FROM c WHERE {' AND '.join(conditions)}"
    if order_by is not None:
        sql += f" ORDER BY {_field_path(order_by)} {'DESC' if descending else 'ASC'}"
    return sql, parameters


def _field_path(field: str) -> str:
    """``c["field"]`` for a body field name; the body's ``id`` lives in ``docId``."""
    if field == "id":
        field = _ID_FIELD
    elif not _FIELD_NAME.match(field) or field in _BOOKKEEPING:
        raise ValueError(f"invalid field name {field!r}")
    return f'c["{field}"]'


def _item(partition: str, kind: str, id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The stored item for ``body``: bookkeeping fields added, body id moved to ``docId``."""
    if "id" in body and body["id"] != id:
        raise ValueError(f"body id {body['id']!r} does not match document id {id!r}")
    item: dict[str, Any] = {}
    for field, value in body.items():
        if field == "id":
            continue
        if field in _BOOKKEEPING or field.startswith(_SYSTEM_PREFIX):
            raise ValueError(f"field name {field!r} is reserved by the Cosmos backend")
        item[field] = value
    item |= {
        "id": encode_id(kind, id),
        _PARTITION_FIELD: partition,
        _KIND_FIELD: kind,
        _ID_FIELD: id,
    }
    return item


def _document(item: Mapping[str, Any]) -> Document:
    """The caller's body (id restored, Cosmos and bookkeeping fields stripped) and etag."""
    body = {
        field: value
        for field, value in item.items()
        if field not in _BOOKKEEPING and field != "id" and not field.startswith(_SYSTEM_PREFIX)
    }
    return Document(body={"id": item[_ID_FIELD], **body}, etag=str(item["_etag"]))
