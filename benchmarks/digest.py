"""What a team digest costs, as a ratio to a plain read of the rows it reads (issue 10).

Seeds a fresh SQLite file with one organisation: 1,000 objectives, 5,000 key
results and 50,000 check-ins across 10 teams (100 objectives and 50 members
each, half the teams posting in Vietnamese), each team with its KPIs, the
current check-in round's delivery records and the snapshots of the eight
digests before this one (taken with :func:`okr.digest.build_digest`, so the
trend and "since last week" have real data). Then measures, in the same run,
interleaved and repeated (medians):

* **plain read**: the document calls the team digest makes (recorded once
  through a wrapping backend), replayed all at once on the backend: JSON
  parsing only, no decoding, no computing, no card;
* **team digest**: :func:`scheduling.digest_reads.read_team_digest`, the card
  (:meth:`cards.deliveries.DeliveryCards.digest`) and the activity as the
  sender serialises it (``model_dump`` + ``json.dumps``);
* **tenant**: the team digest of every team, one after another, against the
  plain reads of every team;
* **on demand**: ``digest`` typed in the team's channel (``bot.reports.digest``),
  as a reference.

It also reports the store calls of each path by kind and the size of the
activity as sent, in English and Vietnamese. Run from the repository root::

    .venv/bin/python -m benchmarks.digest                       # the issue's organisation
    .venv/bin/python -m benchmarks.digest --teams 2 --objectives 20 --rounds 3 --json /tmp/d.json
    .venv/bin/python -m benchmarks.digest --profile /tmp/digest.prof   # cProfile of team digests
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot import reports
from bot.features import Card, Turn
from bot.proactive import _card_activity
from cards.deliveries import DeliveryCards
from okr.cadence import round_id
from okr.digest import build_digest, participation_round_date
from okr.due import DeliveryKind
from okr.models import (
    CheckIn,
    CheckInStatus,
    Comparison,
    ConversationKind,
    ConversationRef,
    Delivery,
    DeliveryState,
    DigestSnapshot,
    KeyResult,
    KeyResultKind,
    Kpi,
    Member,
    Objective,
    ObjectiveState,
    ObjectiveType,
    Team,
    TeamSettings,
)
from okr.periods import Period
from scheduling.digest_reads import read_team_digest
from storage.backend import PASS_DEADLINE_S, Document, DocumentBackend, Match
from storage.codec import to_document
from storage.counting import CountingBackend, OperationCounts
from storage.sqlite import SqliteBackend
from storage.store import (
    CHECKIN,
    DELIVERY,
    KEY_RESULT,
    KPI,
    MEMBER,
    OBJECTIVE,
    SNAPSHOT,
    TEAM,
    OkrStore,
)

TENANT = "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
# Friday 27 November 2026, 16:00 UTC: the default digest slot, week 9 of 13 of Q4.
NOW = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
SLOT = date(2026, 11, 27)
PERIOD = Period.quarter(2026, 4)
SNAPSHOT_WEEKS = 8
SERVICE_URL = "https://smba.trafficmanager.net/amer/"
BOT_ID = "28:bot-okr"
_STATUSES: tuple[CheckInStatus | None, ...] = (
    CheckInStatus.ON_TRACK,
    CheckInStatus.ON_TRACK,
    CheckInStatus.AT_RISK,
    CheckInStatus.OFF_TRACK,
    None,
)
_NOTES = (
    "",
    "Two deals slipped to January; the pipeline review is on Monday.",
    "Hai hợp đồng lùi sang tháng Một; họp rà soát vào thứ Hai.",
    "Blocked on the vendor's API keys.",
)


@dataclass(frozen=True, slots=True)
class Organisation:
    """What was seeded, by team."""

    teams: list[Team]
    members: dict[str, list[Member]]  # team id -> its members
    objectives: int
    key_results: int
    checkins: int


@dataclass(slots=True)
class Timings:
    """Milliseconds per repetition, by what was measured."""

    plain_read: list[float] = field(default_factory=list)
    team_digest: list[float] = field(default_factory=list)
    on_demand: list[float] = field(default_factory=list)
    tenant_plain_reads: list[float] = field(default_factory=list)
    tenant_digests: list[float] = field(default_factory=list)
    # The team digest's phases: read_team_digest, the card, the activity's JSON.
    read_and_build: list[float] = field(default_factory=list)
    card: list[float] = field(default_factory=list)
    activity: list[float] = field(default_factory=list)


# -- seeding ---------------------------------------------------------------------


def _team(n: int) -> Team:
    team_id = f"19:team{n:02d}0123456789abcdef@thread.tacv2"
    return Team(
        tenant_id=TENANT,
        id=team_id,
        name=f"Team {n:02d}" if n % 2 == 0 else f"Nhóm {n:02d}",
        owner_ids=(f"29:member-{n:02d}-000",),
        settings=TeamSettings(language="en-US" if n % 2 == 0 else "vi-VN"),
        created_at=datetime(2026, 9, 1, tzinfo=UTC),
    )


def _member(team: Team, n: int, t: int) -> Member:
    vietnamese = t % 2 == 1
    return Member(
        tenant_id=TENANT,
        id=f"29:member-{t:02d}-{n:03d}",
        aad_object_id=f"00000000-0000-4000-8000-{t:04d}{n:08d}",
        name=f"Nguyễn Văn {n:03d}" if vietnamese else f"Alex Taylor {n:03d}",
        email=f"person{t:02d}{n:03d}@contoso.example",
        locale="vi-VN" if vietnamese else "en-US",
        team_ids=(team.id,),
        updated_at=datetime(2026, 9, 1, tzinfo=UTC),
    )


def _objective(team: Team, t: int, n: int, owner: Member) -> Objective:
    return Objective(
        tenant_id=TENANT,
        id=f"obj-{t:02d}-{n:04d}",
        title=f"Objective {n} of {team.name}: make onboarding a week shorter",
        owner_id=owner.id,
        period=PERIOD,
        state=ObjectiveState.ACTIVE,
        type=ObjectiveType.COMMITTED if n % 3 else ObjectiveType.ASPIRATIONAL,
        team_id=team.id,
        created_at=datetime(2026, 10, 1, tzinfo=UTC) + timedelta(minutes=n),
    )


def _key_result(objective: Objective, n: int, owner: Member) -> KeyResult:
    return KeyResult(
        tenant_id=TENANT,
        id=f"{objective.id}-kr{n}",
        objective_id=objective.id,
        title=f"Key result {n}: close new deals in region {n}",
        owner_id=owner.id,
        kind=KeyResultKind.NUMBER,
        start=Decimal(0),
        target=Decimal(100),
        current=Decimal(0),
        created_at=objective.created_at,
    )


def _checkins(kr: KeyResult, count: int, rng: random.Random) -> list[CheckIn]:
    """``count`` weekly check-ins up to the last one the key result mirrors; some stop early."""
    stops = count - (rng.random() < 0.15) * rng.randint(2, 4)  # stale for a few rounds
    value = Decimal(0)
    found = []
    for week in range(max(1, stops)):
        value = min(Decimal(100), value + Decimal(rng.randint(0, 12)))
        found.append(
            CheckIn(
                tenant_id=TENANT,
                id=f"{kr.id}-c{week}",
                key_result_id=kr.id,
                objective_id=kr.objective_id,
                author_id=kr.owner_id or "",
                value=value,
                status=rng.choice(_STATUSES) or CheckInStatus.ON_TRACK,
                recorded_at=NOW - timedelta(weeks=count - week, hours=rng.randint(0, 96) - 24),
                note=rng.choice(_NOTES),
            )
        )
    return found


def _mirrored(kr: KeyResult, checkins: Sequence[CheckIn]) -> KeyResult:
    last = checkins[-1]
    return replace(
        kr,
        current=last.value,
        last_checkin_at=last.recorded_at,
        last_checkin_id=last.id,
        last_status=last.status,
        last_note=last.note,
    )


def _as_of(kr: KeyResult, checkins: Sequence[CheckIn], moment: datetime) -> KeyResult:
    """The key result as it stood at ``moment`` (mirroring the check-ins made by then)."""
    earlier = [c for c in checkins if c.recorded_at <= moment]
    if not earlier:
        return replace(kr, current=kr.start, last_checkin_at=None, last_status=None, last_note="")
    return _mirrored(kr, earlier)


def _kpis(team: Team, t: int) -> list[Kpi]:
    return [
        Kpi(
            tenant_id=TENANT,
            id=f"kpi-{t:02d}-{n}",
            title=f"Uptime of service {n}",
            threshold=Decimal("99.9"),
            comparison=Comparison.AT_LEAST,
            current=Decimal("99.95") if n % 2 else Decimal("99.2"),
            unit="%",
            team_id=team.id,
            updated_at=NOW - timedelta(days=1),
        )
        for n in range(5)
    ]


def _round_records(team: Team, members: Sequence[Member], owners: set[str]) -> list[Delivery]:
    day = participation_round_date(team, NOW)
    assert day is not None
    round_ = round_id(team.id, day)
    return [
        Delivery(
            tenant_id=TENANT,
            id=f"{round_}|{m.id}",
            round_id=round_,
            member_id=m.id,
            kind=DeliveryKind.CHECKIN.value,
            state=DeliveryState.SENT,
            attempts=1,
            created_at=NOW - timedelta(days=4),
        )
        for m in members
        if m.id in owners
    ]


def _snapshots(
    team: Team,
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    checkins: Mapping[str, Sequence[CheckIn]],
    members: Sequence[Member],
) -> list[DigestSnapshot]:
    """The snapshots of the digests of the weeks before this one, each carrying the trend."""
    previous: DigestSnapshot | None = None
    taken = []
    for weeks_ago in range(SNAPSHOT_WEEKS, 0, -1):
        moment = NOW - timedelta(weeks=weeks_ago)
        as_of = [_as_of(kr, checkins[kr.id], moment) for kr in key_results]
        digest = build_digest(
            team,
            objectives,
            as_of,
            now=moment,
            slot=SLOT - timedelta(weeks=weeks_ago),
            previous=previous,
            asked=set(),
            members=members,
        )
        previous = digest.snapshot
        taken.append(previous)
    return taken


async def seed(
    backend: SqliteBackend,
    *,
    teams: int,
    objectives: int,
    key_results_per_objective: int,
    checkins_per_key_result: int,
    members_per_team: int,
) -> Organisation:
    """Write the organisation; every team gets ``objectives // teams`` objectives."""
    rng = random.Random(20261127)
    org = Organisation(teams=[], members={}, objectives=0, key_results=0, checkins=0)
    for t in range(teams):
        team = _team(t)
        members = [_member(team, n, t) for n in range(members_per_team)]
        team_objectives = [
            _objective(team, t, n, members[n % len(members)]) for n in range(objectives // teams)
        ]
        key_results, checkins = [], {}
        for o in team_objectives:
            for n in range(key_results_per_objective):
                kr = _key_result(o, n, rng.choice(members))
                checkins[kr.id] = _checkins(kr, checkins_per_key_result, rng)
                key_results.append(_mirrored(kr, checkins[kr.id]))
        snapshots = _snapshots(team, team_objectives, key_results, checkins, members)
        owners = {kr.owner_id for kr in key_results if kr.owner_id}
        documents: list[tuple[str, str, dict[str, Any]]] = [(TEAM.name, team.id, to_document(team))]
        documents += [(MEMBER.name, m.id, to_document(m)) for m in members]
        documents += [(OBJECTIVE.name, o.id, to_document(o)) for o in team_objectives]
        documents += [(KEY_RESULT.name, kr.id, to_document(kr)) for kr in key_results]
        documents += [
            (CHECKIN.name, c.id, to_document(c)) for found in checkins.values() for c in found
        ]
        documents += [(KPI.name, k.id, to_document(k)) for k in _kpis(team, t)]
        documents += [
            (DELIVERY.name, d.id, to_document(d)) for d in _round_records(team, members, owners)
        ]
        documents += [(SNAPSHOT.name, s.id, to_document(s)) for s in snapshots]
        await backend.create_missing(TENANT, documents)
        org.teams.append(team)
        org.members[team.id] = members
        org = replace(
            org,
            objectives=org.objectives + len(team_objectives),
            key_results=org.key_results + len(key_results),
            checkins=org.checkins + sum(len(found) for found in checkins.values()),
        )
    return org


# -- what is measured -----------------------------------------------------------


class RecordingBackend(CountingBackend):
    """Counts like :class:`CountingBackend` and keeps each read's arguments, to replay them."""

    def __init__(self, inner: DocumentBackend) -> None:
        super().__init__(inner)
        self.reads: list[tuple[str, tuple[Any, ...]]] = []

    async def read(self, partition: str, kind: str, id: str) -> Document | None:
        """Forward and keep a point read."""
        self.reads.append(("read", (partition, kind, id)))
        return await super().read(partition, kind, id)

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
        """Forward and keep a query."""
        arguments = (partition, kind, where, order_by, descending, limit, at_least)
        self.reads.append(("query", arguments))
        return await super().query(partition, kind, where, order_by, descending, limit, at_least)


async def plain_read(backend: DocumentBackend, reads: Sequence[tuple[str, tuple[Any, ...]]]) -> int:
    """Make ``reads`` on the backend all at once: documents parsed from JSON, nothing else.

    Returns how many documents came back.
    """
    calls: list[Awaitable[Any]] = [
        backend.read(*args) if method == "read" else backend.query(*args) for method, args in reads
    ]
    found = await asyncio.gather(*calls)
    return sum(len(f) if isinstance(f, list) else f is not None for f in found)


def sent_activity(team: Team, content: Mapping[str, Any], fallback_text: str) -> bytes:
    """The digest's activity as the sender posts it to the team's channel."""
    channel = ConversationRef(
        tenant_id=TENANT,
        id=team.id,
        kind=ConversationKind.CHANNEL,
        conversation_id=team.id,
        service_url=SERVICE_URL,
        bot_id=BOT_ID,
        team_id=team.id,
    )
    activity = _card_activity(channel, content, fallback_text)
    return json.dumps(activity.model_dump(by_alias=True, exclude_unset=True, mode="json")).encode()


async def team_digest(store: OkrStore, team: Team, phases: Timings | None = None) -> bytes:
    """Read, compose and serialise one team's digest; the activity's bytes.

    ``phases``: where to add each phase's milliseconds (read and build, card, activity).
    """
    started = time.perf_counter()
    digest, members = await read_team_digest(store, team, now=NOW, slot=SLOT)
    read = time.perf_counter()
    card = DeliveryCards().digest(team, digest, members)
    composed = time.perf_counter()
    activity = sent_activity(team, card.content, card.fallback_text)
    if phases is not None:
        phases.read_and_build.append((read - started) * 1000)
        phases.card.append((composed - read) * 1000)
        phases.activity.append((time.perf_counter() - composed) * 1000)
    return activity


async def on_demand(store: OkrStore, team: Team, member: Member) -> bytes:
    """``digest`` typed in the team's channel, as the bot answers it; the activity's bytes."""
    channel = ConversationRef(
        tenant_id=TENANT,
        id=team.id,
        kind=ConversationKind.CHANNEL,
        conversation_id=team.id,
        service_url=SERVICE_URL,
        bot_id=BOT_ID,
        team_id=team.id,
    )
    turn = Turn(
        tenant_id=TENANT,
        member=member,
        locale=member.locale or "en-US",
        conversation=channel,
        team_id=team.id,
        is_personal=False,
        text="digest",
        activity_id=None,
        now=NOW,
        store=store,
    )
    replies = await reports.digest(turn, "")
    reply = replies[0] if isinstance(replies, list) else replies
    assert isinstance(reply, Card)
    return sent_activity(team, reply.content, reply.fallback_text)


async def _timed(call: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


def _calls(counts: OperationCounts) -> dict[str, int]:
    """Store calls by method and kind, e.g. ``query key_result: 100``."""
    return {f"{m} {k}": n for (m, k), n in sorted(counts.by_kind.items())}


async def measure(org: Organisation, backend: SqliteBackend, rounds: int) -> dict[str, Any]:
    """Every figure the note reports, from one seeded organisation."""
    recording = RecordingBackend(backend)
    store = OkrStore(recording)  # not entered: the backend is open already
    team = org.teams[0]
    lead = org.members[team.id][0]
    reads: dict[str, list[tuple[str, tuple[Any, ...]]]] = {}
    calls: dict[str, dict[str, int]] = {}
    sizes: dict[str, int] = {}
    for t in org.teams:
        recording.reset()
        recording.reads = []
        await team_digest(store, t)
        reads[t.id] = recording.reads
        if t is team:
            calls["team_digest"] = _calls(recording.counts)
    # The same team's digest in the other language, for the card size of both.
    for language in ("en-US", "vi-VN"):
        other = replace(team, settings=replace(team.settings, language=language))
        digest, members = await read_team_digest(store, other, now=NOW, slot=SLOT)
        card = DeliveryCards().digest(other, digest, members)
        sizes[language] = len(sent_activity(other, card.content, card.fallback_text))
    recording.reset()
    on_demand_bytes = len(await on_demand(store, team, lead))
    calls["on_demand"] = _calls(recording.counts)
    rows = await plain_read(backend, reads[team.id])

    plain = OkrStore(backend)
    timings = Timings()
    for _ in range(rounds):
        timings.plain_read.append(await _timed(lambda: plain_read(backend, reads[team.id])))
        timings.team_digest.append(await _timed(lambda: team_digest(plain, team, timings)))
        timings.on_demand.append(await _timed(lambda: on_demand(plain, team, lead)))
        tenant_plain = 0.0
        for t in org.teams:
            tenant_plain += await _timed(lambda t=t: plain_read(backend, reads[t.id]))  # type: ignore[misc]
        timings.tenant_plain_reads.append(tenant_plain)
        timings.tenant_digests.append(await _timed(lambda: _every_team(plain, org.teams)))
    medians = {name: statistics.median(values) for name, values in asdict(timings).items()}
    return {
        "organisation": {
            "teams": len(org.teams),
            "objectives": org.objectives,
            "key_results": org.key_results,
            "checkins": org.checkins,
            "members": sum(len(m) for m in org.members.values()),
        },
        "rounds": rounds,
        "documents_read_by_team_digest": rows,
        "median_ms": medians,
        "team_digest_over_plain_read": medians["team_digest"] / medians["plain_read"],
        "tenant_digests_over_plain_reads": medians["tenant_digests"]
        / medians["tenant_plain_reads"],
        "on_demand_over_plain_read": medians["on_demand"] / medians["plain_read"],
        "store_calls": calls,
        "activity_bytes": {**sizes, "on_demand": on_demand_bytes},
    }


async def _every_team(store: OkrStore, teams: Sequence[Team]) -> None:
    for team in teams:
        await team_digest(store, team)


async def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Seed a fresh file in ``folder``, measure, optionally profile."""
    # A pass's deadline, as the scheduler and the CLI open the store with.
    backend = SqliteBackend(
        folder / "digest.sqlite3", synchronous="NORMAL", deadline_s=PASS_DEADLINE_S
    )
    await backend.open()
    try:
        started = time.perf_counter()
        org = await seed(
            backend,
            teams=args.teams,
            objectives=args.objectives,
            key_results_per_objective=args.key_results_per_objective,
            checkins_per_key_result=args.checkins_per_key_result,
            members_per_team=args.members_per_team,
        )
        seeded_s = time.perf_counter() - started
        figures = await measure(org, backend, args.rounds)
        figures["seeded_s"] = seeded_s
        if args.profile is not None:
            store = OkrStore(backend)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(3):
                await _every_team(store, org.teams)
            profile.disable()
            profile.dump_stats(str(args.profile))
        return figures
    finally:
        await backend.close()


def _as_before() -> None:
    """Put back what the store did before issue 10's fixes, for a before/after in one tool."""
    import storage.sqlite
    import storage.store
    from storage.codec import reference_from_document

    vars(storage.store)["from_document"] = reference_from_document
    vars(storage.sqlite)["_index_for"] = lambda where, order_by: ""


def main(argv: list[str] | None = None) -> int:
    """Seed, measure, print the figures; optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--objectives", type=int, default=1000, help="in the whole tenant")
    parser.add_argument("--key-results-per-objective", type=int, default=5)
    parser.add_argument("--checkins-per-key-result", type=int, default=10)
    parser.add_argument("--members-per-team", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5, help="repetitions; medians reported")
    parser.add_argument("--dir", type=Path, help="folder for the file (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of 3 tenant passes")
    parser.add_argument(
        "--before",
        action="store_true",
        help="measure as before the fixes: the generic codec walk, queries without index hints",
    )
    args = parser.parse_args(argv)
    if args.before:
        _as_before()
    with tempfile.TemporaryDirectory(prefix="okr-digest-", dir=args.dir) as folder:
        figures = asyncio.run(run(args, Path(folder)))
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
