"""The delivery engine: one pass of check-ins, of reminders and summaries, or of digests.

A pass asks the domain (:mod:`okr.due`, :mod:`okr.digest_due`) what is due at
``now`` for each team, then delivers each item exactly once:

1. A lease per (team, pass kind) in storage, ETag-protected and renewed while
   the pass runs, lets one app instance work on a team at a time.
2. Before sending, a delivery record ``<round>|<member>|<kind>`` (a channel
   post: ``<digest or report round>|channel``) is written as PENDING. A record
   already SENT or UNREACHABLE is never sent again; a record left PENDING by a
   crashed instance, or FAILED, is tried again by the next pass (FAILED up to
   ``max_attempts`` passes).
3. After the send, the record moves to SENT, FAILED or UNREACHABLE.

A team whose pass found nothing left to deliver gets a next-due entry
(:mod:`storage.due_index`, :mod:`okr.next_due`): until then, or until a write
that can make work due earlier changes its tokens, passes skip it unread.

:meth:`DeliveryEngine.stop` (SIGTERM) ends passes early but cleanly: cards in
flight are finished and recorded, nothing new is started, and every lease is
released, so the next instance carries on at once instead of waiting for the
leases to lapse.

The one window where a crash can still cause a duplicate is between Teams
accepting a message and step 3's write: the record is still PENDING, so the
next pass sends again. It lasts one storage write (milliseconds); see
docs/scheduling.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from okr.digest import TeamDigest, digest_today, reported_period
from okr.digest_due import (
    DigestSlot,
    PeriodReport,
    digest_due,
    digest_round_id,
    period_reports_due,
    report_round_id,
    team_locale,
)
from okr.due import (
    DeliveryKind,
    OwnerClosing,
    OwnerRound,
    RoundSummary,
    TeamSnapshot,
    closings_due,
    current_owner_rounds,
    due_owners,
    nudges_due,
    reminders_due,
    summary_due,
)
from okr.models import (
    ConversationKind,
    ConversationRef,
    Delivery,
    DeliveryState,
    KeyResult,
    Lease,
    Member,
    Objective,
    ObjectiveState,
    Team,
    Tenant,
)
from okr.next_due import checkins_change_at, digests_change_at, reminders_change_at
from scheduling.composer import Composed, Composer
from scheduling.sender import PersonalTarget, Sender, SendOutcome, SendResult
from storage.due_index import DueIndex, NextDue
from storage.errors import ConflictError, NotFoundError, StoreUnavailableError
from storage.ids import new_id
from storage.store import OkrStore

log = logging.getLogger("okr.scheduling")

Clock = Callable[[], datetime]


class PassKind(StrEnum):
    """What a pass delivers."""

    CHECKINS = "checkins"
    REMINDERS = "reminders"  # reminders and the team owners' summaries
    DIGESTS = "digests"  # the weekly channel digest, and the period report


@dataclass
class PassCounts:
    """What one pass did; the CLI prints it as one line."""

    sent: int = 0
    skipped: int = 0  # already delivered, given up on, or nothing to send it to
    failed: int = 0
    unreachable: int = 0
    retried: int = 0  # extra HTTP attempts, plus deliveries resumed after a crash or failure
    busy_teams: int = 0  # teams another instance was working on
    left: int = 0  # due, but not started because the engine was stopped
    idle_teams: int = 0  # skipped unread: their next-due entry says nothing new is due yet
    errors: list[str] = field(default_factory=list)

    def add(self, other: PassCounts) -> None:
        """Fold another pass's counts into these."""
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.unreachable += other.unreachable
        self.retried += other.retried
        self.busy_teams += other.busy_teams
        self.left += other.left
        self.idle_teams += other.idle_teams
        self.errors += other.errors

    def line(self) -> str:
        """One summary line for operators."""
        return (
            f"sent={self.sent} skipped={self.skipped} failed={self.failed} "
            f"unreachable={self.unreachable} retried={self.retried} busy_teams={self.busy_teams}"
        )

    @property
    def ok(self) -> bool:
        """Whether nothing failed."""
        return self.failed == 0 and not self.errors


def asked_in(records: Iterable[Delivery]) -> set[str]:
    """Who a round actually asked, from its delivery records: those whose card went out."""
    return {
        d.member_id
        for d in records
        if d.kind == DeliveryKind.CHECKIN.value and d.state is not DeliveryState.PENDING
    }


