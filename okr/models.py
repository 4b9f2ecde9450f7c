"""The OKR entities and the records the product keeps about people and delivery.

Every entity carries ``tenant_id``: the store scopes every call by it. ``etag`` is
filled in by the store on read and must be passed back unchanged on update, so a
stale write is refused (optimistic concurrency). Values are ``Decimal`` so that
currency and typed numbers keep exactly what the user entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from okr.periods import Period


class Level(StrEnum):
    """Where an objective sits in the organisation."""

    ORGANIZATION = "organization"
    TEAM = "team"
    INDIVIDUAL = "individual"


class ObjectiveType(StrEnum):
    """Committed objectives are expected to reach 1.0; aspirational ones succeed at 0.7."""

    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


class ObjectiveState(StrEnum):
    """Lifecycle of an objective: draft -> active -> closed."""

    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class KeyResultKind(StrEnum):
    """The shape of a key result's metric.

    ``NUMBER`` covers increasing and decreasing metrics alike: the direction is
    read from start and target (support tickets 120 -> 30 is decreasing).
    ``DURATION`` values are seconds (2:37 -> 157). ``MILESTONE`` runs 0 -> 1.
    """

    NUMBER = "number"
    PERCENTAGE = "percentage"
    CURRENCY = "currency"
    DURATION = "duration"
    MILESTONE = "milestone"


class CheckInStatus(StrEnum):
    """How the owner reads their key result at a check-in."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class InitiativeState(StrEnum):
    """Progress of the work that drives key results."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Comparison(StrEnum):
    """How a KPI's value is compared with its threshold to say it is healthy."""

    AT_LEAST = ">="
    AT_MOST = "<="
    ABOVE = ">"
    BELOW = "<"


class Cadence(StrEnum):
    """How often a team's check-in round runs."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    TRIWEEKLY = "triweekly"
    MONTHLY = "monthly"


class DeliveryState(StrEnum):
    """A scheduled message moves pending -> sent | failed | unreachable."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


class ConversationKind(StrEnum):
    """Which kind of Teams conversation a stored reference points at."""

    PERSONAL = "personal"
    CHANNEL = "channel"
    GROUP_CHAT = "groupChat"


def tenant_key(tenant_id: str) -> str:
    """A tenant id as stored and compared: lower case, as Entra tenant ids are GUIDs.

    Teams and operators may spell the same GUID in either case; every edge that
    receives a tenant id (an activity, an operator command) passes it through here.
    """
    return tenant_id.strip().lower()


