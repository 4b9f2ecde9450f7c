"""``OkrStore``: the typed, tenant-scoped store the rest of the app uses.

Every call names its tenant and can only see that tenant's partition; the one
exception is :meth:`OkrStore.list_tenants`, which the scheduler uses to find
what is due. Saves are optimistic: an entity read with an etag is written back
only if nobody wrote in between (else :class:`ConflictError`, nothing changed);
an entity whose etag is ``None`` is created (and refused if it already exists).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any

from okr.due import DeliveryKind, parse_round_id
from okr.models import (
    CheckIn,
    CheckInStatus,
    ConversationRef,
    Delivery,
    DeliveryState,
    DigestSnapshot,
    Initiative,
    KeyResult,
    Kpi,
    Lease,
    Member,
    MemberName,
    Objective,
    ObjectiveState,
    PendingOwner,
    Round,
    Team,
    Tenant,
)
from storage.backend import (
    SYSTEM_PARTITION,
    Contains,
    CreatesAtomically,
    DocumentBackend,
    Match,
    Scalar,
    WritesTogether,
)
from storage.codec import encode_datetime, from_document, to_document
from storage.due_index import (
    DUE_INDEX_KIND,
    TENANT_CHANGED_ID,
    DueIndex,
    NextDue,
    new_token,
    team_changed_id,
)
from storage.errors import AlreadyExistsError, ConflictError, NotFoundError, StoreError

# How often record_checkin re-reads a key result when concurrent check-ins race
# to update its latest value. Each retry is cheap (one point read, one replace).
_MIRROR_RETRIES = 200


@dataclasses.dataclass(frozen=True, slots=True)
class _Kind[E]:
    name: str
    cls: type[E]


TENANT = _Kind("tenant", Tenant)
TEAM = _Kind("team", Team)
MEMBER = _Kind("member", Member)
CONVERSATION = _Kind("conversation", ConversationRef)
OBJECTIVE = _Kind("objective", Objective)
KEY_RESULT = _Kind("key_result", KeyResult)
INITIATIVE = _Kind("initiative", Initiative)
KPI = _Kind("kpi", Kpi)
CHECKIN = _Kind("checkin", CheckIn)
ROUND = _Kind("round", Round)
DELIVERY = _Kind("delivery", Delivery)
LEASE = _Kind("lease", Lease)
PENDING_OWNER = _Kind("pending_owner", PendingOwner)
SNAPSHOT = _Kind("digest_snapshot", DigestSnapshot)

# What :meth:`OkrStore.create_missing` accepts: the entities an import creates
# (the CSV import: objectives, key results, pending owners; the Viva Goals
# import also check-ins, initiatives and KPIs).
Creatable = Objective | KeyResult | PendingOwner | CheckIn | Initiative | Kpi
_CREATABLE: dict[type, _Kind[Any]] = {
    Objective: OBJECTIVE,
    KeyResult: KEY_RESULT,
    PendingOwner: PENDING_OWNER,
    CheckIn: CHECKIN,
    Initiative: INITIATIVE,
    Kpi: KPI,
}


# Lists longer than this are decoded in a worker thread, so a pass reading a
# large tenant's members or a round's records does not hold the event loop.
DECODE_OFF_LOOP_FROM = 200

# Creates in flight at once where a backend creates one document per request
# (Cosmos DB): a create is a round trip (about 5-10 ms within a region), so one
# at a time caps an import at ~100-200 documents/s whatever the container's
# throughput. 16 fills the pipe several times over and stays well within the
# SDK's connection pool (100), while a container that cannot take them all
# answers 429 to few enough requests at once that the SDK's own retries (9,
# after Cosmos' retry-after) absorb it without failing the call.
CREATES_IN_FLIGHT = 16

IDS_PER_QUERY = 100
"""Ids in one ``IN`` query at most (Cosmos DB allows a few hundred; a query's
text and plan stay small)."""


class OkrStore:
    """Typed access to everything the product stores. Open with ``async with``."""

    def __init__(self, backend: DocumentBackend) -> None:
        self._backend = backend

    @property
    def backend(self) -> DocumentBackend:
        """The document backend underneath (for diagnostics and benchmarks)."""
        return self._backend

    async def __aenter__(self) -> OkrStore:
        await self._backend.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._backend.close()

    async def ping(self) -> None:
        """Raise if storage is unreachable."""
        await self._backend.ping()

    # -- generic helpers ---------------------------------------------------

    async def _get[E](self, kind: _Kind[E], partition: str, id: str) -> E | None:
        doc = await self._backend.read(partition, kind.name, id)
        if doc is None:
            return None
        return from_document(kind.cls, doc.body, doc.etag)

    async def _save[E](self, kind: _Kind[E], partition: str, entity: E) -> E:
        body = to_document(entity)
        id_ = body["id"]
        etag: str | None = getattr(entity, "etag", None)
        if etag is None:
            try:
                new_etag = await self._backend.create(partition, kind.name, id_, body)
            except AlreadyExistsError as exc:
                raise ConflictError(f"{kind.name} {id_!r} already exists") from exc
        else:
            new_etag = await self._backend.replace(partition, kind.name, id_, body, etag)
        return dataclasses.replace(entity, etag=new_etag)  # type: ignore[type-var]

    async def _list[E](
        self,
        kind: _Kind[E],
        partition: str,
        where: Mapping[str, Match] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        at_least: tuple[str, str] | None = None,
    ) -> list[E]:
        docs = await self._backend.query(
            partition,
            kind.name,
            where={k: v for k, v in (where or {}).items()},
            order_by=order_by,
            descending=descending,
            limit=limit,
            at_least=at_least,
        )
        if len(docs) < DECODE_OFF_LOOP_FROM:
            return [from_document(kind.cls, d.body, d.etag) for d in docs]
        # The thread holds the GIL only a switch interval at a time: the loop keeps running.
        return await asyncio.to_thread(
            lambda: [from_document(kind.cls, d.body, d.etag) for d in docs]
        )

    async def _delete(self, kind: _Kind[Any], partition: str, id: str, etag: str | None) -> None:
        await self._backend.delete(partition, kind.name, id, etag)

    # -- tenants (registry in the system partition) --------------------------

    async def get_tenant(self, tenant_id: str) -> Tenant | None:
        """The tenant's record, or None if the bot has never seen it."""
        return await self._get(TENANT, SYSTEM_PARTITION, tenant_id)

    async def save_tenant(self, tenant: Tenant) -> Tenant:
        """Create (etag None) or update a tenant."""
        saved = await self._save(TENANT, SYSTEM_PARTITION, tenant)
        await self.mark_tenant_changed(tenant.id)
        return saved

    async def list_tenants(self) -> list[Tenant]:
        """Every tenant. The only cross-tenant read; meant for the scheduler."""
        return await self._list(TENANT, SYSTEM_PARTITION, order_by="id")

    # -- teams ---------------------------------------------------------------

    async def get_team(self, tenant_id: str, team_id: str) -> Team | None:
        """One team of the tenant."""
        return await self._get(TEAM, tenant_id, team_id)

    async def save_team(self, team: Team) -> Team:
        """Create or update a team (with its settings and channels)."""
        saved = await self._save(TEAM, team.tenant_id, team)
        await self.mark_team_changed(team.tenant_id, team.id)
        return saved

    async def list_teams(self, tenant_id: str) -> list[Team]:
        """The tenant's teams."""
        return await self._list(TEAM, tenant_id, order_by="id")

    async def list_pending_rosters(self, tenant_id: str) -> list[Team]:
        """The tenant's installed teams whose roster could not be read yet."""
        where = {"roster_pending": True, "installed": True}
        return await self._list(TEAM, tenant_id, where=where, order_by="id")

    # -- members -------------------------------------------------------------

    async def get_member(self, tenant_id: str, member_id: str) -> Member | None:
        """A person by Teams user id."""
        return await self._get(MEMBER, tenant_id, member_id)

    async def save_member(self, member: Member) -> Member:
        """Create or update a person."""
        saved = await self._save(MEMBER, member.tenant_id, member)
        # Their zone, pause, reachability or their first record (an owner with no
        # record is asked in the team's zone) may make a card due earlier anywhere.
        await self.mark_tenant_changed(member.tenant_id)
        return saved

    async def list_members(self, tenant_id: str) -> list[Member]:
        """Everyone the bot knows in the tenant."""
        return await self._list(MEMBER, tenant_id, order_by="id")

    async def get_members(self, tenant_id: str, member_ids: Iterable[str]) -> list[Member]:
        """The people of ``member_ids`` that exist, by id: :data:`IDS_PER_QUERY` to a query.

        What a card that names a few people reads: one query, where a point
        read each would be a round trip each.
        """
        wanted = sorted(set(member_ids))
        found: list[Member] = []
        for start in range(0, len(wanted), IDS_PER_QUERY):
            chunk = tuple(wanted[start : start + IDS_PER_QUERY])
            found += await self._list(MEMBER, tenant_id, where={"id": chunk}, order_by="id")
        return found

    async def list_members_by_name(
        self, tenant_id: str, *, team_id: str | None = None, limit: int | None = None
    ) -> list[Member]:
        """The tenant's people (those in ``team_id`` when given), by name, at most ``limit``.

        What a pick-list of people reads: as many as it shows, not the tenant.
        """
        where = {"team_ids": Contains(team_id)} if team_id is not None else None
        return await self._list(MEMBER, tenant_id, where=where, order_by="name", limit=limit)

    async def list_member_names(
        self, tenant_id: str, *, team_id: str | None = None, limit: int | None = None
    ) -> list[MemberName]:
        """The people :meth:`list_members_by_name` returns, as a pick-list names them.

        One query of three fields a person: no whole document is sent, parsed or decoded.
        """
        where = {"team_ids": Contains(team_id)} if team_id is not None else None
        rows = await self._backend.query_fields(
            tenant_id, MEMBER.name, ("id", "name", "email"), where, order_by="name", limit=limit
        )
        return [MemberName(id_, name or "", email) for id_, name, email in rows]

    async def find_member_by_email(self, tenant_id: str, email: str) -> Member | None:
        """A person by e-mail or UPN (case-insensitive, as Entra compares them)."""
        wanted = email.strip().casefold()
        for member in await self.list_members(tenant_id):
            if member.email is not None and member.email.casefold() == wanted:
                return member
        return None

    async def find_member_by_aad(self, tenant_id: str, aad_object_id: str) -> Member | None:
        """A person by Entra object id."""
        found = await self._list(MEMBER, tenant_id, where={"aad_object_id": aad_object_id})
        return found[0] if found else None

    # -- conversation references ---------------------------------------------

    async def get_conversation(self, tenant_id: str, key: str) -> ConversationRef | None:
        """A stored conversation by key (member id, channel id or chat id)."""
        return await self._get(CONVERSATION, tenant_id, key)

    async def save_conversation(self, ref: ConversationRef) -> ConversationRef:
        """Create or update a conversation reference."""
        return await self._save(CONVERSATION, ref.tenant_id, ref)

    async def list_conversations(
        self, tenant_id: str, team_id: str | None = None
    ) -> list[ConversationRef]:
        """The tenant's stored conversations, optionally those of one team."""
        where = {"team_id": team_id} if team_id is not None else None
        return await self._list(CONVERSATION, tenant_id, where=where, order_by="id")

    # -- objectives, key results, initiatives, KPIs --------------------------

    async def get_objective(self, tenant_id: str, objective_id: str) -> Objective | None:
        """One objective."""
        return await self._get(OBJECTIVE, tenant_id, objective_id)

    async def save_objective(self, objective: Objective) -> Objective:
        """Create or update an objective."""
        saved = await self._save(OBJECTIVE, objective.tenant_id, objective)
        await self._mark_changed(objective.tenant_id, objective.team_id)
        return saved

    async def delete_objective(self, tenant_id: str, objective_id: str, etag: str) -> None:
        """Delete an objective (meant for drafts; history is kept otherwise)."""
        await self._delete(OBJECTIVE, tenant_id, objective_id, etag)
        await self.mark_tenant_changed(tenant_id)  # its team is not known here; deletes are rare

    async def list_objectives(
        self,
        tenant_id: str,
        *,
        team_id: str | None = None,
        owner_id: str | None = None,
        state: ObjectiveState | None = None,
        parent_id: str | None = None,
        states: Sequence[ObjectiveState] | None = None,
        limit: int | None = None,
    ) -> list[Objective]:
        """The tenant's objectives, filtered by whichever arguments are given.

        ``states``: in any of these states; ``limit``: the first so many, in
        creation order (what a list shows, however many there are).
        """
        where: dict[str, Match] = {}
        if team_id is not None:
            where["team_id"] = team_id
        if owner_id is not None:
            where["owner_id"] = owner_id
        if state is not None:
            where["state"] = state.value
        if states is not None:
            where["state"] = tuple(s.value for s in states)
        if parent_id is not None:
            where["parent_id"] = parent_id
        return await self._list(
            OBJECTIVE, tenant_id, where=where, order_by="created_at", limit=limit
        )

    async def list_objective_titles(
        self,
        tenant_id: str,
        *,
        states: Sequence[ObjectiveState] | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, str]]:
        """``(title, id)`` of the objectives :meth:`list_objectives` returns, in its order.

        What a pick-list of objectives reads: one query of two fields an
        objective, no whole document sent, parsed or decoded.
        """
        where: dict[str, Match] = {}
        if states is not None:
            where["state"] = tuple(s.value for s in states)
        rows = await self._backend.query_fields(
            tenant_id, OBJECTIVE.name, ("title", "id"), where, order_by="created_at", limit=limit
        )
        return [(title, id_) for title, id_ in rows]

    async def get_key_result(self, tenant_id: str, key_result_id: str) -> KeyResult | None:
        """One key result."""
        return await self._get(KEY_RESULT, tenant_id, key_result_id)

    async def save_key_result(self, key_result: KeyResult) -> KeyResult:
        """Create or update a key result (its owner, objective, anything but a check-in).

        Check-ins update the key result through :meth:`record_checkins`, which
        does not touch the next-due index: a later check-in only spares cards.
        """
        saved = await self._save(KEY_RESULT, key_result.tenant_id, key_result)
        objective = await self.get_objective(key_result.tenant_id, key_result.objective_id)
        await self._mark_changed(key_result.tenant_id, objective.team_id if objective else None)
        return saved

    async def delete_key_result(self, tenant_id: str, key_result_id: str, etag: str) -> None:
        """Delete a key result (meant for drafts)."""
        await self._delete(KEY_RESULT, tenant_id, key_result_id, etag)
        await self.mark_tenant_changed(tenant_id)  # its team is not known here; deletes are rare

    async def list_key_results(
        self,
        tenant_id: str,
        *,
        objective_id: str | None = None,
        owner_id: str | None = None,
        objective_ids: Sequence[str] | None = None,
        owner_ids: Sequence[str] | None = None,
        statuses: Sequence[CheckInStatus] | None = None,
    ) -> list[KeyResult]:
        """Key results of an objective (or of any of ``objective_ids``) and/or of an owner
        (or of any of ``owner_ids``), and, with ``statuses``, whose owner's last status is
        one of them (never checked in matches none).

        ``objective_ids`` and ``owner_ids`` are read :data:`IDS_PER_QUERY` to a query
        (an ``IN``); the key results come back in creation order, as for one objective.
        """
        if objective_ids is not None and objective_id is not None:
            raise ValueError("objective_id or objective_ids, not both")
        if owner_ids is not None and owner_id is not None:
            raise ValueError("owner_id or owner_ids, not both")
        where: dict[str, Match] = {}
        if objective_id is not None:
            where["objective_id"] = objective_id
        if owner_id is not None:
            where["owner_id"] = owner_id
        if statuses is not None:
            where["last_status"] = tuple(dict.fromkeys(s.value for s in statuses))
        chunks: list[dict[str, Match]] = [where]
        for field, ids in (("objective_id", objective_ids), ("owner_id", owner_ids)):
            if ids is not None:
                wanted = list(dict.fromkeys(ids))
                chunks = [
                    {**chunk, field: tuple(wanted[start : start + IDS_PER_QUERY])}
                    for chunk in chunks
                    for start in range(0, len(wanted), IDS_PER_QUERY)
                ]
        if any(v == () for chunk in chunks for v in chunk.values()):
            return []  # an empty IN (no ids, or no statuses) matches nothing
        found: list[KeyResult] = []
        for chunk in chunks:
            found += await self._list(KEY_RESULT, tenant_id, where=chunk, order_by="created_at")
        if len(chunks) > 1:
            found.sort(key=_created_order)
        return found

    async def get_initiative(self, tenant_id: str, initiative_id: str) -> Initiative | None:
        """One initiative."""
        return await self._get(INITIATIVE, tenant_id, initiative_id)

    async def save_initiative(self, initiative: Initiative) -> Initiative:
        """Create or update an initiative."""
        return await self._save(INITIATIVE, initiative.tenant_id, initiative)

    async def list_initiatives(self, tenant_id: str, objective_id: str) -> list[Initiative]:
        """An objective's initiatives."""
        return await self._list(
            INITIATIVE, tenant_id, where={"objective_id": objective_id}, order_by="created_at"
        )

    async def get_kpi(self, tenant_id: str, kpi_id: str) -> Kpi | None:
        """One KPI."""
        return await self._get(KPI, tenant_id, kpi_id)

    async def save_kpi(self, kpi: Kpi) -> Kpi:
        """Create or update a KPI."""
        return await self._save(KPI, kpi.tenant_id, kpi)

    async def list_kpis(self, tenant_id: str, team_id: str | None = None) -> list[Kpi]:
        """The tenant's KPIs, optionally one team's."""
        where = {"team_id": team_id} if team_id is not None else None
        return await self._list(KPI, tenant_id, where=where, order_by="id")

    async def create_missing(self, tenant_id: str, entities: Sequence[Creatable]) -> int:
        """Create those of ``entities`` that are not stored yet (by id); return how many.

        Entities already stored are left as they are, never overwritten. All or
        nothing where the backend can do it (SQLite: one statement). Elsewhere
        (Cosmos DB) one create per document, :data:`CREATES_IN_FLIGHT` at a
        time, in dependency layers (:func:`_layers`): a layer starts once every
        document of the layer before is written, so nothing is written before
        what it refers to in the same call (an objective's parent, the
        objective of a key result, check-in, initiative or pending owner, a key
        result's check-ins, an initiative's key result, a pending owner's key
        result). A document that exists already (409) counts as there. A failure
        stops the call: no new create starts, those in flight finish, the first
        failure is raised. An interrupted call leaves whole layers plus part of
        one, and calling again with the same entities completes it without
        duplicating anything.

        Raises:
            ValueError: an entity belongs to another tenant.
        """
        for entity in entities:
            if entity.tenant_id != tenant_id:
                raise ValueError(f"{type(entity).__name__} {entity.id!r} is not of this tenant")
        if not entities:
            return 0
        if isinstance(self._backend, CreatesAtomically):
            documents = [(_CREATABLE[type(e)].name, e.id, to_document(e)) for e in entities]
            created = await self._backend.create_missing(tenant_id, documents)
        else:
            created = 0
            for layer in _layers(entities):
                created += await self._create_concurrently(tenant_id, layer)
        # Even when nothing was created: an interrupted earlier call may have
        # created everything and stopped before this.
        await self.mark_tenant_changed(tenant_id)
        return created

    async def _create_concurrently(self, tenant_id: str, entities: Sequence[Creatable]) -> int:
        """Create each of ``entities``, :data:`CREATES_IN_FLIGHT` at once; return how many.

        Throttling (429) is retried by the Cosmos SDK inside each create, as for
        every call (after its retries it is ``StoreUnavailableError``).
        """
        pending = iter(entities)
        failures: list[BaseException] = []
        created = 0

        async def worker() -> None:
            nonlocal created
            for entity in pending:  # shared: each entity goes to one worker
                if failures:
                    return
                kind = _CREATABLE[type(entity)].name
                try:
                    await self._backend.create(tenant_id, kind, entity.id, to_document(entity))
                except AlreadyExistsError:
                    continue  # stored before: by an earlier, interrupted call, or in Teams
                except BaseException as exc:
                    failures.append(exc)
                    return
                created += 1

        await asyncio.gather(*(worker() for _ in range(min(CREATES_IN_FLIGHT, len(entities)))))
        if failures:
            raise failures[0]
        return created

    async def not_stored(self, tenant_id: str, entities: Sequence[Creatable]) -> list[Creatable]:
        """Those of ``entities`` not stored yet (by kind and id), in the order given.

        What an import still has to create: it reads this once, before it
        writes, :data:`IDS_PER_QUERY` ids to a query.
        """
        wanted: dict[str, list[str]] = {}
        for entity in entities:
            wanted.setdefault(_CREATABLE[type(entity)].name, []).append(entity.id)
        stored: set[tuple[str, str]] = set()
        for kind, ids in wanted.items():
            unique = list(dict.fromkeys(ids))
            for start in range(0, len(unique), IDS_PER_QUERY):
                chunk = tuple(unique[start : start + IDS_PER_QUERY])
                docs = await self._backend.query(tenant_id, kind, where={"id": chunk})
                stored.update((kind, d.body["id"]) for d in docs)
        return [e for e in entities if (_CREATABLE[type(e)].name, e.id) not in stored]

    # -- owners not met yet ----------------------------------------------------

    async def save_pending_owner(self, pending: PendingOwner) -> PendingOwner:
        """Create (etag None) or update a pending owner."""
        return await self._save(PENDING_OWNER, pending.tenant_id, pending)

    async def list_pending_owners(
        self,
        tenant_id: str,
        *,
        email: str | None = None,
        team_id: str | None = None,
        limit: int | None = None,
    ) -> list[PendingOwner]:
        """Pending owners of the tenant, of one e-mail/UPN and/or one team, by id."""
        where: dict[str, Scalar] = {}
        if email is not None:
            where["email"] = email.strip().casefold()
        if team_id is not None:
            where["team_id"] = team_id
        return await self._list(PENDING_OWNER, tenant_id, where=where, order_by="id", limit=limit)

    async def delete_pending_owner(self, pending: PendingOwner) -> None:
        """Forget a pending owner (they have been linked); gone already is fine."""
        with contextlib.suppress(NotFoundError):
            await self._delete(PENDING_OWNER, pending.tenant_id, pending.id, None)

    # -- check-ins -----------------------------------------------------------

    async def record_checkin(self, checkin: CheckIn) -> tuple[CheckIn, bool]:
        """Append a check-in and make it the key result's latest value if it is newest.

        Idempotent by ``checkin.id``: a retried call stores nothing new and
        returns the stored check-in with ``False``. Concurrent check-ins on one
        key result are all kept; the key result mirrors the newest by
        ``(recorded_at, id)``.

        Cost when new: one point read, two writes (plus one read and one write
        per lost race on the key result).

        Raises:
            NotFoundError: the key result does not exist in this tenant.
            ValueError: the check-in names another objective than its key result.
        """
        tenant = checkin.tenant_id
        key_result = await self.get_key_result(tenant, checkin.key_result_id)
        if key_result is None:
            raise NotFoundError(f"key result {checkin.key_result_id!r} not found")
        if key_result.objective_id != checkin.objective_id:
            raise ValueError("check-in objective does not match its key result")
        try:
            await self._backend.create(tenant, CHECKIN.name, checkin.id, to_document(checkin))
            stored, created = checkin, True
        except AlreadyExistsError:
            existing = await self._get(CHECKIN, tenant, checkin.id)
            if existing is None:  # deleted in between; cannot happen for check-ins
                raise
            stored, created = existing, False
        await self._mirror_latest(key_result, stored)
        return stored, created

    async def record_checkins(
        self,
        tenant_id: str,
        checkins: Sequence[CheckIn],
        key_results: Sequence[KeyResult] = (),
    ) -> list[CheckIn]:
        """Record one card's check-ins together, all or none; return them as stored.

        Like :meth:`record_checkin` for each (idempotent by id: a replayed card
        returns what the first submission stored), but the check-ins are created
        together: in one statement where the backend can (SQLite); elsewhere one
        by one, and the ones this call created are deleted again if a later one
        fails. Only then does each key result mirror its newest check-in (all
        the key results at once); if that fails, calling again with the same
        check-ins completes it.

        ``key_results`` the caller has just read are used instead of reading
        them again (a stale one only costs the mirror a retry). Nothing else is
        read unless a check-in already existed (a card submitted twice at once).

        Raises:
            NotFoundError: a key result does not exist in this tenant.
            ValueError: a check-in is of another tenant, or names another
                objective than its key result.
        """
        if any(c.tenant_id != tenant_id for c in checkins):
            raise ValueError("a check-in is not of this tenant")
        known = {kr.id: kr for kr in key_results if kr.tenant_id == tenant_id}
        found = await asyncio.gather(
            *(
                _ready(known[c.key_result_id])
                if c.key_result_id in known
                else self.get_key_result(tenant_id, c.key_result_id)
                for c in checkins
            )
        )
        for checkin, key_result in zip(checkins, found, strict=True):
            if key_result is None:
                raise NotFoundError(f"key result {checkin.key_result_id!r} not found")
            if key_result.objective_id != checkin.objective_id:
                raise ValueError("check-in objective does not match its key result")
        pairs = [(kr, c) for kr, c in zip(found, checkins, strict=True) if kr is not None]
        stored = list(checkins)
        if isinstance(self._backend, WritesTogether) and checkins:
            # The check-ins and their key results' mirrors in one commit (SQLite).
            left = await self._record_together(tenant_id, checkins, pairs)
            if left is None:
                return stored
            created_all, pairs = left
        else:
            created_all = await self._create_together(tenant_id, checkins)
        if not created_all:
            # Some were there already: what stays is what was stored first.
            earlier = await asyncio.gather(*(self._get(CHECKIN, tenant_id, c.id) for c in checkins))
            stored = [e or c for c, e in zip(checkins, earlier, strict=True)]
            pairs = [(kr, s) for (kr, _c), s in zip(pairs, stored, strict=True)]
        # Each key result at once (one commit for all on SQLite), its own in order.
        by_key_result: dict[str, list[tuple[KeyResult, CheckIn]]] = {}
        for key_result, checkin in pairs:
            by_key_result.setdefault(key_result.id, []).append((key_result, checkin))
        failed = [
            outcome
            for outcome in await asyncio.gather(
                *(self._mirror_in_order(pairs) for pairs in by_key_result.values()),
                return_exceptions=True,
            )
            if isinstance(outcome, BaseException)
        ]
        if failed:
            raise failed[0]
        return stored

    async def _record_together(
        self,
        tenant_id: str,
        checkins: Sequence[CheckIn],
        pairs: list[tuple[KeyResult, CheckIn]],
    ) -> tuple[bool, list[tuple[KeyResult, CheckIn]]] | None:
        """Create the check-ins and mirror them on their key results, in one commit.

        None when all of it was done. Otherwise whether every check-in was
        created, and what is left to mirror the usual way: every pair when some
        check-in was there already (nothing was mirrored), else the pairs of
        the key results changed meanwhile (their ETag had moved on: retried
        with a fresh read, as any mirror).
        """
        assert isinstance(self._backend, WritesTogether)
        read: dict[str, KeyResult] = {}  # each key result as read
        mirrored: dict[str, KeyResult] = {}  # and as its check-ins leave it, in order
        for key_result, checkin in pairs:
            read.setdefault(key_result.id, key_result)
            current = mirrored.get(key_result.id, key_result)
            mirrored[key_result.id] = _mirrored(current, checkin) or current
        # A key result read without an ETag is left to the usual way.
        changed = [
            kr for id_, kr in mirrored.items() if kr is not read[id_] and read[id_].etag is not None
        ]
        creates = [(CHECKIN.name, c.id, to_document(c)) for c in checkins]
        replaces = [
            (KEY_RESULT.name, kr.id, to_document(kr), read[kr.id].etag or "") for kr in changed
        ]
        created, etags = await self._backend.create_then_replace(tenant_id, creates, replaces)
        if created != len(creates):
            return False, pairs
        done = {kr.id for kr, etag in zip(changed, etags, strict=True) if etag is not None}
        done |= {id_ for id_, kr in mirrored.items() if kr is read[id_]}  # nothing to mirror
        left = [(kr, c) for kr, c in pairs if kr.id not in done]
        if not left:
            return None
        # Changed meanwhile: mirrored from a fresh read (a vanished one fails as any mirror).
        stale = list(dict.fromkeys(kr.id for kr, _c in left))
        fresh = dict(
            zip(
                stale,
                await asyncio.gather(*(self.get_key_result(tenant_id, id_) for id_ in stale)),
                strict=True,
            )
        )
        return True, [(fresh[kr.id] or kr, c) for kr, c in left]

    async def _mirror_in_order(self, pairs: Sequence[tuple[KeyResult, CheckIn]]) -> None:
        for key_result, checkin in pairs:
            await self._mirror_latest(key_result, checkin)

    async def _create_together(self, tenant_id: str, checkins: Sequence[CheckIn]) -> bool:
        """Create the check-ins not stored yet, together; True if this call created all."""
        documents = [(CHECKIN.name, c.id, to_document(c)) for c in checkins]
        if not documents:
            return True
        if isinstance(self._backend, CreatesAtomically):
            return await self._backend.create_missing(tenant_id, documents) == len(documents)
        created: list[str] = []
        try:
            for kind, id_, body in documents:
                try:
                    await self._backend.create(tenant_id, kind, id_, body)
                except AlreadyExistsError:
                    continue  # the same card, submitted twice at once
                created.append(id_)
            return len(created) == len(documents)
        except BaseException:
            # Undo this call's part: a card is recorded whole or not at all. If
            # storage is gone this may fail too; the retry then completes the card.
            for id_ in created:
                with contextlib.suppress(StoreError):
                    await self._backend.delete(tenant_id, CHECKIN.name, id_)
            raise

    async def _mirror_latest(self, key_result: KeyResult, checkin: CheckIn) -> None:
        for attempt in range(_MIRROR_RETRIES):
            updated = _mirrored(key_result, checkin)
            if updated is None:
                return  # a newer (or this same) check-in is already mirrored
            try:
                # Not save_key_result: a check-in only spares cards (next-due index).
                await self._save(KEY_RESULT, updated.tenant_id, updated)
                return
            except ConflictError:
                # Another check-in won the race: jittered pause, read again, retry.
                await asyncio.sleep(random.uniform(0, 0.002 * min(attempt, 10)))
                fresh = await self.get_key_result(key_result.tenant_id, key_result.id)
                if fresh is None:
                    raise NotFoundError(f"key result {key_result.id!r} vanished") from None
                key_result = fresh
        raise ConflictError(f"key result {key_result.id!r} too contended to update")

    async def correct_checkins(
        self,
        tenant_id: str,
        corrections: Sequence[CheckIn],
        key_results: Sequence[KeyResult] = (),
    ) -> list[CheckIn]:
        """Record corrections, each in place of the check-in it names; return those that stand.

        Each correction names the check-in it replaces (``supersedes``). It is
        created (idempotent by id, like :meth:`record_checkins`), then the
        replaced check-in is marked ``superseded_by`` it (ETag-protected, so
        it is marked once), then the key result mirrors it. When two
        corrections of one check-in race, the first to mark it stands: the
        other is deleted again and the standing one is returned in its place.
        If storage fails between the create and the mark, the correction is
        deleted again where possible; calling again completes it.

        Raises:
            NotFoundError: the corrected check-in or the key result does not exist.
            ValueError: a correction is of another tenant, names no check-in,
                or names one of another key result.
        """
        known = {kr.id: kr for kr in key_results if kr.tenant_id == tenant_id}
        stored = []
        for correction in corrections:
            if correction.tenant_id != tenant_id or correction.supersedes is None:
                raise ValueError("not a correction of this tenant")
            key_result = known.get(correction.key_result_id) or await self.get_key_result(
                tenant_id, correction.key_result_id
            )
            if key_result is None:
                raise NotFoundError(f"key result {correction.key_result_id!r} not found")
            if key_result.objective_id != correction.objective_id:
                raise ValueError("check-in objective does not match its key result")
            standing = await self._supersede(correction)
            await self._mirror_latest(key_result, standing)
            stored.append(standing)
        return stored

    async def _supersede(self, correction: CheckIn) -> CheckIn:
        """Create ``correction`` and mark the check-in it replaces; the correction that stands."""
        tenant_id = correction.tenant_id
        assert correction.supersedes is not None
        earlier = await self._get(CHECKIN, tenant_id, correction.supersedes)
        if earlier is None:
            raise NotFoundError(f"check-in {correction.supersedes!r} not found")
        if earlier.key_result_id != correction.key_result_id:
            raise ValueError("a correction must be of the same key result")
        if earlier.superseded_by not in (None, correction.id):
            return await self._standing(tenant_id, earlier)
        created = True
        try:
            await self._backend.create(
                tenant_id, CHECKIN.name, correction.id, to_document(correction)
            )
            stored = correction
        except AlreadyExistsError:  # the same correction, submitted again
            existing = await self._get(CHECKIN, tenant_id, correction.id)
            if existing is None:
                raise
            stored, created = existing, False
        try:
            for _ in range(_MIRROR_RETRIES):
                if earlier.superseded_by == stored.id:
                    return stored
                if earlier.superseded_by is not None:
                    # Another correction marked it first: that one stands.
                    if created:
                        await self._backend.delete(tenant_id, CHECKIN.name, stored.id)
                    return await self._standing(tenant_id, earlier)
                try:
                    await self._save(
                        CHECKIN, tenant_id, dataclasses.replace(earlier, superseded_by=stored.id)
                    )
                    return stored
                except ConflictError:
                    fresh = await self._get(CHECKIN, tenant_id, earlier.id)
                    if fresh is None:
                        raise NotFoundError(f"check-in {earlier.id!r} vanished") from None
                    earlier = fresh
            raise ConflictError(f"check-in {earlier.id!r} too contended to correct")
        except BaseException:
            if created:
                # Undo: a correction stands only once the check-in it replaces says so.
                with contextlib.suppress(StoreError, NotFoundError):
                    await self._backend.delete(tenant_id, CHECKIN.name, stored.id)
            raise

    async def _standing(self, tenant_id: str, earlier: CheckIn) -> CheckIn:
        """The correction that replaced ``earlier``."""
        assert earlier.superseded_by is not None
        standing = await self._get(CHECKIN, tenant_id, earlier.superseded_by)
        if standing is None:
            raise NotFoundError(f"check-in {earlier.superseded_by!r} not found")
        return standing

    async def get_checkin(self, tenant_id: str, checkin_id: str) -> CheckIn | None:
        """One check-in by id."""
        return await self._get(CHECKIN, tenant_id, checkin_id)

    async def list_checkins(
        self,
        tenant_id: str,
        *,
        key_result_id: str | None = None,
        objective_id: str | None = None,
        author_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
        include_superseded: bool = False,
        objective_ids: Sequence[str] | None = None,
    ) -> list[CheckIn]:
        """Check-in history, newest first, filtered by whichever arguments are given.

        Check-ins replaced by a correction are left out unless ``include_superseded``.
        ``objective_ids``: those of any of these objectives, read :data:`IDS_PER_QUERY`
        to a query (``limit`` then applies to each query, not to the whole).
        """
        if objective_ids is not None and objective_id is not None:
            raise ValueError("objective_id or objective_ids, not both")
        where: dict[str, Match] = {}
        if not include_superseded:
            where["superseded_by"] = None
        if key_result_id is not None:
            where["key_result_id"] = key_result_id
        if objective_id is not None:
            where["objective_id"] = objective_id
        if author_id is not None:
            where["author_id"] = author_id
        at_least = ("recorded_at", encode_datetime(since)) if since is not None else None

        async def query(where: dict[str, Match]) -> list[CheckIn]:
            return await self._list(
                CHECKIN,
                tenant_id,
                where=where,
                order_by="recorded_at",
                descending=True,
                limit=limit,
                at_least=at_least,
            )

        if objective_ids is None:
            return await query(where)
        wanted = list(dict.fromkeys(objective_ids))
        chunks = await asyncio.gather(
            *(
                query({**where, "objective_id": tuple(wanted[start : start + IDS_PER_QUERY])})
                for start in range(0, len(wanted), IDS_PER_QUERY)
            )
        )
        found = [checkin for chunk in chunks for checkin in chunk]
        if len(chunks) > 1:
            found.sort(key=lambda checkin: checkin.recorded_at, reverse=True)
        return found

    # -- scheduler records ---------------------------------------------------

    async def get_round(self, tenant_id: str, round_id: str) -> Round | None:
        """One scheduled round."""
        return await self._get(ROUND, tenant_id, round_id)

    async def save_round(self, round_: Round) -> Round:
        """Create or update a round."""
        return await self._save(ROUND, round_.tenant_id, round_)

    async def list_rounds(self, tenant_id: str, team_id: str) -> list[Round]:
        """A team's rounds, newest due first."""
        return await self._list(
            ROUND, tenant_id, where={"team_id": team_id}, order_by="due_at", descending=True
        )

    async def get_delivery(self, tenant_id: str, delivery_id: str) -> Delivery | None:
        """One delivery record."""
        return await self._get(DELIVERY, tenant_id, delivery_id)

    async def save_delivery(self, delivery: Delivery) -> Delivery:
        """Create (pending, before sending) or update (after sending) a delivery record.

        A "Remind me later" time or a team owner's nudge request makes a reminder
        due at another time than the rules say: the team's passes look again.
        """
        saved = await self._save(DELIVERY, delivery.tenant_id, delivery)
        if delivery.remind_at is not None or delivery.kind == DeliveryKind.NUDGE_REQUEST.value:
            parsed = parse_round_id(delivery.round_id)
            await self._mark_changed(delivery.tenant_id, parsed[0] if parsed else None)
        return saved

    async def list_deliveries(
        self, tenant_id: str, round_id: str, state: DeliveryState | None = None
    ) -> list[Delivery]:
        """A round's delivery records, optionally in one state."""
        where: dict[str, Scalar] = {"round_id": round_id}
        if state is not None:
            where["state"] = state.value
        return await self._list(DELIVERY, tenant_id, where=where, order_by="id")

    # -- digest snapshots ------------------------------------------------------

    async def save_snapshot(self, snapshot: DigestSnapshot) -> DigestSnapshot:
        """Store what a digest showed (created once per team and slot)."""
        return await self._save(SNAPSHOT, snapshot.tenant_id, snapshot)

    async def get_snapshot(self, tenant_id: str, snapshot_id: str) -> DigestSnapshot | None:
        """One digest snapshot by id (:meth:`DigestSnapshot.id_for`)."""
        return await self._get(SNAPSHOT, tenant_id, snapshot_id)

    async def latest_snapshot(
        self, tenant_id: str, team_id: str, before: date | None = None
    ) -> DigestSnapshot | None:
        """The team's newest digest snapshot, of a slot before ``before`` when given.

        Snapshots are taken in slot order, so the newest two are enough: a slot's
        own snapshot (its digest being posted again) and the one before it.
        """
        found = await self._list(
            SNAPSHOT,
            tenant_id,
            where={"team_id": team_id},
            order_by="slot",
            descending=True,
            limit=2,
        )
        earlier = [s for s in found if before is None or s.slot < before]
        return earlier[0] if earlier else None

    # -- the next-due index (storage.due_index) ---------------------------------

    async def read_due_index(self, tenant_id: str) -> DueIndex:
        """The tenant's change tokens and next-due entries, in one query."""
        docs = await self._backend.query(tenant_id, DUE_INDEX_KIND)
        return DueIndex.from_documents(d.body for d in docs)

    async def save_next_due(self, tenant_id: str, entry: NextDue) -> None:
        """Store a team's next-due entry for a pass kind (replacing the one before)."""
        body = entry.to_document()
        await self._backend.upsert(tenant_id, DUE_INDEX_KIND, body["id"], body)

    async def mark_team_changed(self, tenant_id: str, team_id: str) -> None:
        """Invalidate the team's next-due entries: a blind write of a fresh token."""
        id_ = team_changed_id(team_id)
        await self._backend.upsert(
            tenant_id, DUE_INDEX_KIND, id_, {"id": id_, "token": new_token()}
        )

    async def mark_tenant_changed(self, tenant_id: str) -> None:
        """Invalidate every next-due entry of the tenant (people, or a change of no one team)."""
        body = {"id": TENANT_CHANGED_ID, "token": new_token()}
        await self._backend.upsert(tenant_id, DUE_INDEX_KIND, TENANT_CHANGED_ID, body)

    async def _mark_changed(self, tenant_id: str, team_id: str | None) -> None:
        if team_id:
            await self.mark_team_changed(tenant_id, team_id)
        else:
            await self.mark_tenant_changed(tenant_id)

    async def acquire_lease(
        self, tenant_id: str, name: str, holder: str, ttl: timedelta, now: datetime
    ) -> Lease | None:
        """Claim ``name`` for ``holder`` until ``now + ttl``; None if someone else holds it.

        A holder may renew its own lease; an expired lease may be taken over.
        Exactly one of several concurrent callers gets it (ETag-protected).
        """
        wanted = Lease(tenant_id=tenant_id, id=name, holder=holder, expires_at=now + ttl)
        current = await self._get(LEASE, tenant_id, name)
        if current is not None:
            if current.holder != holder and current.expires_at > now:
                return None
            wanted = dataclasses.replace(wanted, etag=current.etag)
        try:
            return await self._save(LEASE, tenant_id, wanted)
        except (ConflictError, NotFoundError):
            return None

    async def release_lease(self, lease: Lease) -> None:
        """Give a lease up early (no-op if someone else has taken it since)."""
        with contextlib.suppress(ConflictError, NotFoundError):
            await self._delete(LEASE, lease.tenant_id, lease.id, lease.etag)