def card_id_for(delivery_id: str) -> str:
    """A short, stable id for the card of one delivery.

    Check-in ids are ``<card id>|<key result id>``; delivery ids carry Teams'
    long user and team ids, so the card carries a digest of it instead.
    """
    return hashlib.sha256(delivery_id.encode()).hexdigest()[:32]


# While passes run, a full collection waits this many young-generation collections
# (instead of Python's 10): in effect, until the last pass ends.
_DEFERRED_FULL_COLLECTION = 1_000_000_000


class FullCollectionsDeferred:
    """Defers Python's *full* garbage collections while passes run (nested and concurrent ones too).

    A pass over a large team holds tens of thousands of objects (members, key
    results, records, cards to send) for its duration, and a full collection
    rescans all of them while holding the GIL: at 10,000 owners single
    collections blocked the event loop for up to 130 ms (benchmarks/scaling.py).
    Only the oldest generation's collections are deferred: the young ones
    (a few thousand objects, a millisecond or so) go on, so what the turns
    served meanwhile leave in reference cycles is still freed during a round of
    several minutes. The oldest generation's threshold is restored when the
    last pass ends, and Python collects it at its next chance. Used on the
    event loop only (no lock needed).
    """

    def __init__(self) -> None:
        self._passes = 0
        self._threshold: tuple[int, int, int] | None = None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        if self._passes == 0:
            self._threshold = young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, _DEFERRED_FULL_COLLECTION)
        self._passes += 1
        try:
            yield
        finally:
            self._passes -= 1
            if self._passes == 0 and self._threshold is not None:
                gc.set_threshold(*self._threshold)
                self._threshold = None


full_collections_deferred = FullCollectionsDeferred()


class LeaseLostError(RuntimeError):
    """Another instance took over a team's lease: stop working on it."""


@dataclass(frozen=True, slots=True)
class PersonalChat:
    """A person, in their 1:1 chat with the bot (opened on the first send)."""

    member_id: str


@dataclass(frozen=True, slots=True)
class ChannelPost:
    """A new post (not a reply) in one of the team's channels."""

    channel_id: str


Recipient = PersonalChat | ChannelPost

CHANNEL_RECIPIENT = "channel"
"""The last part of a channel post's delivery id (``digest|<team>|<slot>|channel``)."""


@dataclass(frozen=True, slots=True)
class Work:
    """One delivery to make: its record id, recipient and how to build its card."""

    delivery_id: str
    round_id: str
    recipient: Recipient
    kind: DeliveryKind
    build: Callable[[], Awaitable[Composed]]

    @property
    def recipient_id(self) -> str:
        """What the delivery record names as ``member_id``: the person, or the channel's id."""
        if isinstance(self.recipient, PersonalChat):
            return self.recipient.member_id
        return self.recipient.channel_id


@dataclass(frozen=True, slots=True)
class _Settled:
    """Everything due was done; nothing new is due before ``until`` (None: by time, never)."""

    until: datetime | None


@dataclass(frozen=True, slots=True)
class _Decision:
    """A team's work due at a pass's ``now``, and what the next-due index may say of it.

    ``settled`` is None when the next pass must look again whatever happens.
    """

    work: list[Work]
    settled: _Settled | None


class DigestReader(Protocol):
    """Reads what a team's digest shows (``scheduling.digest_reads.read_team_digest``)."""

    async def __call__(
        self, store: OkrStore, team: Team, *, now: datetime, slot: date
    ) -> tuple[TeamDigest, Mapping[str, Member]]:
        """The team's digest for ``slot`` as of ``now``, and the people it names by id."""


async def active_key_results(
    store: OkrStore, tenant_id: str, objectives: list[Objective]
) -> list[KeyResult]:
    """The key results of the active ones of ``objectives`` (one query each)."""
    key_results: list[KeyResult] = []
    for objective in objectives:
        if objective.state is ObjectiveState.ACTIVE:
            key_results += await store.list_key_results(tenant_id, objective_id=objective.id)
    return key_results


def team_snapshot(
    team: Team,
    members: tuple[Member, ...],
    objectives: list[Objective],
    key_results: list[KeyResult],
) -> TeamSnapshot:
    """What a pass decides from: the team, its people, active objectives and their key results."""
    active = tuple(o for o in objectives if o.state is ObjectiveState.ACTIVE)
    return TeamSnapshot(
        team=team, members=members, objectives=active, key_results=tuple(key_results)
    )


