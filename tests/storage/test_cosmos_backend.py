"""The Cosmos backend's own rules, against the Cosmos-compatible test server.

The contract suite (``test_contract.py``) covers behaviour shared with SQLite;
these tests cover what only this backend has: id escaping, the item layout,
how Cosmos status codes map to storage errors, and the query text.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.backend import Document
from storage.cosmos import CosmosBackend, build_query, decode_id, encode_id, proxies_from_env
from storage.errors import AlreadyExistsError, ConflictError, NotFoundError
from tests import cosmos_server as cosmos_server_module
from tests.cosmos_server import (
    CosmosServer,
    CosmosServerError,
    cosmos_server,
    drop_cosmos_database,
    make_cosmos_backend,
    new_database_name,
)

TENANT = "7f1f6a3e-0000-4000-8000-000000000001"
OTHER_TENANT = "7f1f6a3e-0000-4000-8000-000000000002"
AWKWARD_IDS = [
    "a/b",
    "a#b",
    "a?b",
    "a\\b",
    "/#?\\",
    "~2F",  # looks like an escape: must not decode into "/"
    "100%",
    "29:1AbC-xyz_ü",  # a Teams user id, with a non-ASCII character
    "19:abc@thread.tacv2;messageid=1|29:x",  # conversation id, with our separator
    "trailing space ",
    "tab\tnew\nline",
    "x" * 2000,  # longer than a Cosmos id may be
]


@pytest.fixture(scope="module")
def cosmos() -> Iterator[CosmosServer]:
    with cosmos_server() as server:
        yield server


@pytest.fixture
async def backend(cosmos: CosmosServer) -> AsyncIterator[CosmosBackend]:
    name = new_database_name()
    backend = await make_cosmos_backend(cosmos.endpoint, cosmos.key, name)
    await backend.open()
    try:
        yield backend
    finally:
        await backend.close()
        await drop_cosmos_database(cosmos.endpoint, cosmos.key, name)


def body(id: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "tenant_id": TENANT, **fields}


# -- ids, without the server -----------------------------------------------------


@given(st.text(min_size=1, max_size=200))  # short enough never to be hashed
def test_encoded_id_is_a_valid_cosmos_id_and_decodes_back(id: str) -> None:
    cosmos_id = encode_id("checkin", id)
    assert not set(cosmos_id) & set("/\\?#")
    assert not cosmos_id.endswith((" ", "\n"))
    assert decode_id(cosmos_id) == ("checkin", id)


@given(st.text(min_size=1, max_size=50), st.text(min_size=1, max_size=50))
def test_different_ids_or_kinds_never_share_a_cosmos_id(a: str, b: str) -> None:
    assert encode_id("team", a) != encode_id("member", a)
    if a != b:
        assert encode_id("team", a) != encode_id("team", b)


def test_overlong_ids_are_hashed_within_the_cosmos_limit() -> None:
    long_a, long_b = "a" * 2000, "a" * 1999 + "b"
    assert len(encode_id("member", long_a).encode()) <= 1023
    assert encode_id("member", long_a) != encode_id("member", long_b)


def test_kind_and_id_are_validated() -> None:
    with pytest.raises(ValueError):
        encode_id("Kind|x", "a")
    with pytest.raises(ValueError):
        encode_id("team", "")


# -- query text, without the server ----------------------------------------------


def test_query_values_travel_as_parameters_never_in_the_text() -> None:
    sql, parameters = build_query(
        "checkin",
        "tenant' OR 1=1 --",
        where={"author_id": 'x" OR true', "round_id": None, "id": "c1"},
        order_by="recorded_at",
        descending=True,
        limit=5,
        at_least=("recorded_at", "2026-01-01"),
    )
    assert sql == (
        'SELECT TOP @limit * FROM c WHERE c["tenantId"] = @partition AND c["docKind"] = @kind'
        ' AND c["author_id"] = @w0'
        ' AND (NOT IS_DEFINED(c["round_id"]) OR IS_NULL(c["round_id"]))'
        ' AND c["docId"] = @w2 AND c["recorded_at"] >= @atLeast'
        ' ORDER BY c["recorded_at"] DESC'
    )
    assert {p["name"]: p["value"] for p in parameters} == {
        "@partition": "tenant' OR 1=1 --",
        "@kind": "checkin",
        "@w0": 'x" OR true',
        "@w2": "c1",
        "@atLeast": "2026-01-01",
        "@limit": 5,
    }


def test_any_of_several_values_travels_as_one_parameter_each() -> None:
    sql, parameters = build_query(
        "key_result", TENANT, where={"objective_id": ("o1", "o2') OR true --")}
    )
    assert sql == (
        'SELECT * FROM c WHERE c["tenantId"] = @partition AND c["docKind"] = @kind'
        ' AND c["objective_id"] IN (@w0_0, @w0_1)'
    )
    assert {p["name"]: p["value"] for p in parameters} == {
        "@partition": TENANT,
        "@kind": "key_result",
        "@w0_0": "o1",
        "@w0_1": "o2') OR true --",
    }


@pytest.mark.parametrize("field", ['x"]', "a b", "", "1a", "_rid", "tenantId", "docKind"])
def test_query_refuses_field_names_that_are_not_plain_identifiers(field: str) -> None:
    with pytest.raises(ValueError, match="field name"):
        build_query("team", TENANT, where={field: 1})
    with pytest.raises(ValueError, match="field name"):
        build_query("team", TENANT, order_by=field)


# -- against the server ------------------------------------------------------------


@pytest.mark.cosmos
@pytest.mark.parametrize("id", AWKWARD_IDS)
async def test_awkward_ids_round_trip(backend: CosmosBackend, id: str) -> None:
    etag = await backend.create(TENANT, "member", id, body(id, name="n"))

    read = await backend.read(TENANT, "member", id)
    assert read is not None
    assert read.body == body(id, name="n")
    assert read.etag == etag
    assert [d.body["id"] for d in await backend.query(TENANT, "member", where={"id": id})] == [id]

    etag = await backend.replace(TENANT, "member", id, body(id, name="m"), etag)
    await backend.delete(TENANT, "member", id, etag)
    assert await backend.read(TENANT, "member", id) is None


@pytest.mark.cosmos
async def test_same_id_in_two_kinds_or_two_tenants_are_separate_documents(
    backend: CosmosBackend,
) -> None:
    await backend.create(TENANT, "team", "19:x", body("19:x", name="team"))
    await backend.create(TENANT, "conversation", "19:x", body("19:x", name="conversation"))
    await backend.create(OTHER_TENANT, "team", "19:x", {"id": "19:x", "name": "other tenant"})

    team = await backend.read(TENANT, "team", "19:x")
    conversation = await backend.read(TENANT, "conversation", "19:x")
    other = await backend.read(OTHER_TENANT, "team", "19:x")
    assert team is not None and team.body["name"] == "team"
    assert conversation is not None and conversation.body["name"] == "conversation"
    assert other is not None and other.body["name"] == "other tenant"
    assert [d.body["name"] for d in await backend.query(TENANT, "team")] == ["team"]


@pytest.mark.cosmos
async def test_reads_return_the_body_without_cosmos_or_bookkeeping_fields(
    backend: CosmosBackend,
) -> None:
    # "kind" is a real entity field (key results, conversations): it must survive.
    stored = body("kr1", kind="increasing", value="12.5", nested={"a": [1, None]})
    await backend.create(TENANT, "key_result", "kr1", stored)

    read = await backend.read(TENANT, "key_result", "kr1")
    (queried,) = await backend.query(TENANT, "key_result")
    assert read is not None
    assert read.body == stored
    assert queried.body == stored
    assert queried.etag == read.etag


@pytest.mark.cosmos
async def test_bodies_may_not_use_reserved_field_names(backend: CosmosBackend) -> None:
    for field in ("tenantId", "docKind", "docId", "_ts"):
        with pytest.raises(ValueError, match="reserved"):
            await backend.create(TENANT, "team", "t", body("t", **{field: 1}))
    with pytest.raises(ValueError, match="does not match"):
        await backend.create(TENANT, "team", "t", body("other"))
    assert await backend.query(TENANT, "team") == []


@pytest.mark.cosmos
async def test_create_of_an_existing_document_is_already_exists_and_changes_nothing(
    backend: CosmosBackend,
) -> None:
    etag = await backend.create(TENANT, "checkin", "c1", body("c1", note="first"))

    with pytest.raises(AlreadyExistsError):
        await backend.create(TENANT, "checkin", "c1", body("c1", note="second"))

    read = await backend.read(TENANT, "checkin", "c1")
    assert read is not None and (read.body["note"], read.etag) == ("first", etag)


@pytest.mark.cosmos
async def test_stale_etag_is_a_conflict_and_changes_nothing(backend: CosmosBackend) -> None:
    first = await backend.create(TENANT, "objective", "o1", body("o1", title="v1"))
    second = await backend.replace(TENANT, "objective", "o1", body("o1", title="v2"), first)
    assert second != first

    with pytest.raises(ConflictError):
        await backend.replace(TENANT, "objective", "o1", body("o1", title="stale"), first)
    with pytest.raises(ConflictError):
        await backend.delete(TENANT, "objective", "o1", first)

    read = await backend.read(TENANT, "objective", "o1")
    assert read is not None and (read.body["title"], read.etag) == ("v2", second)


@pytest.mark.cosmos
async def test_missing_documents_are_not_found(backend: CosmosBackend) -> None:
    assert await backend.read(TENANT, "objective", "nope") is None
    with pytest.raises(NotFoundError):
        await backend.replace(TENANT, "objective", "nope", body("nope"), '"some-etag"')
    with pytest.raises(NotFoundError):
        await backend.delete(TENANT, "objective", "nope")
    with pytest.raises(NotFoundError):
        await backend.delete(TENANT, "objective", "nope", '"some-etag"')
    # Another tenant's document is missing too, whatever its id.
    await backend.create(OTHER_TENANT, "objective", "theirs", {"id": "theirs"})
    assert await backend.read(TENANT, "objective", "theirs") is None
    with pytest.raises(NotFoundError):
        await backend.delete(TENANT, "objective", "theirs")


@pytest.mark.cosmos
async def test_upsert_creates_then_overwrites_without_an_etag(backend: CosmosBackend) -> None:
    first = await backend.upsert(TENANT, "lease", "round:1", body("round:1", holder="a"))
    second = await backend.upsert(TENANT, "lease", "round:1", body("round:1", holder="b"))

    read = await backend.read(TENANT, "lease", "round:1")
    assert first != second
    assert read is not None and (read.body["holder"], read.etag) == ("b", second)


@pytest.mark.cosmos
async def test_query_filters_orders_and_limits_inside_one_tenant(backend: CosmosBackend) -> None:
    # "value" is the field the test server could not ORDER BY as c.value.
    for n, (value, note) in enumerate([(3, None), (1, "x"), (2, "y")]):
        await backend.create(TENANT, "checkin", f"c{n}", body(f"c{n}", value=value, note=note))
    await backend.create(TENANT, "checkin", "c9", body("c9", value=0))  # no "note" at all
    await backend.create(OTHER_TENANT, "checkin", "c5", {"id": "c5", "value": 5, "note": None})

    async def ids(**query: Any) -> list[str]:
        return [d.body["id"] for d in await backend.query(TENANT, "checkin", **query)]

    assert await ids(order_by="value") == ["c9", "c1", "c2", "c0"]
    assert await ids(order_by="value", descending=True, limit=2) == ["c0", "c2"]
    assert await ids(order_by="id", limit=0) == []
    assert sorted(await ids(where={"note": None})) == ["c0", "c9"]
    assert await ids(where={"note": "x"}) == ["c1"]
    assert await ids(where={"value": 2, "note": "y"}) == ["c2"]
    assert await ids(at_least=("id", "c2"), order_by="id") == ["c2", "c9"]


@pytest.mark.cosmos
async def test_a_second_backend_on_the_same_database_sees_the_data(
    cosmos: CosmosServer, backend: CosmosBackend
) -> None:
    await backend.create(TENANT, "tenant", "t", body("t"))
    again = await make_cosmos_backend(cosmos.endpoint, cosmos.key, backend.database_name)
    await again.open()
    try:
        await again.ping()
        assert await again.read(TENANT, "tenant", "t") is not None
    finally:
        await again.close()


@pytest.mark.cosmos
async def test_request_charge_adds_up_what_cosmos_reports(backend: CosmosBackend) -> None:
    before = backend.request_charge
    await backend.create(TENANT, "team", "t", body("t"))
    await backend.read(TENANT, "team", "t")
    await backend.read(TENANT, "team", "missing")
    # The test server charges 1 RU per request; real Cosmos charges by size and indexing.
    assert backend.request_charge - before == 3


# -- the server helper ---------------------------------------------------------------


def test_a_missing_npm_package_fails_with_what_to_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cosmos_server_module._Shared, "running", None)
    monkeypatch.setattr(cosmos_server_module, "PACKAGE_DIR", tmp_path / "cosmosdb-server")
    with pytest.raises(CosmosServerError, match=r"run \./dev test"), cosmos_server():
        pass


def test_a_missing_node_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cosmos_server_module._Shared, "running", None)
    monkeypatch.setattr("tests.cosmos_server.shutil.which", lambda _name: None)
    with pytest.raises(CosmosServerError, match=r"Node\.js"), cosmos_server():
        pass


# -- the transport: proxy from the environment, read once -------------------------


class TunnellingProxy:
    """An HTTP proxy that only tunnels (``CONNECT``), recording what it was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, target, headers
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._tunnel, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://bench:s3cret@127.0.0.1:{port}"

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    async def _tunnel(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        method, target, _version = (await reader.readline()).decode().split(" ", 2)
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        self.requests.append((method, target, headers))
        host, _, port = target.rpartition(":")
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        self._writers.append(upstream_writer)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        writer.close()


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An environment with no proxy settings and an empty netrc; the test adds its own."""
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    (tmp_path / "netrc").write_text("")
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    return monkeypatch


def test_without_proxy_settings_the_sdk_gets_no_proxy(
    no_proxy_settings: pytest.MonkeyPatch,
) -> None:
    assert proxies_from_env("https://acct.documents.azure.com:443/") == {}


def test_https_proxy_is_used_for_the_account_unless_no_proxy_exempts_its_host(
    no_proxy_settings: pytest.MonkeyPatch,
) -> None:
    no_proxy_settings.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    endpoint = "https://acct.documents.azure.com:443/"
    assert proxies_from_env(endpoint) == {"https": "http://proxy.corp:3128"}
    no_proxy_settings.setenv("NO_PROXY", ".documents.azure.com")
    assert proxies_from_env(endpoint) == {}


def test_proxy_credentials_come_from_netrc_when_the_url_has_none(
    no_proxy_settings: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "netrc").write_text("machine proxy.corp login bench password s3:cret\n")
    no_proxy_settings.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    endpoint = "https://acct.documents.azure.com:443/"
    assert proxies_from_env(endpoint) == {"https": "http://bench:s3%3Acret@proxy.corp:3128"}
    # Credentials in the proxy's own URL win.
    no_proxy_settings.setenv("HTTPS_PROXY", "http://other:pw@proxy.corp:3128")
    assert proxies_from_env(endpoint) == {"https": "http://other:pw@proxy.corp:3128"}


def test_an_https_proxy_is_ignored_with_a_warning(
    no_proxy_settings: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    no_proxy_settings.setenv("HTTPS_PROXY", "https://proxy.corp:3128")
    with caplog.at_level(logging.WARNING, logger="okr.storage"):
        assert proxies_from_env("https://acct.documents.azure.com:443/") == {}
    assert "only http:// proxies are supported" in caplog.text


async def _write_and_read_back(
    cosmos: CosmosServer, environment: dict[str, str]
) -> Document | None:
    """A backend made while ``environment`` is set writes a team and reads it back."""
    name = new_database_name()
    with pytest.MonkeyPatch.context() as patch:
        for variable, value in environment.items():
            patch.setenv(variable, value)
        backend = await make_cosmos_backend(cosmos.endpoint, cosmos.key, name)
    # The environment is gone again: it was read once, when the backend was made.
    await backend.open()
    try:
        await backend.create(TENANT, "team", "t", body("t", name="Sales"))
        return await backend.read(TENANT, "team", "t")
    finally:
        await backend.close()
        await drop_cosmos_database(cosmos.endpoint, cosmos.key, name)


@pytest.mark.cosmos
async def test_calls_go_through_the_proxy_the_environment_names(
    cosmos: CosmosServer, no_proxy_settings: pytest.MonkeyPatch
) -> None:
    proxy = TunnellingProxy()
    async with proxy as proxy_url:
        stored = await _write_and_read_back(cosmos, {"HTTPS_PROXY": proxy_url})

    assert stored is not None and stored.body == body("t", name="Sales")
    server = cosmos.endpoint.removeprefix("https://").rstrip("/")
    assert proxy.requests, "nothing went through the proxy"
    assert {(method, target) for method, target, _ in proxy.requests} == {("CONNECT", server)}
    credentials = base64.b64encode(b"bench:s3cret").decode()
    assert all(h["proxy-authorization"] == f"Basic {credentials}" for _, _, h in proxy.requests)


@pytest.mark.cosmos
async def test_no_proxy_keeps_calls_to_the_account_direct(
    cosmos: CosmosServer, no_proxy_settings: pytest.MonkeyPatch
) -> None:
    proxy = TunnellingProxy()
    async with proxy as proxy_url:
        environment = {"HTTPS_PROXY": proxy_url, "NO_PROXY": "127.0.0.1"}
        stored = await _write_and_read_back(cosmos, environment)

    assert stored is not None and stored.body == body("t", name="Sales")
    assert proxy.requests == []


@pytest.mark.cosmos
async def test_a_call_makes_no_thread_pool_hop(
    backend: CosmosBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiohttp trusting the environment looked up ~/.netrc and the proxy in
    # the thread pool on every request: a quarter of a call's CPU.
    await backend.create(TENANT, "team", "t", body("t", name="Sales"))
    loop = asyncio.get_running_loop()
    hops: list[object] = []

    def run_in_executor(executor: Executor | None, func: Any, *args: Any) -> Any:
        hops.append(func)
        return original(executor, func, *args)

    original = loop.run_in_executor
    monkeypatch.setattr(loop, "run_in_executor", run_in_executor)

    stored = await backend.read(TENANT, "team", "t")
    await backend.replace(TENANT, "team", "t", body("t", name="Ops"), stored.etag if stored else "")
    found = await backend.query(TENANT, "team", where={"name": "Ops"})

    assert hops == []
    assert [doc.body for doc in found] == [body("t", name="Ops")]