@dataclass(frozen=True, slots=True)
class Tenant:
    """An organisation (a Microsoft Entra tenant) using the bot."""

    id: str
    name: str = ""
    fiscal_year_start_month: int = 1
    default_locale: str = "en-US"
    default_time_zone: str = "UTC"
    active: bool = True
    created_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel of a team, as Teams names it."""

    id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class TeamSettings:
    """What team owners configure: the check-in rhythm and the digest.

    Times are wall-clock times in each owner's own time zone for check-ins, and
    in the team's ``time_zone`` for the digest.
    """

    cadence: Cadence = Cadence.WEEKLY
    weekday: int = 0  # Monday = 0, as datetime.weekday()
    time_of_day: time = time(9, 0)
    time_zone: str = "UTC"
    skip_if_checked_in_within_days: int = 2
    reminder_delay_hours: int = 24
    digest_channel_id: str | None = None  # None: General (its id is the team's id)
    digest_weekday: int = 4
    digest_time: time = time(16, 0)
    digest_enabled: bool = True  # team owners may turn the scheduled digest off
    # The language of what the bot posts in the team's channels (digest, period
    # report): a channel is shared, so it is the team's. Set to the installer's
    # language at install; None: the tenant's default.
    language: str | None = None
    anchor_date: str | None = None  # ISO date the biweekly/triweekly rhythm counts from
    # When the rhythm (cadence, weekday, time, time zone) last changed: rounds due
    # before it are not sent, so a change never fires a past round at once.
    rhythm_changed_at: datetime | None = None
    # When the digest's day, time or zone last changed, or it was turned on: slots
    # due before it are not posted (okr.digest_due), as for rhythm_changed_at.
    digest_changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Team:
    """A Microsoft Teams team the bot is installed in."""

    tenant_id: str
    id: str  # channelData.team.id, e.g. "19:...@thread.tacv2"
    name: str = ""
    channels: tuple[Channel, ...] = ()
    owner_ids: tuple[str, ...] = ()  # members with the Teams "owner" role
    settings: TeamSettings = field(default_factory=TeamSettings)
    installed: bool = True
    roster_pending: bool = False  # the roster could not be read; the scheduler tries again
    created_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Member:
    """A person the bot knows: owner fields of OKRs point at ``id``.

    ``id`` is the Teams user id ("29:..."); ``aad_object_id`` the Entra object id.
    """

    tenant_id: str
    id: str
    aad_object_id: str | None = None
    name: str = ""
    email: str | None = None  # e-mail or UPN
    time_zone: str | None = None  # as Teams last reported it
    locale: str | None = None  # as Teams last reported it
    preferred_locale: str | None = None  # chosen with `language`; wins over `locale`
    preferred_time_zone: str | None = None  # chosen in settings; wins over `time_zone`
    team_ids: tuple[str, ...] = ()
    prompts_paused: bool = False
    reachable: bool = True
    updated_at: datetime | None = None
    etag: str | None = None

    @property
    def display_name(self) -> str:
        """How lists name the person (:func:`display_name`)."""
        return display_name(self.name, self.email, self.id)


@dataclass(frozen=True, slots=True)
class MemberName:
    """A person as a pick-list names them: what of a :class:`Member` it shows, and nothing else."""

    id: str
    name: str = ""
    email: str | None = None

    @classmethod
    def of(cls, member: Member) -> MemberName:
        """The pick-list entry of a person already read whole."""
        return cls(member.id, member.name, member.email)

    @property
    def display_name(self) -> str:
        """How lists name the person (:func:`display_name`)."""
        return display_name(self.name, self.email, self.id)


def display_name(name: str, email: str | None, id: str) -> str:
    """How lists name a person: their name, else their e-mail, else their id."""
    return name or email or id


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Enough of a Teams conversation to send into it proactively.

    ``id`` is the key we look it up by: the member id for a personal chat, the
    channel id for a channel, the conversation id for a group chat.
    """

    tenant_id: str
    id: str
    kind: ConversationKind
    conversation_id: str
    service_url: str
    bot_id: str
    channel_id: str = "msteams"
    member_id: str | None = None
    team_id: str | None = None
    active: bool = True
    updated_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Objective:
    """An inspiring, qualitative goal with an owner and a period."""

    tenant_id: str
    id: str
    title: str
    owner_id: str | None
    period: Period
    level: Level = Level.TEAM
    type: ObjectiveType = ObjectiveType.COMMITTED
    state: ObjectiveState = ObjectiveState.DRAFT
    team_id: str | None = None
    parent_id: str | None = None
    description: str = ""
    # The day the expected-progress line starts (see okr.pace); None: the period's
    # first day. Set by the owner, or to the activation day when it came later.
    starts_on: date | None = None
    score: Decimal | None = None
    closing_note: str = ""
    # Closing makes the objective read-only; who closed it and when are kept, and
    # so is the last reopening (team owners only).
    closed_at: datetime | None = None
    closed_by: str | None = None
    reopened_at: datetime | None = None
    reopened_by: str | None = None
    # On a carried-over copy: the objective of the earlier period it came from.
    carried_from: str | None = None
    # Its weight in its parent's roll-up (okr.progress.rolled_up_progress), beside
    # the parent's key results; 1 unless an import brought alignment weights over.
    weight: Decimal = Decimal(1)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class KeyResult:
    """A measurable result with exactly one accountable owner.

    ``current`` and ``last_checkin_at`` mirror the latest check-in; the check-ins
    themselves are the history.
    """

    tenant_id: str
    id: str
    objective_id: str
    title: str
    owner_id: str | None
    kind: KeyResultKind
    start: Decimal
    target: Decimal
    current: Decimal
    unit: str = ""
    currency: str | None = None  # ISO 4217 code when kind is CURRENCY
    weight: Decimal = Decimal(1)
    due_date: date | None = None  # within the objective's period when given
    last_checkin_at: datetime | None = None
    last_checkin_id: str | None = None
    last_status: CheckInStatus | None = None
    last_note: str = ""  # the latest check-in's note (mirrored like the value)
    score: Decimal | None = None
    created_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Initiative:
    """Work that drives an objective's key results."""

    tenant_id: str
    id: str
    objective_id: str
    title: str
    owner_id: str | None = None
    key_result_id: str | None = None
    state: InitiativeState = InitiativeState.NOT_STARTED
    created_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Kpi:
    """A health metric watched beside OKRs: healthy or not, never a goal."""

    tenant_id: str
    id: str
    title: str
    threshold: Decimal
    comparison: Comparison
    current: Decimal | None = None
    unit: str = ""
    owner_id: str | None = None
    team_id: str | None = None
    updated_at: datetime | None = None
    etag: str | None = None


# CheckIn.source: typed (or confirmed with "No change") on a check-in card...
CARD = "card"
# ...or left as it was on a card sent with other changes: the owner saw the value
# and let it stand, so the key result counts as updated in the round.
UNCHANGED = "unchanged"
# ...or brought over from a Viva Goals export (cli.viva_import).
VIVA_GOALS = "viva_goals"