class _TenantMembers:
    """The tenant's members, read once per pass and only if a team needs them."""

    def __init__(self, store: OkrStore, tenant_id: str) -> None:
        self._store = store
        self._tenant_id = tenant_id
        self._read: tuple[Member, ...] | None = None

    async def all(self) -> tuple[Member, ...]:
        """Everyone (read from the store the first time)."""
        if self._read is None:
            self._read = tuple(await self._store.list_members(self._tenant_id))
        return self._read


class _RoundRecords:
    """The delivery records of a team's rounds, each round read once per pass.

    Deciding what is due and dropping what is done read the same rounds; the
    records do not change meanwhile in a way that matters (each delivery is
    claimed by its own record under the team's lease).
    """

    def __init__(self, store: OkrStore, tenant_id: str) -> None:
        self._store = store
        self._tenant_id = tenant_id
        self._read: dict[str, list[Delivery]] = {}

    def read(self, round_id: str) -> list[Delivery]:
        """The round's records if :meth:`of` read them already, else none."""
        return self._read.get(round_id, [])

    async def of(self, round_id: str) -> list[Delivery]:
        """The round's records (read from the store the first time)."""
        if round_id not in self._read:
            self._read[round_id] = await self._store.list_deliveries(self._tenant_id, round_id)
        return self._read[round_id]


