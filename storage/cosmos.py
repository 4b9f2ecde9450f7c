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

Every call has a deadline (``CALL_DEADLINE_S``) and raises
``StoreUnavailableError`` when Cosmos does not answer by then, cannot be
reached, or answers that it cannot serve now (408, 429 after the SDK's own
retries, 5xx, 401/403, or 404 sub-status 1003: the database or container is
gone). After a timeout, a lost connection or a missing container the next call
first reconnects: a new client, and the database and container created if
missing, as at start-up.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import netrc
import os
import re
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from azure.core import MatchConditions
from azure.core.exceptions import ServiceRequestError, ServiceResponseError
from azure.core.pipeline.transport import AioHttpTransport
from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient
from azure.cosmos.exceptions import (
    CosmosAccessConditionFailedError,
    CosmosClientTimeoutError,
    CosmosHttpResponseError,
    CosmosResourceExistsError,
    CosmosResourceNotFoundError,
)

from storage.backend import (
    CALL_DEADLINE_S,
    HEARTBEAT_ID,
    HEARTBEAT_KIND,
    PING_DEADLINE_S,
    SYSTEM_PARTITION,
    Contains,
    Document,
    Match,
    heartbeat_body,
)
from storage.errors import (
    AlreadyExistsError,
    ConflictError,
    NotFoundError,
    StoreError,
    StoreUnavailableError,
)
from storage.repair import Repair

log = logging.getLogger("okr.storage")

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

# Start-up may wait longer than a call (it creates the database and container).
_OPEN_DEADLINE_S = 30.0
# A reconnect runs in the background; calls wait for it up to their own deadline.
_RECONNECT_DEADLINE_S = 10.0
# The 404 sub-status for a missing database or container (the "owner" of the
# item), as opposed to a missing item.
_OWNER_RESOURCE_NOT_FOUND = 1003
# Statuses that mean Cosmos cannot serve the call now, whatever the call.
_UNAVAILABLE_STATUSES = frozenset({401, 403, 408, 429, 500, 502, 503, 504})
# Failures of the connection itself, after the SDK's own retries.
_CONNECTION_ERRORS = (
    ServiceRequestError,
    ServiceResponseError,
    CosmosClientTimeoutError,
    # azure-core's transport wraps aiohttp's own errors into the two above; a
    # socket error that escapes it is an OSError (TimeoutError included).
    OSError,
)


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


def proxies_from_env(endpoint: str) -> dict[str, str]:
    """The proxy the environment names for ``endpoint``, as the SDK's ``proxies`` option.

    Empty when there is none or ``NO_PROXY`` exempts the endpoint's host. The
    rules aiohttp would otherwise apply on every request, read once:
    ``HTTPS_PROXY``/``HTTP_PROXY`` by scheme, ``NO_PROXY``, an ``https://``
    proxy ignored with a warning (aiohttp cannot use one), proxy credentials
    from the URL or else from ``~/.netrc`` (or the file ``NETRC`` names).
    """
    target = urlsplit(endpoint)
    proxy = urllib.request.getproxies_environment().get(target.scheme)
    if not proxy or urllib.request.proxy_bypass(target.netloc):
        return {}
    parts = urlsplit(proxy)
    if parts.scheme != "http":
        log.warning("%s proxy %s ignored: only http:// proxies are supported", target.scheme, proxy)
        return {}
    if parts.username is None and parts.hostname:
        login = _netrc_login(parts.hostname)
        if login is not None:
            user, password = login
            netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.netloc}"
            proxy = urlunsplit(parts._replace(netloc=netloc))
    return {target.scheme: proxy}


