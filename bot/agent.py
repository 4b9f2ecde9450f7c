"""The bot's turn handler: translate an activity, call the feature or installation code, answer.

This is the SDK's ``Agent`` (anything with ``async on_turn(context)``): the
adapter calls :meth:`OkrAgent.on_turn` once per incoming activity. Everything
below it that is not in ``bot/`` sees only SDK-free types
(:mod:`bot.features`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from http import HTTPStatus
from typing import Any

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    Attachment,
    InvokeResponse,
)
from microsoft_agents.hosting.core import TurnContext

from bot import activities, onboarding, teams_api
from bot.command_text import CommandMatch, clean_message, parse_command
from bot.features import (
    Card,
    CardAction,
    Command,
    Features,
    Reply,
    Text,
    Turn,
    VerbHandler,
    as_reply_list,
)
from bot.installation import (
    activate_conversation,
    change_channel,
    deactivate_conversation,
    default_team_zone,
    ensure_tenant,
    install_team,
    record_roster,
    uninstall_team,
)
from bot.logs import turn_log_context
from bot.people import SeenPerson, learn_person, leave_team
from bot.upsert import upsert
from cards import verbs
from cards.help import APP_NAME
from cards.i18n import language_for_locale, person_locale
from cards.i18n import text as catalog_text
from cards.markdown import safe
from cards.welcome import FirstRound, welcome_card
from okr.cadence import team_default_zone
from okr.models import Channel, ConversationKind, ConversationRef, Member, Team
from storage.errors import StoreUnavailableError
from storage.store import OkrStore

log = logging.getLogger("okr.bot")

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"
CARD_ACTION_INVOKE = "adaptiveCard/action"
# conversationUpdate events that change a team's channels.
_CHANNEL_EVENTS = frozenset(
    {"channelCreated", "channelRenamed", "channelDeleted", "channelRestored"}
)
DEFAULT_LOCALE = "en-US"


class OkrAgent:
    """Handles every activity Teams sends; one instance per app."""

    def __init__(
        self,
        store: OkrStore,
        features: Features,
        clock: Callable[[], datetime],
        round_changed: Callable[[str, str], None] | None = None,
    ) -> None:
        self._store = store
        self._features = features
        self._clock = clock
        self._round_changed = round_changed
        self._known_tenants: set[str] = set()
        self._profiles_asked: set[tuple[str, str]] = set()

    async def on_turn(self, context: TurnContext) -> None:
        """Handle one activity; a failure is logged and answered with an apology."""
        activity = context.activity
        # Text is cleaned at the edge, before anything reads or stores it.
        activities.clean_activity(activity)
        with turn_log_context(
            tenant_id=activities.tenant_of(activity),
            conversation_id=activity.conversation.id if activity.conversation else None,
            activity_id=activity.id,
        ):
            try:
                await self._dispatch(context)
            except StoreUnavailableError as exc:
                # Storage is down or too slow: a condition, not a bug; no trace needed.
                log.warning("turn failed: storage unavailable (%s)", exc)
                await self._apologise(context, "error.storage_unavailable")
            except Exception:
                log.exception("turn failed (%s activity)", activity.type)
                await self._apologise(context, "error.internal")

    # -- dispatch ------------------------------------------------------------

    async def _dispatch(self, context: TurnContext) -> None:
        activity = context.activity
        tenant_id = activities.tenant_of(activity)
        if tenant_id is None:
            log.warning("ignored a %s activity without a tenant id", activity.type)
            if activity.type == ActivityTypes.invoke:
                await self._not_ours(context)
            return
        now = self._clock()
        if tenant_id not in self._known_tenants:
            await ensure_tenant(self._store, tenant_id, now)
            self._known_tenants.add(tenant_id)
        seen = activities.sender_of(activity)
        member = await self._learn(context, tenant_id, seen, now) if seen else None

        if activity.type == ActivityTypes.message:
            if member is not None:
                await self._on_message(context, self._turn(context, tenant_id, member, now))
        elif activity.type == ActivityTypes.invoke:
            await self._on_invoke(context, tenant_id, member, now)
        elif activity.type == ActivityTypes.conversation_update:
            await self._on_conversation_update(context, tenant_id, now)
        elif activity.type == ActivityTypes.installation_update:
            await self._on_installation_update(context, tenant_id, now)
        else:
            log.debug("ignored a %s activity", activity.type)

    def _turn(self, context: TurnContext, tenant_id: str, member: Member, now: datetime) -> Turn:
        activity = context.activity
        kind = activities.conversation_kind(activity)
        team = activities.team_of(activity)
        text = (
            clean_message(activity.remove_recipient_mention() or "")
            if activity.type == ActivityTypes.message
            else ""
        )
        return Turn(
            tenant_id=tenant_id,
            member=member,
            locale=person_locale(member, activity.locale) or DEFAULT_LOCALE,
            conversation=activities.conversation_ref(activity, tenant_id, now),
            team_id=team[0] if team else None,
            is_personal=kind is ConversationKind.PERSONAL,
            text=text.strip(),
            activity_id=activity.id,
            now=now,
            store=self._store,
            round_changed=self._round_changed,
        )

    # -- messages and card actions --------------------------------------------

    async def _on_message(self, context: TurnContext, turn: Turn) -> None:
        if turn.is_personal:
            # Keep the personal chat's reference fresh: it is where check-ins are sent.
            await activate_conversation(self._store, turn.conversation)
            if not turn.member.reachable:
                await self._reachable_again(turn)
        if not turn.text:
            log.info("ignored a message without text")
            return
        found = self._find_command(turn.text)
        if found is not None:
            command, args = found
            log.info("command %s", command.name)
            if command.private and not turn.is_personal:
                await self._command_privately(context, turn, command, args)
                return
            replies = await command.handler(turn, args)
        elif self._features.unknown_handler is not None:
            log.info("unknown command")
            replies = await self._features.unknown_handler(turn, turn.text)
        else:
            replies = None
        await _send(context, as_reply_list(replies))

    def _find_command(self, text: str) -> tuple[Command, str] | None:
        """The product's spellings first (punctuation and accents forgiven), then the registry's."""
        parsed = parse_command(text)
        if isinstance(parsed, CommandMatch):
            command = self._features.command_named(parsed.command.value.replace("_", " "))
            if command is not None:
                return command, parsed.argument
        return self._features.find_command(text)

    async def _on_invoke(
        self, context: TurnContext, tenant_id: str, member: Member | None, now: datetime
    ) -> None:
        activity = context.activity
        if activity.name != CARD_ACTION_INVOKE or member is None:
            log.info("invoke %s not handled", activity.name)
            await self._not_ours(context)  # 200 with a short message, never the SDK's 501
            return
        action = _card_action(activity)
        turn = self._turn(context, tenant_id, member, now)
        if action is None:
            log.warning("malformed %s invoke", CARD_ACTION_INVOKE)
            await _invoke_response(
                context,
                Text(catalog_text(language_for_locale(turn.locale), "error.card_expired_gone")),
            )
            return
        handler = self._features.find_verb(action.verb)
        if handler is None:
            log.warning("unknown card verb (%d characters)", len(action.verb))
            await self._not_ours(context, turn.locale)
            return
        log.info("card verb %s", action.verb)
        if not turn.is_personal and action.verb not in verbs.ANSWERED_IN_PLACE:
            await self._open_privately(context, turn, handler, action)
            return
        replies = as_reply_list(await handler(turn, action))
        await _invoke_response(context, replies[0] if replies else None)
        await _send(context, replies[1:])

    # -- shared conversations: answers for one person go to their personal chat -----

    async def _open_privately(
        self, context: TurnContext, turn: Turn, handler: VerbHandler, action: CardAction
    ) -> None:
        """A button on a card shared in a channel or group chat that opens something.

        Teams would show a card answer in place of the shared card, for the clicker
        alone: they would lose the shared card and nobody else would see anything.
        So the answer goes to the clicker's personal chat, and the invoke is answered
        with a message, which leaves the shared card as it is. A single line (a
        refusal, "out of date") is shown to the clicker as it is.
        """
        replies = as_reply_list(await handler(_in_personal_chat(turn), action))
        if len(replies) <= 1 and not any(isinstance(r, Card) for r in replies):
            await _invoke_response(context, replies[0] if replies else None)
            return
        # The shared card stays as it is: what only answers in place is not sent.
        replies = [r for r in replies if not r.in_place] or replies
        sent = await self._send_privately(context, turn, replies)
        key = "shared.sent_to_chat" if sent else "shared.chat_unreachable"
        await _invoke_response(context, Text(_shared_line(turn, key)))

    async def _command_privately(
        self, context: TurnContext, turn: Turn, command: Command, args: str
    ) -> None:
        """A private command typed in a channel or group chat: answered in the personal chat.

        The channel gets one short line and nothing personal (``settings`` would
        otherwise show a person's time zone to everyone).
        """
        replies = as_reply_list(await command.handler(_in_personal_chat(turn), args))
        if not replies:
            return
        sent = await self._send_privately(context, turn, replies)
        key = "shared.command_sent" if sent else "shared.chat_unreachable"
        await _send(context, [Text(_shared_line(turn, key))])

    async def _send_privately(self, context: TurnContext, turn: Turn, replies: list[Reply]) -> bool:
        """Send ``replies`` to the person's personal chat; False if it could not be reached.

        Teams creates the 1:1 chat when there is none yet; it fails when the
        person's organisation or the person blocks the bot (403/404).
        """
        first, *rest = replies
        try:
            await self._send_personal(context, turn.tenant_id, turn.member.id, first)
            # The rest into the chat just opened (and stored): one request to Teams each.
            chat = await self._store.get_conversation(turn.tenant_id, turn.member.id)
            for reply in rest:
                if chat is None:
                    await self._send_personal(context, turn.tenant_id, turn.member.id, reply)
                else:
                    await teams_api.send_to_conversation(
                        context, chat.conversation_id, _message(reply)
                    )
        except Exception as exc:
            log.warning("could not reach the person's personal chat (%s)", type(exc).__name__)
            return False
        return True

    # -- installation ------------------------------------------------------------

    async def _on_conversation_update(
        self, context: TurnContext, tenant_id: str, now: datetime
    ) -> None:
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        added = [m for m in activity.members_added or () if m.id]
        removed = [m for m in activity.members_removed or () if m.id]
        team = activities.team_of(activity)
        event = activities.channel_data(activity).event_type
        if any(m.id == bot_id for m in added):
            await self._installed(context, tenant_id, now)
        elif any(m.id == bot_id for m in removed) or event in ("teamDeleted", "teamHardDeleted"):
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

    async def _learn(
        self, context: TurnContext, tenant_id: str, seen: SeenPerson, now: datetime
    ) -> Member:
        """Learn the person; the first time one is seen without an e-mail, ask Teams for it.

        Messages and "members added" events carry no e-mail, and an import may be
        waiting for it (pending owners). Teams is asked once per person per
        process, and only while some owner is pending; a failure is logged and
        the turn goes on.
        """
        member = await learn_person(self._store, tenant_id, seen, now)
        key = (tenant_id, member.id)
        if member.email or key in self._profiles_asked:
            return member
        self._profiles_asked.add(key)
        # Only worth a call to Teams while an import waits for someone by e-mail.
        if not await self._store.list_pending_owners(tenant_id, limit=1):
            return member
        try:
            email = await teams_api.member_email(context, member.id)
        except Exception as exc:
            log.warning("could not read a member's profile (%s)", type(exc).__name__)
            return member
        if not email:
            return member
        return await learn_person(
            self._store, tenant_id, dataclasses.replace(seen, email=email), now
        )

    async def _on_installation_update(
        self, context: TurnContext, tenant_id: str, now: datetime
    ) -> None:
        action = (context.activity.action or "").lower()
        if action.startswith("add"):
            await self._installed(context, tenant_id, now)
        elif action.startswith("remove"):
            await self._uninstalled(context, tenant_id, now)

    async def _installed(self, context: TurnContext, tenant_id: str, now: datetime) -> None:
        activity = context.activity
        ref = activities.conversation_ref(activity, tenant_id, now)
        newly = await activate_conversation(self._store, ref)
        team_of = activities.team_of(activity)
        team: Team | None = None
        if team_of is not None:
            team = await self._learn_team(context, tenant_id, team_of[0], team_of[1], ref.id, now)
        elif ref.kind is ConversationKind.GROUP_CHAT and newly:
            await self._learn_group_chat(context, tenant_id, now)
        log.info("installed in a %s conversation%s", ref.kind.value, "" if newly else " (again)")
        if not newly:
            return  # Teams announces an install twice: one welcome per install
        lang = language_for_locale(activity.locale or DEFAULT_LOCALE)
        installer = activities.sender_of(activity)
        name: str | None = None
        first: FirstRound | None = None
        if ref.kind is ConversationKind.PERSONAL and installer is not None:
            member = await self._store.get_member(tenant_id, installer.id)
            name = activity.from_property.name if activity.from_property else None
            if member is not None:
                first = await onboarding.member_first_round(self._store, member, now)
        elif team is not None:
            first = onboarding.first_round(team.settings, now)
        welcome = welcome_card(lang, name, first)
        await _send(context, [Card(welcome, fallback_text=catalog_text(lang, "welcome.title"))])
        if team is not None:
            await onboarding.welcome_owners(
                self._store,
                team,
                installer.id if installer is not None else None,
                now,
                lambda member_id, card: self._send_personal(context, tenant_id, member_id, card),
            )

    async def _send_personal(
        self, context: TurnContext, tenant_id: str, member_id: str, reply: Reply
    ) -> None:
        """Send ``reply`` into the person's 1:1 chat (opened if needed) and keep its reference."""
        now = self._clock()
        conversation_id = await teams_api.send_to_personal_chat(
            context, tenant_id, member_id, _message(reply)
        )
        activity = context.activity
        await activate_conversation(
            self._store,
            ConversationRef(
                tenant_id=tenant_id,
                id=member_id,
                kind=ConversationKind.PERSONAL,
                conversation_id=conversation_id,
                service_url=activity.service_url or "",
                bot_id=activity.recipient.id if activity.recipient else "",
                channel_id=str(activity.channel_id or "msteams"),
                member_id=member_id,
                active=True,
                updated_at=now,
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

    async def _reachable_again(self, turn: Turn) -> None:
        """They wrote to the bot in their 1:1 chat, so sends that failed with 403 work again."""
        store = self._store

        def change(member: Member | None) -> Member | None:
            if member is None or member.reachable:
                return None
            return dataclasses.replace(member, reachable=True, updated_at=turn.now)

        await upsert(
            store.save_member, lambda: store.get_member(turn.tenant_id, turn.member.id), change
        )
        log.info("member reachable again")

    # -- failure -----------------------------------------------------------------

    async def _not_ours(self, context: TurnContext, locale: str | None = None) -> None:
        """Answer an invoke this app does not handle: 200 and a short message."""
        lang = language_for_locale(locale or context.activity.locale or DEFAULT_LOCALE)
        await _invoke_response(context, Text(catalog_text(lang, "error.not_this_app")))

    async def _apologise(self, context: TurnContext, key: str) -> None:
        """Tell the user something went wrong (catalog ``key``), without details; never raises."""
        activity = context.activity
        if _removes_bot(activity):
            return  # nobody to tell: the bot is no longer in the conversation
        apology = Text(catalog_text(language_for_locale(activity.locale or DEFAULT_LOCALE), key))
        try:
            if activity.type == ActivityTypes.invoke:
                await _invoke_response(context, apology)
            else:
                await _send(context, [apology])
        except Exception as exc:
            # Usually the same outage that failed the turn; its trace is already logged.
            log.warning("could not send the apology: %s", type(exc).__name__)


def _removes_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    if activity.type == ActivityTypes.installation_update:
        return (activity.action or "").lower().startswith("remove")
    if activity.type == ActivityTypes.conversation_update:
        removed = activity.members_removed or ()
        event = activities.channel_data(activity).event_type
        return any(m.id == bot_id for m in removed) or event in ("teamDeleted", "teamHardDeleted")
    return False


def _in_personal_chat(turn: Turn) -> Turn:
    """``turn`` answered in the person's personal chat (its team, if any, is still the team)."""
    return dataclasses.replace(turn, is_personal=True)


def _shared_line(turn: Turn, key: str) -> str:
    """The short line of a shared conversation (catalog ``key``) in the person's language."""
    return catalog_text(language_for_locale(turn.locale), key, app=APP_NAME)


def _card_action(activity: Activity) -> CardAction | None:
    """The ``Action.Execute`` in an ``adaptiveCard/action`` invoke, or None if malformed."""
    value = activity.value
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        return None
    verb = action.get("verb")
    data = action.get("data", {})
    if not isinstance(verb, str) or not isinstance(data, dict):
        return None
    return CardAction(verb=verb, data=data, card_activity_id=activity.reply_to_id)


def _message(reply: Reply) -> Activity:
    if isinstance(reply, Text):
        # Our strings are Markdown; anything else is shown as typed.
        return Activity(type=ActivityTypes.message, text=safe(reply.text), text_format="markdown")
    message = Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=ADAPTIVE_CARD, content=dict(reply.content))],
    )
    if reply.fallback_text:  # the SDK refuses an empty summary
        message.summary = reply.fallback_text
    return message


async def _send(context: TurnContext, replies: Sequence[Reply]) -> None:
    for reply in replies:
        await context.send_activity(_message(reply))


async def _invoke_response(context: TurnContext, reply: Reply | None) -> None:
    """Answer the invoke in its HTTP response (status 200, a card or a message)."""
    body: dict[str, Any]
    if isinstance(reply, Card):
        body = {"statusCode": 200, "type": ADAPTIVE_CARD, "value": dict(reply.content)}
    else:
        text = reply.text if reply is not None else ""
        body = {"statusCode": 200, "type": INVOKE_MESSAGE, "value": text}
    response = InvokeResponse(status=int(HTTPStatus.OK), body=body)
    await context.send_activity(
        Activity(
            type=ActivityTypes.invoke_response,
            value=response.model_dump(by_alias=True, exclude_none=True),
        )
    )
