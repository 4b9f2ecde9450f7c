"""The extension point: features register text commands and card verbs here.

A feature is a module with a ``register(features: Features) -> None`` function
(bolt's ``register(app)`` per folder). ``app.py`` lists the feature modules and
calls each ``register`` once at start-up. Handlers are plain async functions of
SDK-free data: they never see the Agents SDK, aiohttp or HTTP.

Registering::

    from bot.features import Card, CardAction, Features, Replies, Text, Turn

    def register(features: Features) -> None:
        features.add_command("my okrs", my_okrs, aliases=("okr của tôi",))
        features.add_verb(verbs.CREATE_OBJECTIVE, create_objective)

    async def my_okrs(turn: Turn, args: str) -> Replies:
        objectives = await turn.store.list_objectives(turn.tenant_id, owner_id=turn.member.id)
        return Card(my_okrs_card(objectives, turn.locale), fallback_text="My OKRs")

    async def create_objective(turn: Turn, action: CardAction) -> Replies:
        ...  # parse action.data into a typed model; on bad input return the card with errors
        return Card(objective_card(saved, turn.locale))

What a handler receives: a :class:`Turn` (who, where, in which language, the
store and the time) and, for a command, ``args`` — the text after the command
words, as typed; for a verb, a :class:`CardAction` (verb and the card's data
with its inputs).

What it returns (:data:`Replies`): a :class:`Text`, a :class:`Card`, a sequence
of them, or None.

* After a **command**, each reply is sent into the conversation the message
  came from, in order (a card as an Adaptive Card attachment).
* After a **verb** (an ``Action.Execute`` invoke), the *first* reply is the
  invoke response, answered in the HTTP response with status 200: a Card
  replaces the card the user clicked (``application/vnd.microsoft.card.adaptive``),
  a Text is shown to the user as a message
  (``application/vnd.microsoft.activity.message``). Any further replies are sent
  into the conversation as messages. None answers 200 with no body change.
* After a verb pressed on a card **shared in a channel or group chat**, unless
  the verb acts on its own card (:data:`cards.verbs.ANSWERED_IN_PLACE`: a form's
  Save, a check-in), the handler answers as in the person's personal chat: its
  replies are sent there, and the invoke is answered with a short message that
  leaves the shared card as it is (a single Text is that message itself).
  ``private`` commands typed there do the same (see :meth:`Features.add_command`).

Errors the user can cause are answered by the handler (a Text, or the card
again with the problems shown). Anything a handler raises is logged with the
activity id and answered with a short apology; it is never shown to the user.

Matching a command: the message text (with the bot's @mention removed) is
normalised by ``normalise`` (default: case-folded, whitespace collapsed) and
compared word-wise with every registered name and alias, longest first; so
``"status Grow revenue"`` finds ``status`` with ``args == "Grow revenue"``.
Pass a different ``normalise`` (e.g. accent folding) to :class:`Features`.
A message matching no command goes to the ``on_unknown`` handler.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cards.elements import CARD_SCHEMA
from cards.tab_links import TabLinks
from okr.models import ConversationRef, Member, Team, Tenant
from storage.store import OkrStore


class TurnReads:
    """What many handlers of one turn read, read once in that turn: the tenant, its teams.

    Each :class:`Turn` has its own, made with it, so nothing read here outlives
    the turn, and it reads only the turn's tenant. Meant for reading (defaults,
    display, permissions); a handler that changes a team reads and saves it
    through the store (``bot.upsert``), never through this.
    """

    __slots__ = ("_store", "_teams", "_tenant", "_tenant_id")

    def __init__(self, store: OkrStore, tenant_id: str) -> None:
        self._store = store
        self._tenant_id = tenant_id
        self._tenant: tuple[Tenant | None] | None = None
        self._teams: dict[str, Team | None] = {}

    async def tenant(self) -> Tenant | None:
        """The tenant's record (None if the bot has never stored it)."""
        if self._tenant is None:
            self._tenant = (await self._store.get_tenant(self._tenant_id),)
        return self._tenant[0]

    async def team(self, team_id: str) -> Team | None:
        """One team of the tenant, or None."""
        if team_id not in self._teams:
            self._teams[team_id] = await self._store.get_team(self._tenant_id, team_id)
        return self._teams[team_id]

    async def teams(self, team_ids: Iterable[str]) -> dict[str, Team]:
        """The stored ones of ``team_ids`` by id; those not read yet are read at the same time."""
        wanted = sorted(set(team_ids))
        await asyncio.gather(*(self.team(t) for t in wanted if t not in self._teams))
        return {t: team for t in wanted if (team := self._teams[t]) is not None}