def _netrc_login(host: str) -> tuple[str, str] | None:
    """``(login, password)`` for ``host`` in the netrc file, or None."""
    try:
        entry = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    if entry is None:
        return None
    login, _account, password = entry
    return login, password or ""


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
        deadline_s: How long one call may take (``StoreUnavailableError`` after).
    """

    def __init__(
        self,
        endpoint: str,
        key: str | None,
        database: str,
        container: str,
        verify_tls: bool = True,
        endpoint_discovery: bool = True,
        deadline_s: float = CALL_DEADLINE_S,
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
        self._deadline_s = deadline_s
        self._stale = False  # reconnect before the next call
        self._repair = Repair("Cosmos DB", self._reconnect)
        self._retiring: set[asyncio.Task[None]] = set()
        self._proxies = proxies_from_env(endpoint)

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
        if self._key is None:
            from azure.identity.aio import DefaultAzureCredential  # only for Entra ID

            self._credential = DefaultAzureCredential()
        try:
            async with asyncio.timeout(_OPEN_DEADLINE_S):
                self._client, self._container = await self._connect()
        except TimeoutError:
            await self.close()
            raise StoreUnavailableError(
                f"Cosmos DB at {self._endpoint} did not answer within {_OPEN_DEADLINE_S:g} s"
            ) from None
        except BaseException:
            await self.close()
            raise
        self._stale = False

    async def _connect(self) -> tuple[CosmosClient, ContainerProxy]:
        """A new client on the container, creating the database and container if missing."""
        client = CosmosClient(
            self._endpoint,
            credential=self._key if self._key is not None else self._credential,
            connection_verify=self._verify_tls,
            enable_endpoint_discovery=self._endpoint_discovery,
            # The SDK waits 65 s for a response by default; calls have deadlines
            # of their own, and a socket should not outlive them.
            connection_timeout=self._deadline_s,
            read_timeout=self._deadline_s,
            # Left to itself the transport's session trusts the environment
            # on every request: two thread-pool hops each time, to look the
            # host up in ~/.netrc and to work out the proxy from the
            # environment (a quarter of a call's CPU). The proxy is worked out
            # once instead, by the same rules (HTTPS_PROXY, NO_PROXY).
            transport=AioHttpTransport(use_env_settings=False),
            proxies=self._proxies,
        )
        try:
            await client.__aenter__()  # reads the account: fails fast if unreachable
            database = await client.create_database_if_not_exists(self._database_name)
            container = await database.create_container_if_not_exists(
                self._container_name, partition_key=PartitionKey(path=PARTITION_KEY_PATH)
            )
            properties = await container.read()
        except CosmosHttpResponseError as exc:
            await client.close()
            if exc.status_code == 403 and self._key is None:
                raise RuntimeError(
                    f"Cosmos DB refused to create or read database {self._database_name!r} / "
                    f"container {self._container_name!r}: Entra ID data-plane roles cannot "
                    f"create them. Create them beforehand (partition key {PARTITION_KEY_PATH})."
                ) from exc
            raise
        except BaseException:
            await client.close()
            raise
        paths = properties.get("partitionKey", {}).get("paths", [])
        if paths != [PARTITION_KEY_PATH]:
            await client.close()
            raise RuntimeError(
                f"container {self._container_name!r} is partitioned by {paths}, "
                f"expected [{PARTITION_KEY_PATH!r}]"
            )
        return client, container

    async def close(self) -> None:
        """Close the client (and the Entra ID credential, if one was made)."""
        client, credential = self._client, self._credential
        self._client = self._credential = self._container = None
        self._repair.cancel()
        for task in list(self._retiring):
            task.cancel()  # closes its client now
        if client is not None:
            await client.close()
        if credential is not None:
            await credential.close()

    async def ping(self) -> None:
        """Upsert the heartbeat document within ``PING_DEADLINE_S``."""
        item = _item(SYSTEM_PARTITION, HEARTBEAT_KIND, HEARTBEAT_ID, heartbeat_body())
        await self._call(
            lambda c: c.upsert_item(item, response_hook=self._charge), deadline_s=PING_DEADLINE_S
        )

    # -- deadlines and reconnecting ----------------------------------------------

    async def _call[T](
        self,
        operation: Callable[[ContainerProxy], Awaitable[T]],
        deadline_s: float | None = None,
    ) -> T:
        """Run ``operation`` on the container by the deadline, or raise StoreUnavailableError."""
        limit = self._deadline_s if deadline_s is None else deadline_s
        deadline = time.monotonic() + limit
        container = await self._ready(deadline)
        try:
            async with asyncio.timeout(deadline - time.monotonic()):
                return await operation(container)
        except CosmosHttpResponseError as exc:
            if exc.status_code == 404:
                # Operations answer a missing item themselves; a 404 that gets
                # here is a missing database or container.
                self._charge_error(exc)
                self._reconnect_before_next(container)
                raise StoreUnavailableError(
                    f"Cosmos DB container {self._database_name}/{self._container_name} is missing"
                ) from exc
            if exc.status_code in _UNAVAILABLE_STATUSES:
                self._charge_error(exc)
                raise StoreUnavailableError(
                    f"Cosmos DB cannot serve now ({exc.status_code})"
                ) from exc
            raise
        except _CONNECTION_ERRORS as exc:  # the deadline's TimeoutError too
            self._reconnect_before_next(container)
            if isinstance(exc, TimeoutError):
                raise StoreUnavailableError(
                    f"Cosmos DB did not answer within {limit:g} s"
                ) from None
            # The class only: the SDK's message carries the item's URL.
            raise StoreUnavailableError(
                f"Cosmos DB cannot be reached ({type(exc).__name__})"
            ) from exc

    def _reconnect_before_next(self, container: ContainerProxy) -> None:
        if container is self._container:  # not already replaced by a newer client
            self._stale = True

    async def _ready(self, deadline: float) -> ContainerProxy:
        """The container to call, once a reconnect that is due has been made."""
        if self._container is not None and self._stale:
            await self._repair.wait(deadline)
        if self._container is None:
            raise StoreError("Cosmos DB store is not open (use `async with store:`)")
        return self._container

    async def _reconnect(self) -> None:
        async with asyncio.timeout(_RECONNECT_DEADLINE_S):
            client, container = await self._connect()
        if self._container is None:  # closed meanwhile
            await client.close()
            return
        old, self._client, self._container = self._client, client, container
        self._stale = False
        log.warning("reconnected to Cosmos DB at %s", self._endpoint)
        if old is not None:
            # Calls still running on the old client end by their deadlines.
            task = asyncio.create_task(self._close_later(old))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)

    async def _close_later(self, client: CosmosClient) -> None:
        try:
            await asyncio.sleep(self._deadline_s)
        finally:
            await client.close()

    # -- documents -------------------------------------------------------------

    async def read(self, partition: str, kind: str, id: str) -> Document | None:
        """Point read (1 RU for a 1 KB item on real Cosmos)."""

        async def operation(container: ContainerProxy) -> Document | None:
            try:
                item = await container.read_item(
                    encode_id(kind, id), partition_key=partition, response_hook=self._charge
                )
            except CosmosResourceNotFoundError as exc:
                if _owner_missing(exc):
                    raise
                self._charge_error(exc)
                return None
            return _document(item)

        return await self._call(operation)

    async def create(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert; ``AlreadyExistsError`` if ``(kind, id)`` exists in the partition."""
        item = _item(partition, kind, id, body)

        async def operation(container: ContainerProxy) -> str:
            try:
                stored = await container.create_item(item, response_hook=self._charge)
            except CosmosResourceExistsError as exc:
                self._charge_error(exc)
                raise AlreadyExistsError(f"{kind} {id!r} already exists") from exc
            return str(stored["_etag"])

        return await self._call(operation)

    async def replace(
        self, partition: str, kind: str, id: str, body: dict[str, Any], etag: str
    ) -> str:
        """Overwrite if the etag still matches (``If-Match``)."""
        item = _item(partition, kind, id, body)

        async def operation(container: ContainerProxy) -> str:
            with self._conditional_write_errors(kind, id):
                stored = await container.replace_item(
                    item["id"],
                    item,
                    etag=etag,
                    match_condition=MatchConditions.IfNotModified,
                    response_hook=self._charge,
                )
            return str(stored["_etag"])

        return await self._call(operation)

    async def upsert(self, partition: str, kind: str, id: str, body: dict[str, Any]) -> str:
        """Insert or overwrite unconditionally."""
        item = _item(partition, kind, id, body)

        async def operation(container: ContainerProxy) -> str:
            stored = await container.upsert_item(item, response_hook=self._charge)
            return str(stored["_etag"])

        return await self._call(operation)

    async def delete(self, partition: str, kind: str, id: str, etag: str | None = None) -> None:
        """Delete, with ``If-Match`` when an etag is given."""
        conditions: dict[str, Any] = (
            {"etag": etag, "match_condition": MatchConditions.IfNotModified}
            if etag is not None
            else {}
        )

        async def operation(container: ContainerProxy) -> None:
            with self._conditional_write_errors(kind, id):
                await container.delete_item(
                    encode_id(kind, id),
                    partition_key=partition,
                    response_hook=self._charge,
                    **conditions,
                )

        await self._call(operation)

    async def query(
        self,
        partition: str,
        kind: str,
        where: Mapping[str, Match] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        at_least: tuple[str, str] | None = None,
    ) -> list[Document]:
        """A single-partition query; see :meth:`storage.backend.DocumentBackend.query`."""
        return await self._ordered(partition, kind, where, order_by, descending, limit, at_least)

    async def query_fields(
        self,
        partition: str,
        kind: str,
        fields: Sequence[str],
        where: Mapping[str, Match] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        """A single-partition query selecting ``fields`` (and what ordering ties needs).

        See :meth:`storage.backend.DocumentBackend.query_fields`.
        """
        # The sort key and the id come along: equal sort keys are put in id order here.
        selected = tuple(dict.fromkeys([*fields, "id", *([order_by] if order_by else [])]))
        found = await self._ordered(
            partition, kind, where, order_by, descending, limit, None, selected
        )
        return [tuple(doc.body.get(f) for f in fields) for doc in found]

    async def _ordered(
        self,
        partition: str,
        kind: str,
        where: Mapping[str, Match] | None,
        order_by: str | None,
        descending: bool,
        limit: int | None,
        at_least: tuple[str, str] | None,
        fields: Sequence[str] | None = None,
    ) -> list[Document]:
        """The documents of the query (only ``fields`` of each, when given), ties by id."""
        if any(value == () for value in (where or {}).values()):
            return []  # any of no values: nothing matches
        if limit is not None:
            if limit < 0:
                raise ValueError(f"limit must not be negative: {limit}")
            if limit == 0:
                return []
        found = await self._query(
            partition, kind, where, order_by, descending, limit, at_least, fields
        )
        if order_by is None or order_by == "id":
            return found
        # Cosmos DB orders equal sort keys by insertion; the contract (and SQLite)
        # orders them by id, in the same direction. A composite index could do
        # it server-side, but only on containers created with one.
        found = _ties_by_id(found, order_by, descending)
        if limit is None or len(found) < limit:
            return found
        # The limit may have cut the last group of equal keys anywhere: read
        # that whole group, and cut it by id instead.
        boundary = found[-1].body.get(order_by)
        kept = [doc for doc in found if doc.body.get(order_by) != boundary]
        group = await self._query(
            partition,
            kind,
            {**(where or {}), order_by: boundary},
            None,
            False,
            None,
            at_least,
            fields,
        )
        group.sort(key=lambda doc: str(doc.body["id"]), reverse=descending)
        return kept + group[: limit - len(kept)]

    async def _query(
        self,
        partition: str,
        kind: str,
        where: Mapping[str, Match] | None,
        order_by: str | None,
        descending: bool,
        limit: int | None,
        at_least: tuple[str, str] | None,
        fields: Sequence[str] | None = None,
    ) -> list[Document]:
        sql, parameters = build_query(
            kind, partition, where, order_by, descending, limit, at_least, fields=fields
        )
        read = _document if fields is None else _projected

        async def operation(container: ContainerProxy) -> list[Document]:
            pages = container.query_items(
                sql, parameters=parameters, partition_key=partition, response_hook=self._charge
            )
            return [read(item) async for item in pages]

        return await self._call(operation)

    # -- helpers ---------------------------------------------------------------

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
            if _owner_missing(exc):
                raise
            self._charge_error(exc)
            raise NotFoundError(f"{kind} {id!r} not found") from exc

    def _charge_error(self, exc: CosmosHttpResponseError) -> None:
        # Failed requests are billed too.
        self._charge(exc.headers, None)


def _owner_missing(exc: CosmosHttpResponseError) -> bool:
    """A 404 about the database or container rather than the item."""
    return exc.status_code == 404 and exc.sub_status == _OWNER_RESOURCE_NOT_FOUND


def build_query(
    kind: str,
    partition: str,
    where: Mapping[str, Match] | None = None,
    order_by: str | None = None,
    descending: bool = False,
    limit: int | None = None,
    at_least: tuple[str, str] | None = None,
    *,
    fields: Sequence[str] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """The SQL text and parameters of a query; values only ever travel as parameters.

    ``fields``: select those body fields (``c["docId"], c["name"]``), not whole items.
    """
    parameters: list[dict[str, Any]] = [
        {"name": "@partition", "value": partition},
        {"name": "@kind", "value": kind},
    ]
    conditions = [f'c["{_PARTITION_FIELD}"] = @partition', f'c["{_KIND_FIELD}"] = @kind']
    for n, (field, value) in enumerate((where or {}).items()):
        path = _field_path(field)
        if value is None:
            conditions.append(f"(NOT IS_DEFINED({path}) OR IS_NULL({path}))")
        elif isinstance(value, tuple):
            names = [f"@w{n}_{i}" for i in range(len(value))]
            conditions.append(f"{path} IN ({', '.join(names)})")
            parameters += [{"name": m, "value": v} for m, v in zip(names, value, strict=True)]
        elif isinstance(value, Contains):
            conditions.append(f"ARRAY_CONTAINS({path}, @w{n})")
            parameters.append({"name": f"@w{n}", "value": value.value})
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
    selected = "*" if fields is None else ", ".join(_field_path(f) for f in fields)
    sql = f"SELECT {top}{selected} FROM c WHERE {' AND '.join(conditions)}"
    if order_by is not None:
        sql += f" ORDER BY {_field_path(order_by)} {'DESC' if descending else 'ASC'}"
    return sql, parameters


def _ties_by_id(documents: list[Document], field: str, descending: bool) -> list[Document]:
    """``documents`` (ordered by ``field``) with each run of equal ``field`` values by id."""
    ordered: list[Document] = []
    run: list[Document] = []
    for doc in documents:
        if run and doc.body.get(field) != run[0].body.get(field):
            ordered += sorted(run, key=lambda d: str(d.body["id"]), reverse=descending)
            run = []
        run.append(doc)
    return ordered + sorted(run, key=lambda d: str(d.body["id"]), reverse=descending)


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


def _projected(item: Mapping[str, Any]) -> Document:
    """A projection's item as a partial body (the id restored), for ordering and picking fields."""
    body = dict(item)
    if _ID_FIELD in body:
        body["id"] = body.pop(_ID_FIELD)
    return Document(body=body, etag="")


def _document(item: Mapping[str, Any]) -> Document:
    """The caller's body (id restored, Cosmos and bookkeeping fields stripped) and etag."""
    body = {
        field: value
        for field, value in item.items()
        if field not in _BOOKKEEPING and field != "id" and not field.startswith(_SYSTEM_PREFIX)
    }
    return Document(body={"id": item[_ID_FIELD], **body}, etag=str(item["_etag"]))