@dataclass(frozen=True, slots=True)
class CheckIn:
    """One update of one key result by one person. Append-only.

    ``id`` is chosen by the caller (e.g. from the card submission) so that a
    retried write is stored once. A correction within the round is a check-in
    of its own that names the one it replaces (``supersedes``); the replaced
    one is kept, marked ``superseded_by``, and history leaves it out.
    """

    tenant_id: str
    id: str
    key_result_id: str
    objective_id: str
    author_id: str
    value: Decimal
    status: CheckInStatus
    recorded_at: datetime
    confidence: int | None = None  # 1..10 when given
    note: str = ""
    round_id: str | None = None
    source: str = CARD  # CARD, UNCHANGED (left as it was on a card sent with changes), VIVA_GOALS
    supersedes: str | None = None  # on a correction: the check-in it replaces
    superseded_by: str | None = None  # set on the replaced check-in, once
    # Read with the check-in; only marking it superseded writes it back.
    etag: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Round:
    """One scheduled check-in round of a team (or digest), identified by its due slot."""

    tenant_id: str
    id: str  # e.g. "checkin:<team id>:2026-11-30"
    team_id: str
    kind: str  # "checkin" | "reminder" | "digest"
    due_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the scheduler intends to send to one person in one round.

    Written as PENDING before the send, moved to SENT/FAILED/UNREACHABLE after.
    """

    tenant_id: str
    id: str  # f"{round_id}|{member_id}|{kind}"; a channel post: f"{round_id}|channel"
    round_id: str
    member_id: str  # the person; for a channel post (digest, period report) the channel's id
    kind: str
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    last_error: str = ""
    activity_id: str | None = None
    # On a check-in card: the owner asked to be reminded then ("Remind me later").
    remind_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Lease:
    """A time-limited claim by one app instance on a named piece of work."""

    tenant_id: str
    id: str  # e.g. "round:<team id>"
    holder: str
    expires_at: datetime
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class PendingOwner:
    """An owner named by e-mail or UPN (by a CSV import) whom the bot has not met yet.

    The objective or key result is stored without an owner, and this record says
    who it belongs to. When the roster or a message brings a person with this
    e-mail, they become the owner and the record is deleted.

    Attributes:
        id: What is owned: ``objective:<objective id>`` or ``key_result:<key
            result id>``. One record per owned thing, as each has one owner.
        email: The e-mail or UPN, case-folded (Entra compares them without case).
        objective_id: The objective owned, or the one the key result belongs to.
        key_result_id: The key result owned; None when the objective is.
        team_id: The objective's team (team owners see its pending owners).
    """

    tenant_id: str
    id: str
    email: str
    objective_id: str
    key_result_id: str | None = None
    team_id: str | None = None
    created_at: datetime | None = None
    etag: str | None = None

    @staticmethod
    def id_for(objective_id: str, key_result_id: str | None = None) -> str:
        """The record's id for an objective's owner, or a key result's."""
        if key_result_id is None:
            return f"objective:{objective_id}"
        return f"key_result:{key_result_id}"


@dataclass(frozen=True, slots=True)
class ObjectiveMark:
    """One objective as a digest showed it (part of a :class:`DigestSnapshot`)."""

    id: str
    progress: Decimal | None  # 0..1, clamped; None without key results
    status: CheckInStatus | None = None  # the most worrying owner's status


@dataclass(frozen=True, slots=True)
class KeyResultMark:
    """One key result as a digest showed it (part of a :class:`DigestSnapshot`)."""

    id: str
    objective_id: str
    progress: Decimal  # 0..1, clamped
    status: CheckInStatus | None = None
    last_checkin_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """Overall progress and the expected line on one digest's day."""

    day: date
    overall: Decimal | None
    expected: Decimal | None


@dataclass(frozen=True, slots=True)
class DigestSnapshot:
    """What one team digest showed: "since last week" compares two of these.

    Stored once per (team, digest slot) when the digest is posted. ``trend``
    carries the period's earlier points forward, so the trend line reads one
    snapshot, not the whole series.

    Attributes:
        id: ``<team id>|<slot date ISO>``.
        slot: The digest's date in the team's calendar.
        period_label: The period shown (``Period.label``); another period's
            snapshot is not "last week".
    """

    tenant_id: str
    id: str
    team_id: str
    slot: date
    taken_at: datetime
    period_label: str
    overall: Decimal | None
    expected: Decimal | None
    objectives: tuple[ObjectiveMark, ...] = ()
    key_results: tuple[KeyResultMark, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    etag: str | None = None

    @staticmethod
    def id_for(team_id: str, slot: date) -> str:
        """The snapshot's id for a team's digest slot."""
        return f"{team_id}|{slot.isoformat()}"