class DeliveryEngine:
    """Runs passes against storage and a :class:`~scheduling.sender.Sender`.

    Args:
        store: The open store.
        sender: Sends cards to Teams.
        composer: Builds the cards (``cards.deliveries.DeliveryCards`` in the app).
        instance: This app instance's name (lease holder).
        wall_clock: Real time, for leases and records (a pass's ``now`` may be
            an operator's ``--now``).
        lease_ttl: How long a lease lasts without renewal.
        concurrency: Deliveries in flight per team (the sender enforces Teams'
            rate limits; this only bounds memory and parallel connections).
        max_attempts: Passes after which a FAILED delivery is given up.
        progress: Called with a short line as work completes (for terminals).
        read_digest: Reads a team's digest for the digests pass (default:
            ``scheduling.digest_reads.read_team_digest``).
        index_max_age: How long a team's next-due entry is trusted at most,
            whatever it says: a safety net for a change whose invalidation
            was lost (a crash between the write and its token).
    """

    def __init__(
        self,
        store: OkrStore,
        sender: Sender,
        *,
        composer: Composer,
        instance: str,
        wall_clock: Clock,
        lease_ttl: timedelta = timedelta(minutes=3),
        concurrency: int = 16,
        max_attempts: int = 5,
        progress: Callable[[str], None] | None = None,
        read_digest: DigestReader | None = None,
        index_max_age: timedelta = timedelta(hours=1),
    ) -> None:
        if read_digest is None:
            # Imported here: digest_reads reads delivery records with this module's helpers.
            from scheduling.digest_reads import read_team_digest

            read_digest = read_team_digest
        self._store = store
        self._read_digest: DigestReader = read_digest
        self._sender = sender
        self._composer = composer
        self._instance = instance
        self._clock = wall_clock
        self._lease_ttl = lease_ttl
        self._concurrency = concurrency
        self._max_attempts = max_attempts
        self._progress = progress
        self._index_max_age = index_max_age
        self._stopping = False

    def stop(self) -> None:
        """Let running passes finish the cards in flight, start nothing new, and end.

        Each pass then records what it sent and releases its leases as usual, so
        another instance can take the teams over at once. What was not started
        is still due, and the next pass (here or elsewhere) sends it. For
        shutdown: the engine does not start work again afterwards.
        """
        if not self._stopping:
            self._stopping = True
            log.info("stopping: passes finish the cards in flight, then release their leases")

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stopping

    # -- passes ------------------------------------------------------------------

    async def run(self, kind: PassKind, now: datetime, tenant_id: str | None = None) -> PassCounts:
        """One pass of ``kind`` as if it were ``now``, over every tenant (or one)."""
        with full_collections_deferred():
            tenants = (
                [tenant_id]
                if tenant_id
                else [t.id for t in await self._store.list_tenants() if t.active]
            )
            results = await asyncio.gather(*(self._run_tenant(kind, now, t) for t in tenants))
        total = PassCounts()
        for counts in results:
            total.add(counts)
        return total

    async def _run_tenant(self, kind: PassKind, now: datetime, tenant_id: str) -> PassCounts:
        counts = PassCounts()
        # The change tokens are read before anything they guard (storage.due_index).
        index = await self._store.read_due_index(tenant_id)
        members = _TenantMembers(self._store, tenant_id)
        for team in await self._store.list_teams(tenant_id):
            if self._stopping:
                break
            if not team.installed:
                continue
            if index.idle(kind.value, team.id, now):
                counts.idle_teams += 1
                continue
            try:
                settled = await self._run_team(kind, now, team, members, counts)
                if settled is not None:
                    await self._remember_next_due(kind, now, team, index, settled)
            except StoreUnavailableError as exc:
                # An outage, not a bug: its message says enough, and the trace of the
                # storage SDK underneath would carry item addresses into the logs.
                log.warning("pass %s skipped team %s: %s", kind.value, team.id, exc)
                counts.errors.append(f"{team.id}: {type(exc).__name__}")
            except Exception as exc:  # one team's trouble must not stop the others
                log.exception("pass %s failed for team %s", kind.value, team.id)
                counts.errors.append(f"{team.id}: {type(exc).__name__}")
        return counts

    async def _remember_next_due(
        self, kind: PassKind, now: datetime, team: Team, index: DueIndex, settled: _Settled
    ) -> None:
        """Store when the team's next pass of ``kind`` may find something new."""
        cap = now + self._index_max_age
        at = cap if settled.until is None else min(settled.until, cap)
        entry = NextDue(team.id, kind.value, at, now, index.tokens(team.id))
        await self._store.save_next_due(team.tenant_id, entry)

    async def _run_team(
        self,
        kind: PassKind,
        now: datetime,
        team: Team,
        members: _TenantMembers,
        counts: PassCounts,
    ) -> _Settled | None:
        """Decide and deliver the team's due work of ``kind``.

        Returns:
            Until when nothing new is due, if everything due at ``now`` was done
            before this pass; None when the next pass must look again (work was
            delivered, failed, left or found busy, or depends on another kind's).
        """
        tenant_id = team.tenant_id
        objectives = await self._store.list_objectives(tenant_id, team_id=team.id)
        records = _RoundRecords(self._store, tenant_id)
        if kind is PassKind.DIGESTS:
            # Not only teams with active objectives: a closed period's report too.
            digests = await asyncio.to_thread(self._digest_decision, now, team, objectives)
            done = await self._deliver_due(kind, team, digests.work, records, counts)
            return digests.settled if done else None
        if not any(o.state is ObjectiveState.ACTIVE for o in objectives):
            return _Settled(None)  # nothing can be due until an objective changes
        key_results = await active_key_results(self._store, tenant_id, objectives)
        # Deciding for thousands of owners is CPU work: off the event loop.
        people = await members.all()
        snapshot = await asyncio.to_thread(team_snapshot, team, people, objectives, key_results)
        # What is due is decided from a read-only snapshot first, so an idle
        # team costs no lease writes; delivery records decide what is sent.
        if kind is PassKind.CHECKINS:
            decision = await asyncio.to_thread(self._checkin_decision, now, snapshot)
        else:
            decision = await self._reminder_decision(now, snapshot, records)
        done = await self._deliver_due(kind, team, decision.work, records, counts)
        return decision.settled if done else None

    async def _deliver_due(
        self,
        kind: PassKind,
        team: Team,
        work: list[Work],
        records: _RoundRecords,
        counts: PassCounts,
    ) -> bool:
        """Deliver what is not done yet, under the team's lease for ``kind``.

        Returns:
            Whether everything was done before this pass (nothing to deliver).
        """
        work = await self._not_yet_done(work, records, counts)
        if not work:
            return True
        if self._stopping:
            counts.left += len(work)
            return False
        store = self._store
        lease_name = f"{kind.value}|{team.id}"
        # Unique per pass, not per instance: two passes in one process (the
        # scheduler and an operator's `run`) must exclude each other too.
        holder_name = f"{self._instance}/{new_id()}"
        lease = await store.acquire_lease(
            team.tenant_id, lease_name, holder_name, self._lease_ttl, self._clock()
        )
        if lease is None:
            counts.busy_teams += 1
            return False
        holder = _LeaseKeeper(store, lease, holder_name, self._lease_ttl, self._clock)
        try:
            await self._deliver_all(team, work, holder, counts)
        finally:
            await holder.release()
        return False

    async def _not_yet_done(
        self, work: list[Work], records: _RoundRecords, counts: PassCounts
    ) -> list[Work]:
        """Drop work whose record says it is done, with one query per round.

        Most passes of a round find everything already sent; they end here,
        reading only, without taking the team's lease.
        """
        done: set[str] = set()
        for round_id in {item.round_id for item in work}:
            for record in await records.of(round_id):
                if self._settled(record):
                    done.add(record.id)
        counts.skipped += sum(item.delivery_id in done for item in work)
        return [item for item in work if item.delivery_id not in done]

    def _checkin_decision(self, now: datetime, snapshot: TeamSnapshot) -> _Decision:
        """The cards due (and closings), and until when nothing new is (a worker thread's job)."""
        objectives = {o.id: o for o in snapshot.objectives}
        checkins = [
            self._owner_work(entry, DeliveryKind.CHECKIN, now, snapshot, objectives)
            for entry in due_owners(now, snapshot)
            if entry.asked
        ]
        # Ended periods: a closing card per owner instead of questions (okr.due).
        closings = [self._closing_work(e, snapshot) for e in closings_due(now, snapshot)]
        return _Decision(checkins + closings, _Settled(checkins_change_at(now, snapshot)))

    def _closing_work(self, entry: OwnerClosing, snapshot: TeamSnapshot) -> Work:
        async def build() -> Composed:
            return self._composer.closing(
                entry.member,
                snapshot.team,
                entry.objectives,
                entry.key_results,
                card_id=card_id_for(entry.delivery_id),
            )

        recipient = PersonalChat(entry.member.id)
        return Work(entry.delivery_id, entry.round_id, recipient, DeliveryKind.CLOSING, build)

    async def _reminder_decision(
        self, now: datetime, snapshot: TeamSnapshot, records: _RoundRecords
    ) -> _Decision:
        # The round's records (one query per current round) say whose card went
        # out, and who asked to be reminded at another time.
        current = await asyncio.to_thread(current_owner_rounds, now, snapshot)
        for round_id in sorted({e.round_id for e in current if e.asked}):
            await records.of(round_id)
        summary = await asyncio.to_thread(summary_due, now, snapshot)
        if summary is not None:
            await records.of(summary.round_id)
        return await asyncio.to_thread(
            self._reminders_from_records, now, snapshot, records, current, summary
        )

    def _reminders_from_records(
        self,
        now: datetime,
        snapshot: TeamSnapshot,
        records: _RoundRecords,
        current: list[OwnerRound],
        summary: RoundSummary | None,
    ) -> _Decision:
        """Reminders, nudges and the summary due, from records read already (worker thread)."""
        objectives = {o.id: o for o in snapshot.objectives}
        work = []
        cards: dict[str, Delivery] = {}
        nudged: set[str] = set()
        for round_id in {e.round_id for e in current if e.asked}:
            for record in records.read(round_id):
                if record.kind == DeliveryKind.CHECKIN.value:
                    cards[record.id] = record
                elif record.kind == DeliveryKind.NUDGE_REQUEST.value:
                    nudged.add(record.round_id)
        for entry in nudges_due(current, nudged):
            card = cards.get(entry.delivery_id(DeliveryKind.CHECKIN))
            if card is not None and card.state is DeliveryState.SENT:
                work.append(self._owner_work(entry, DeliveryKind.NUDGE, now, snapshot, objectives))
        later = {d.id: d.remind_at for d in cards.values() if d.remind_at is not None}
        for entry in reminders_due(now, snapshot, later, entries=current):
            # Only people whose card actually went out are reminded.
            card = cards.get(entry.delivery_id(DeliveryKind.CHECKIN))
            if card is not None and card.state is DeliveryState.SENT:
                work.append(
                    self._owner_work(entry, DeliveryKind.REMINDER, now, snapshot, objectives)
                )
        if summary is not None:
            # Only people who were actually asked can be missing: a round that
            # never went out (e.g. due before the rhythm changed) has no summary.
            asked = asked_in(records.read(summary.round_id))
            if asked:
                work += self._summary_work(summary.among(asked), snapshot, len(asked))
        # Reminders, nudges and the summary follow the check-in cards: while a card
        # that is due has not settled (sent, unreachable or given up), the next pass
        # looks again instead of waiting for the rules' next instant.
        unsettled = any(
            not self._settled(cards.get(entry.delivery_id(DeliveryKind.CHECKIN)))
            for entry in due_owners(now, snapshot, entries=current)
        )
        until = reminders_change_at(now, snapshot, later, entries=current)
        return _Decision(work, None if unsettled else _Settled(until))

    def _settled(self, record: Delivery | None) -> bool:
        """Whether a delivery record is final: no pass will send it (again)."""
        if record is None:
            return False
        return record.state in (DeliveryState.SENT, DeliveryState.UNREACHABLE) or (
            record.state is DeliveryState.FAILED and record.attempts >= self._max_attempts
        )

    def _digest_decision(self, now: datetime, team: Team, objectives: list[Objective]) -> _Decision:
        """The digests due, and until when nothing new is."""
        work = self._digest_work(now, team, objectives)
        return _Decision(work, _Settled(digests_change_at(now, team, objectives)))

    def _digest_work(self, now: datetime, team: Team, objectives: list[Objective]) -> list[Work]:
        """The team's digest when its slot is due, and the report of each period just closed."""
        work = []
        # As okr.digest reports: an active objective whose period runs today.
        if reported_period(objectives, digest_today(team, now)) is not None:
            try:
                slot = digest_due(team.settings, now, since=team.created_at)
            except ValueError as exc:  # stored settings from before they were validated
                log.warning("team %s has no usable digest slot: %s", team.id, exc)
                slot = None
            if slot is not None:
                work.append(self._slot_work(now, team, slot))
        for report in period_reports_due(objectives, now, team.settings.time_zone):
            work.append(self._report_work(team, report))
        return work

    def _slot_work(self, now: datetime, team: Team, slot: DigestSlot) -> Work:
        read = self._read_digest

        async def build() -> Composed:
            speaking = await self._speaking(team)
            digest, members = await read(self._store, speaking, now=now, slot=slot.day)
            # Stored before the post: the next digest compares with what this one showed.
            # A conflict: an earlier attempt at this slot stored it, then crashed or failed.
            with contextlib.suppress(ConflictError):
                await self._store.save_snapshot(digest.snapshot)
            return await asyncio.to_thread(self._composer.digest, speaking, digest, members)

        round_id = digest_round_id(team.id, slot.day)
        return self._channel_work(team, round_id, DeliveryKind.DIGEST, build)

    def _report_work(self, team: Team, report: PeriodReport) -> Work:
        async def build() -> Composed:
            owners = {o.owner_id for o in report.objectives if o.owner_id}
            members = {m.id: m for m in await self._store.get_members(team.tenant_id, owners)}
            return self._composer.period_report(await self._speaking(team), report, members)

        round_id = report_round_id(team.id, report.period)
        return self._channel_work(team, round_id, DeliveryKind.PERIOD_REPORT, build)

    @staticmethod
    def _channel_work(
        team: Team, round_id: str, kind: DeliveryKind, build: Callable[[], Awaitable[Composed]]
    ) -> Work:
        # General (the default) has the team's own id.
        channel = ChannelPost(team.settings.digest_channel_id or team.id)
        return Work(f"{round_id}|{CHANNEL_RECIPIENT}", round_id, channel, kind, build)

    async def _speaking(self, team: Team) -> Team:
        """``team`` with the language its channel posts are in (its own, else the tenant's)."""
        tenant = await self._store.get_tenant(team.tenant_id) or Tenant(id=team.tenant_id)
        locale = team_locale(team.settings, tenant)
        return dataclasses.replace(
            team, settings=dataclasses.replace(team.settings, language=locale)
        )

    def _owner_work(
        self,
        entry: OwnerRound,
        kind: DeliveryKind,
        now: datetime,
        snapshot: TeamSnapshot,
        objectives: dict[str, Objective],
    ) -> Work:
        team = snapshot.team

        def compose() -> Composed:
            return self._composer.checkin(
                entry.member,
                entry.key_results,
                objectives,
                now=now,
                card_id=card_id_for(entry.delivery_id(kind)),
                round_id=entry.round_id,
                settings=team.settings,
                reminder=kind in (DeliveryKind.REMINDER, DeliveryKind.NUDGE),
            )

        async def build() -> Composed:
            # A card takes a millisecond or two of CPU; sixteen workers composing
            # at once would hold the event loop for tens of milliseconds.
            return await asyncio.to_thread(compose)

        return Work(
            entry.delivery_id(kind), entry.round_id, PersonalChat(entry.member.id), kind, build
        )

    def _summary_work(
        self, summary: RoundSummary, snapshot: TeamSnapshot, asked: int
    ) -> list[Work]:
        work = []
        for recipient_id, delivery_id in summary.delivery_ids().items():
            recipient = snapshot.member(recipient_id)

            async def build(recipient: Member = recipient) -> Composed:
                return self._composer.summary(
                    snapshot.team,
                    recipient,
                    summary.round_date,
                    summary.missing,
                    round_id=summary.round_id,
                    asked=asked,
                )

            work.append(
                Work(
                    delivery_id,
                    summary.round_id,
                    PersonalChat(recipient_id),
                    DeliveryKind.SUMMARY,
                    build,
                )
            )
        return work

    # -- delivering --------------------------------------------------------------

    async def _deliver_all(
        self, team: Team, work: list[Work], holder: _LeaseKeeper, counts: PassCounts
    ) -> None:
        queue: asyncio.Queue[Work] = asyncio.Queue()
        for item in work:
            queue.put_nowait(item)

        async def worker() -> None:
            # Once stopped, each worker finishes the delivery it is on and takes no more.
            while not queue.empty() and not self._stopping:
                item = queue.get_nowait()
                await holder.keep()
                await self._deliver(team, item, counts)

        workers = [asyncio.create_task(worker()) for _ in range(min(self._concurrency, len(work)))]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
        counts.left += queue.qsize()

    async def _deliver(self, team: Team, item: Work, counts: PassCounts) -> None:
        store = self._store
        tenant_id = team.tenant_id
        record = await store.get_delivery(tenant_id, item.delivery_id)
        if record is not None:
            if record.state in (DeliveryState.SENT, DeliveryState.UNREACHABLE):
                counts.skipped += 1
                return
            if record.state is DeliveryState.FAILED and record.attempts >= self._max_attempts:
                counts.skipped += 1
                return
            counts.retried += 1  # resuming a crashed or failed delivery
        else:
            try:
                record = await store.save_delivery(
                    Delivery(
                        tenant_id=tenant_id,
                        id=item.delivery_id,
                        round_id=item.round_id,
                        member_id=item.recipient_id,
                        kind=item.kind.value,
                        created_at=self._clock(),
                    )
                )
            except ConflictError:
                counts.skipped += 1  # another pass recorded it first
                return
        recipient = item.recipient
        if isinstance(recipient, PersonalChat):
            target = await self._target(team, recipient.member_id)
            missing = "no conversation"
        else:
            target = await self._channel_target(team, recipient.channel_id)
            missing = "no channel conversation stored for the team (install the bot in it again)"
        if target is None:
            log.warning("%s %s: %s", item.kind.value, item.delivery_id, missing)
            await self._finish(record, SendResult(SendOutcome.FAILED, error=missing), counts)
            return
        try:
            prepared = await item.build()
        except StoreUnavailableError:
            raise  # an outage: the record stays PENDING for the next pass
        except Exception as exc:
            # A card that cannot be built fails like a send, so that it is tried by
            # later passes up to max_attempts, not forever.
            log.exception("building %s %s failed", item.kind.value, item.delivery_id)
            error = SendResult(SendOutcome.FAILED, attempts=0, error=type(exc).__name__)
            await self._finish(record, error, counts)
            return
        result = await self._sender.send_card(target, prepared.content, prepared.fallback_text)
        opened_chat = isinstance(target, PersonalTarget)
        if opened_chat and result.conversation is not None:
            await self._remember_chat(result.conversation)
        await self._finish(record, result, counts, opened_chat=opened_chat)
        if result.outcome is SendOutcome.UNREACHABLE:
            if isinstance(recipient, PersonalChat):
                await self._mark_unreachable(tenant_id, recipient.member_id)
            else:  # the channel was deleted, or the bot removed: next week tries again
                log.warning("%s %s: the channel refused the post", item.kind.value, record.id)
        if self._progress is not None:
            self._progress(f"{item.kind.value} {result.outcome.value} {item.recipient_id}")

    async def _finish(
        self, record: Delivery, result: SendResult, counts: PassCounts, *, opened_chat: bool = False
    ) -> None:
        state = {
            SendOutcome.SENT: DeliveryState.SENT,
            SendOutcome.FAILED: DeliveryState.FAILED,
            SendOutcome.UNREACHABLE: DeliveryState.UNREACHABLE,
        }[result.outcome]
        # The sender counts opening a 1:1 chat as an attempt; that is not a retry.
        first_attempts = 2 if opened_chat else 1
        counts.retried += max(0, result.attempts - first_attempts)
        if state is DeliveryState.SENT:
            counts.sent += 1
        elif state is DeliveryState.FAILED:
            counts.failed += 1
        else:
            counts.unreachable += 1
        finished = dataclasses.replace(
            record,
            state=state,
            attempts=record.attempts + 1,
            last_error=result.error[:300],
            activity_id=result.activity_id,
            updated_at=self._clock(),
        )
        try:
            await self._store.save_delivery(finished)
        except ConflictError:
            # Only possible if another instance took the team over after our
            # lease expired; what it wrote is as good as ours.
            log.warning("delivery %s was updated by another instance", record.id)

    async def _target(self, team: Team, member_id: str) -> ConversationRef | PersonalTarget | None:
        store = self._store
        chat = await store.get_conversation(team.tenant_id, member_id)
        if chat is not None and chat.active and chat.kind is ConversationKind.PERSONAL:
            return chat
        # No 1:1 chat yet: open one through the team's service URL.
        for ref in await store.list_conversations(team.tenant_id, team_id=team.id):
            if ref.kind is ConversationKind.CHANNEL:
                return PersonalTarget(team.tenant_id, member_id, ref.service_url, ref.bot_id)
        return None

    async def _channel_target(self, team: Team, channel_id: str) -> ConversationRef | None:
        """Where a new post in the channel goes: the channel's own conversation.

        The stored reference of the channel when the bot has one (installed or
        spoken to there), else the team's service URL and bot from another of its
        channels: the bot may post in every channel of a team it is installed in.
        The conversation id is the channel's id, never a thread's
        (``;messageid=``), so the post starts a new conversation in the channel.
        """
        store = self._store
        stored = await store.get_conversation(team.tenant_id, channel_id)
        if not (stored and stored.active and stored.kind is ConversationKind.CHANNEL):
            channels = await store.list_conversations(team.tenant_id, team_id=team.id)
            stored = next(
                (r for r in channels if r.active and r.kind is ConversationKind.CHANNEL), None
            )
            if stored is None:
                return None
        return dataclasses.replace(
            stored,
            id=channel_id,
            conversation_id=channel_id.split(";messageid=", maxsplit=1)[0],
            etag=None,
        )

    async def _remember_chat(self, ref: ConversationRef) -> None:
        store = self._store
        existing = await store.get_conversation(ref.tenant_id, ref.id)
        fresh = dataclasses.replace(ref, etag=existing.etag if existing else None)
        with contextlib.suppress(ConflictError):
            await store.save_conversation(fresh)

    async def _mark_unreachable(self, tenant_id: str, member_id: str) -> None:
        store = self._store
        for _ in range(2):
            member = await store.get_member(tenant_id, member_id)
            if member is None or not member.reachable:
                return
            try:
                await store.save_member(dataclasses.replace(member, reachable=False))
                return
            except (ConflictError, NotFoundError):
                continue


