"""Installing and removing the bot, and what Teams says about a team: activities to storage.

Teams announces one installation several ways (see :mod:`bot.installation`);
the welcome goes out once, from the announcement that made the conversation
active. On a team install the bot reads the team's channels and roster, gives
the team its default time zone and language (the installer's), posts the
welcome in the channel and sends the owners their first steps
(:mod:`bot.onboarding`). Teams failing to answer any of those reads is logged
and never fails the install.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from microsoft_agents.hosting.core import TurnContext

from bot import activities, onboarding, teams_api
from bot.activities import DEFAULT_LOCALE
from bot.features import Card
from bot.installation import (
    activate_conversation,
    change_channel,
    deactivate_conversation,
    default_team_language,
    default_team_zone,
    install_team,
    record_roster,
    uninstall_team,
)
from bot.people import SeenPerson, learn_person, leave_team
from bot.private_chat import PrivateChat
from bot.replies import send
from cards.i18n import language_for_locale, language_of
from cards.i18n import text as catalog_text
from cards.welcome import FirstRound, welcome_card
from okr.cadence import team_default_zone
from okr.models import Channel, ConversationKind, Member, Team
from storage.store import OkrStore

log = logging.getLogger("okr.bot")

# conversationUpdate events that change a team's channels.
_CHANNEL_EVENTS = frozenset(
    {"channelCreated", "channelRenamed", "channelDeleted", "channelRestored"}
)
TEAM_GONE_EVENTS = ("teamDeleted", "teamHardDeleted")

# Learns a person seen in an activity (the agent's, which may ask Teams for an e-mail).
LearnPerson = Callable[[TurnContext, str, SeenPerson, datetime], Awaitable[Member]]


class InstallEvents:
    """``conversationUpdate`` and ``installationUpdate`` activities; one per app."""

    def __init__(self, store: OkrStore, chat: PrivateChat, learn: LearnPerson) -> None:
        self._store = store
        self._chat = chat
        self._learn = learn

    async def conversation_update(
        self, context: TurnContext, tenant_id: str, sender: Member | None, now: datetime
    ) -> None:
        """Installed, removed, a channel changed, or members came and went.

        ``sender``: the person who sent the activity, as the agent just learned them.
        """
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        added = [m for m in activity.members_added or () if m.id]
        removed = [m for m in activity.members_removed or () if m.id]
        team = activities.team_of(activity)
        event = activities.channel_data(activity).event_type
        if any(m.id == bot_id for m in added):
            await self._installed(context, tenant_id, sender, now)
        elif any(m.id == bot_id for m in removed) or event in TEAM_GONE_EVENTS:
            await self._uninstalled(context, tenant_id, now)
        elif event in _CHANNEL_EVENTS and team is not None:
            await self._channel_changed(context, tenant_id, team[0], event)
        else:
            team_id = team[0] if team else None
            for account in added:
                await self._learn(
                    context,
                    tenant_id,
                    SeenPerson(
                        id=account.id,
                        aad_object_id=account.aad_object_id,
                        name=account.name,
                        team_id=team_id,
                    ),
                    now,
                )
            if team_id is not None:
                for account in removed:
                    await leave_team(self._store, tenant_id, account.id, team_id)
            if added or removed:
                log.info("members changed: %d added, %d removed", len(added), len(removed))

    async def _channel_changed(
        self, context: TurnContext, tenant_id: str, team_id: str, event: str
    ) -> None:
        channel = activities.channel_data(context.activity).channel
        if channel is None or not channel.id:
            log.warning("%s without a channel id", event)
            return
        await change_channel(
            self._store,
            tenant_id,
            team_id,
            Channel(id=channel.id, name=channel.name or teams_api.GENERAL),
            deleted=event == "channelDeleted",
        )
        log.info("team channel event: %s", event)

    async def installation_update(
        self, context: TurnContext, tenant_id: str, sender: Member | None, now: datetime
    ) -> None:
        action = (context.activity.action or "").lower()
        if action.startswith("add"):
            await self._installed(context, tenant_id, sender, now)
        elif action.startswith("remove"):
            await self._uninstalled(context, tenant_id, now)

    async def _installed(
        self, context: TurnContext, tenant_id: str, sender: Member | None, now: datetime
    ) -> None:
        activity = context.activity
        ref = activities.conversation_ref(activity, tenant_id, now)
        newly = await activate_conversation(self._store, ref)
        team_of = activities.team_of(activity)
        team: Team | None = None
        if team_of is not None:
            team = await self._learn_team(context, tenant_id, team_of[0], team_of[1], ref.id, now)
            # The installer's language (their choice, else their Teams client's).
            language = language_of(sender, activity.locale).value
            team = await default_team_language(self._store, tenant_id, team.id, language) or team
        elif ref.kind is ConversationKind.GROUP_CHAT and newly:
            await self._learn_group_chat(context, tenant_id, now)
        log.info("installed in a %s conversation%s", ref.kind.value, "" if newly else " (again)")
        if not newly:
            return  # Teams announces an install twice: one welcome per install
        lang = language_for_locale(activity.locale or DEFAULT_LOCALE)
        name: str | None = None
        first: FirstRound | None = None
        if ref.kind is ConversationKind.PERSONAL and sender is not None:
            name = activity.from_property.name if activity.from_property else None
            first = await onboarding.member_first_round(self._store, sender, now)
        elif team is not None:
            first = onboarding.first_round(team.settings, now)
        welcome = welcome_card(lang, name, first)
        await send(context, [Card(welcome, fallback_text=catalog_text(lang, "welcome.title"))])
        if team is not None:
            await onboarding.welcome_owners(
                self._store,
                team,
                sender.id if sender is not None else None,
                now,
                lambda member_id, card: self._chat.send_personal(
                    context, tenant_id, member_id, card
                ),
            )

    async def _learn_team(
        self,
        context: TurnContext,
        tenant_id: str,
        team_id: str,
        team_name: str,
        channel_id: str,
        now: datetime,
    ) -> Team:
        """Store the team, its channels, its roster and its default zone; returns the team.

        Teams failing here is not fatal.
        """
        try:
            channels = await teams_api.team_channels(context, team_id)
        except Exception:
            log.warning("could not read the team's channels", exc_info=True)
            channels = (Channel(id=channel_id, name=teams_api.GENERAL),)
        try:
            roster: teams_api.Roster | None = await teams_api.team_roster(context, team_id)
        except Exception as exc:
            log.warning("could not read the team's roster (%s)", type(exc).__name__)
            roster = None
        team = await install_team(
            self._store,
            tenant_id,
            team_id,
            name=team_name,
            channels=channels,
            owner_ids=roster.owner_ids if roster is not None else None,
            now=now,
        )
        members: list[Member] = []
        if roster is None:
            log.warning(
                "team installed with %d channels; roster NOT read: the scheduler tries again "
                "on its next pass",
                len(channels),
            )
        else:
            members = await record_roster(self._store, tenant_id, team_id, roster, now)
            log.info(
                "team roster read: %d members, %d owners, %d channels",
                len(roster.people),
                len(roster.owner_ids),
                len(channels),
            )
        # The installer's zone, else the team's most common: never a zone owners chose.
        installer = activities.sender_of(context.activity)
        zone = team_default_zone(installer.time_zone if installer else None, members)
        return await default_team_zone(self._store, tenant_id, team_id, zone) or team

    async def _learn_group_chat(self, context: TurnContext, tenant_id: str, now: datetime) -> None:
        """Learn who is in a group chat the bot was added to (so imports can name them)."""
        conversation_id = context.activity.conversation.id if context.activity.conversation else ""
        try:
            roster = await teams_api.read_roster(teams_api.turn_get(context), conversation_id, None)
        except Exception as exc:
            log.warning("could not read the group chat's members (%s)", type(exc).__name__)
            return
        for person in roster.people:
            await learn_person(self._store, tenant_id, person, now)
        log.info("group chat members read: %d", len(roster.people))

    async def _uninstalled(self, context: TurnContext, tenant_id: str, now: datetime) -> None:
        activity = context.activity
        team = activities.team_of(activity)
        if team is not None:
            await uninstall_team(self._store, tenant_id, team[0], now)
            log.info("removed from a team")
            return
        ref = activities.conversation_ref(activity, tenant_id, now)
        await deactivate_conversation(self._store, tenant_id, ref.id, now)
        log.info("removed from a %s conversation", ref.kind.value)