@dataclass(frozen=True, slots=True)
class Turn:
    """What a handler knows about the turn it is answering.

    Attributes:
        tenant_id: The Microsoft Entra tenant the activity came from.
        member: The person who wrote or clicked, as stored (already updated
            from this activity: name, Entra id, time zone, locale).
        locale: The language to answer in (e.g. ``"vi-VN"``): the member's
            locale, else the activity's, else the tenant's default.
        conversation: Where the activity came from, enough to send there later
            (not necessarily stored; installation stores references).
        team_id: ``channelData.team.id`` in a team channel, else None.
        is_personal: True when the answer goes to the one-to-one chat with the bot:
            the activity came from there, or it is a private command or a button
            that opens something, from a channel or group chat (see
            :data:`cards.verbs.ANSWERED_IN_PLACE`).
        text: The message text without the bot's @mention, stripped; "" for invokes.
        activity_id: The incoming activity's id (for logs).
        now: The current time (UTC, from the app's clock).
        store: The tenant-scoped store.
        round_changed: Told ``(tenant id, round id)`` when a check-in of that
            round is recorded, so that what was sent about the round (the team
            owners' summary) is brought up to date in the background; None
            when nothing is to be kept up to date.
        tab_links: Deep links into the app's Teams tab, when the tab is deployed
            (``TAB_DOMAIN`` set and a bot app id): cards that show one objective
            then offer "Open in tab". None otherwise.
        reads: What the turn's handlers read more than once (the tenant and
            its teams), read once; made afresh for every turn.
    """

    tenant_id: str
    member: Member
    locale: str
    conversation: ConversationRef
    team_id: str | None
    is_personal: bool
    text: str
    activity_id: str | None
    now: datetime
    store: OkrStore
    round_changed: Callable[[str, str], None] | None = None
    tab_links: TabLinks | None = None
    reads: TurnReads = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", TurnReads(self.store, self.tenant_id))


@dataclass(frozen=True, slots=True)
class CardAction:
    """An ``Action.Execute`` submitted from an Adaptive Card.

    Attributes:
        verb: The action's ``verb``.
        data: The action's ``data`` merged with the card's input values, as Teams
            sends them. Parse it into a typed model at once; never trust it.
        card_activity_id: The id of the message holding the card (``replyToId``),
            when Teams gives it.
    """

    verb: str
    data: Mapping[str, Any]
    card_activity_id: str | None = None

    @property
    def is_current(self) -> bool:
        """Whether the card was built by this version (its ``schema`` number), the one check.

        Older cards are answered "out of date" instead of being guessed at.
        """
        return self.data.get("schema") == CARD_SCHEMA


@dataclass(frozen=True, slots=True)
class Text:
    """A plain text (Markdown) message.

    ``in_place`` marks a line that only answers the pressed button where it is
    (e.g. "the form is in the next message"): when the answer goes to the
    person's personal chat instead (a button on a shared card), it is left out.
    """

    text: str
    in_place: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    """An Adaptive Card (the card JSON as a dict, from a pure card function)."""

    content: Mapping[str, Any]
    fallback_text: str = ""  # shown in notifications and where cards cannot render
    in_place: bool = False  # only the pressed card kept as it was (see Text.in_place)


Reply = Text | Card
Replies = Reply | Sequence[Reply] | None