class _LeaseKeeper:
    """Renews a team's lease in the background while a pass works on it.

    Renewal runs every third of the lease's life, independently of how long
    one send takes (a send may wait minutes on Teams' throttling), so a live
    pass never loses its lease to another instance. If renewal fails the
    workers stop before their next delivery.
    """

    def __init__(
        self, store: OkrStore, lease: Lease, holder: str, ttl: timedelta, clock: Clock
    ) -> None:
        self._store = store
        self._lease = lease
        self._holder = holder
        self._ttl = ttl
        self._clock = clock
        self._lost = False
        self._task = asyncio.create_task(self._renew_forever())

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self._ttl.total_seconds() / 3)
            try:
                renewed = await self._store.acquire_lease(
                    self._lease.tenant_id, self._lease.id, self._holder, self._ttl, self._clock()
                )
            except StoreUnavailableError as exc:
                log.warning("renewing lease %s failed: %s", self._lease.id, exc)
                renewed = None
            except Exception:
                log.exception("renewing lease %s failed", self._lease.id)
                renewed = None
            if renewed is None:
                self._lost = True
                return
            self._lease = renewed

    async def keep(self) -> None:
        """Raise if the lease was lost.

        Raises:
            LeaseLostError: another instance holds the lease now.
        """
        if self._lost:
            raise LeaseLostError(self._lease.id)

    async def release(self) -> None:
        """Stop renewing and give the lease up."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if not self._lost:
            await self._store.release_lease(self._lease)