def _mirrored(key_result: KeyResult, checkin: CheckIn) -> KeyResult | None:
    """``key_result`` showing ``checkin`` as its latest, or None if a newer one is shown already."""
    latest = key_result.last_checkin_at, key_result.last_checkin_id or ""
    replaces_latest = checkin.supersedes is not None and (
        key_result.last_checkin_id == checkin.supersedes
    )
    if (
        key_result.last_checkin_at is not None
        and latest >= (checkin.recorded_at, checkin.id)
        and not replaces_latest  # a correction takes its place, even in the same instant
    ):
        return None
    return dataclasses.replace(
        key_result,
        current=checkin.value,
        last_checkin_at=checkin.recorded_at,
        last_checkin_id=checkin.id,
        last_status=checkin.status,
        last_note=checkin.note,
    )


async def _ready[T](value: T) -> T:
    """``value`` as an awaitable, to gather it with reads."""
    return value


def _created_order(key_result: KeyResult) -> tuple[bool, float, str]:
    """Creation order, those without a creation time first (as the queries sort)."""
    created = key_result.created_at
    return (created is not None, 0.0 if created is None else created.timestamp(), key_result.id)


def _layers(entities: Sequence[Creatable]) -> list[list[Creatable]]:
    """``entities`` in dependency layers, each in the order given.

    Layer 0 holds what refers to nothing else among ``entities``; each later
    layer what refers to something in the layer before it at most. What an
    entity waits for, when it is among ``entities``: an objective its parent;
    a check-in its objective; a key result its objective and its check-ins (the
    check-ins come first, so a key result appears with its history whole and
    its ``last_checkin_id`` points to a stored check-in); an initiative or a
    pending owner its objective and key result. KPIs refer to nothing.

    Raises:
        ValueError: objectives whose parents form a cycle.
    """
    present = {(_CREATABLE[type(e)].name, e.id) for e in entities}
    checkins: dict[str, list[tuple[str, str]]] = {}
    for entity in entities:
        if isinstance(entity, CheckIn):
            checkins.setdefault(entity.key_result_id, []).append((CHECKIN.name, entity.id))
    needs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for entity in entities:
        refers: list[tuple[str, str]] = []
        if isinstance(entity, Objective):
            refers.append((OBJECTIVE.name, entity.parent_id or ""))
        elif isinstance(entity, KeyResult):
            refers += [(OBJECTIVE.name, entity.objective_id), *checkins.get(entity.id, [])]
        elif isinstance(entity, CheckIn):
            refers.append((OBJECTIVE.name, entity.objective_id))
        elif isinstance(entity, Initiative | PendingOwner):
            refers += [
                (OBJECTIVE.name, entity.objective_id),
                (KEY_RESULT.name, entity.key_result_id or ""),
            ]
        key = (_CREATABLE[type(entity)].name, entity.id)
        needs[key] = [r for r in refers if r in present and r != key]
    depth: dict[tuple[str, str], int] = {}
    for start in needs:
        # Depth-first without recursion: chains of parents may be long.
        stack, visiting = [start], {start}
        while stack:
            key = stack[-1]
            waiting = [r for r in needs[key] if r not in depth]
            if not waiting:
                depth[key] = 1 + max((depth[r] for r in needs[key]), default=-1)
                visiting.discard(stack.pop())
                continue
            if waiting[0] in visiting:  # on the path that led here
                raise ValueError(f"objective {waiting[0][1]!r} is among its own parents")
            visiting.add(waiting[0])
            stack.append(waiting[0])
    layers: list[list[Creatable]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for entity in entities:
        layers[depth[(_CREATABLE[type(entity)].name, entity.id)]].append(entity)
    return layers