CommandHandler = Callable[[Turn, str], Awaitable[Replies]]
VerbHandler = Callable[[Turn, CardAction], Awaitable[Replies]]


@dataclass(frozen=True, slots=True)
class Command:
    """A registered text command: its canonical name, other spellings and handler."""

    name: str
    handler: CommandHandler
    aliases: tuple[str, ...] = ()
    # Its answer is for the person alone: typed in a channel or group chat, the
    # answer goes to their personal chat and the channel gets one short line.
    private: bool = False


def default_normalise(text: str) -> str:
    """Case-folded with runs of whitespace collapsed to one space."""
    return " ".join(text.casefold().split())


def as_reply_list(replies: Replies) -> list[Reply]:
    """``Replies`` as a list (None → empty)."""
    if replies is None:
        return []
    if isinstance(replies, Text | Card):
        return [replies]
    return list(replies)


class Features:
    """The registry of text commands (by canonical name) and card verbs."""

    def __init__(self, normalise: Callable[[str], str] = default_normalise) -> None:
        self._normalise = normalise
        self._commands: dict[str, Command] = {}
        self._spellings: dict[str, Command] = {}
        self._verbs: dict[str, VerbHandler] = {}
        self._unknown: CommandHandler | None = None

    @property
    def commands(self) -> tuple[Command, ...]:
        """Registered commands in registration order (e.g. for help)."""
        return tuple(self._commands.values())

    @property
    def verbs(self) -> tuple[str, ...]:
        """Registered verbs in registration order."""
        return tuple(self._verbs)

    def add_command(
        self,
        name: str,
        handler: CommandHandler,
        *,
        aliases: Sequence[str] = (),
        private: bool = False,
    ) -> None:
        """Register ``handler`` for the command ``name`` and its ``aliases``.

        ``private`` commands answer only the person who typed them: typed in a
        channel or group chat, the handler runs as in their personal chat and
        its replies are sent there (see :class:`Command`).

        Raises:
            ValueError: the name or an alias is already taken, or normalises to "".
        """
        command = Command(name=name, handler=handler, aliases=tuple(aliases), private=private)
        if name in self._commands:
            raise ValueError(f"command {name!r} is registered twice")
        keys = [self._normalise(s) for s in (name, *command.aliases)]
        for spelling, key in zip((name, *command.aliases), keys, strict=True):
            if not key:
                raise ValueError(f"command spelling {spelling!r} is empty once normalised")
            if key in self._spellings:
                taken = self._spellings[key].name
                raise ValueError(f"{spelling!r} is already a spelling of command {taken!r}")
        self._commands[name] = command
        for key in keys:
            self._spellings[key] = command

    def add_verb(self, verb: str, handler: VerbHandler) -> None:
        """Register ``handler`` for ``Action.Execute`` actions with this ``verb``.

        Raises:
            ValueError: the verb is already registered.
        """
        if verb in self._verbs:
            raise ValueError(f"verb {verb!r} is registered twice")
        self._verbs[verb] = handler

    def on_unknown(self, handler: CommandHandler) -> None:
        """Answer messages that match no command with ``handler`` (``args`` is the whole text)."""
        self._unknown = handler

    def find_command(self, text: str) -> tuple[Command, str] | None:
        """The command ``text`` starts with and the rest of the text, or None.

        The longest matching spelling wins, compared word by word after
        normalisation; the rest is the original text after that many words.
        """
        words = self._normalise(text).split(" ")
        for count in range(len(words), 0, -1):
            command = self._spellings.get(" ".join(words[:count]))
            if command is not None:
                rest = text.split(maxsplit=count)
                return command, rest[count] if len(rest) > count else ""
        return None

    def command_named(self, name: str) -> Command | None:
        """The command registered under the canonical ``name``, or None."""
        return self._commands.get(name)

    def find_verb(self, verb: str) -> VerbHandler | None:
        """The handler of ``verb``, or None."""
        return self._verbs.get(verb)

    @property
    def unknown_handler(self) -> CommandHandler | None:
        """The handler for text that matches no command, if one is registered."""
        return self._unknown
