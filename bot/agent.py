"""The bot's turn handler: translate an activity, call the feature or installation code, answer.

This is the SDK's ``Agent`` (anything with ``async on_turn(context)``): the
adapter calls :meth:`OkrAgent.on_turn` once per incoming activity. Everything
below it that is not in ``bot/`` sees only SDK-free types
(:mod:`bot.features`). Beside it: :mod:`bot.install_events` (install, roster,
channels), :mod:`bot.private_chat` (answers that go to a person's own chat) and
:mod:`bot.replies` (our replies as activities).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import TurnContext

from bot import activities, teams_api
from bot.activities import DEFAULT_LOCALE
from bot.command_text import CommandMatch, clean_message, parse_command
from bot.features import CardAction, Command, Features, Text, Turn, as_reply_list
from bot.install_events import TEAM_GONE_EVENTS, InstallEvents
from bot.installation import activate_conversation, ensure_tenant
from bot.logs import turn_log_context
from bot.people import SeenPerson, learn_person
from bot.private_chat import PrivateChat
from bot.replies import invoke_response, send
from bot.upsert import upsert
from cards import verbs
from cards.i18n import language_for_locale, person_locale
from cards.i18n import text as catalog_text
from cards.tab_links import TabLinks
from okr.models import ConversationKind, Member
from storage.errors import StoreUnavailableError
from storage.store import OkrStore

log = logging.getLogger("okr.bot")

CARD_ACTION_INVOKE = "adaptiveCard/action"


class OkrAgent:
    """Handles every activity Teams sends; one instance per app."""

    def __init__(
        self,
        store: OkrStore,
        features: Features,
        clock: Callable[[], datetime],
        round_changed: Callable[[str, str], None] | None = None,
        tab_links: TabLinks | None = None,
    ) -> None:
        self._store = store
        self._tab_links = tab_links
        self._features = features
        self._clock = clock
        self._round_changed = round_changed
        self._known_tenants: set[str] = set()
        self._profiles_asked: set[tuple[str, str]] = set()
        self._chat = PrivateChat(store, clock)
        self._installs = InstallEvents(store, self._chat, self._learn)

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
            await self._installs.conversation_update(context, tenant_id, member, now)
        elif activity.type == ActivityTypes.installation_update:
            await self._installs.installation_update(context, tenant_id, member, now)
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
            tab_links=self._tab_links,
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
                await self._chat.command_privately(context, turn, command, args)
                return
            replies = await command.handler(turn, args)
        elif self._features.unknown_handler is not None:
            log.info("unknown command")
            replies = await self._features.unknown_handler(turn, turn.text)
        else:
            replies = None
        await send(context, as_reply_list(replies))

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
            await invoke_response(
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
            await self._chat.open_privately(context, turn, handler, action)
            return
        replies = as_reply_list(await handler(turn, action))
        await invoke_response(context, replies[0] if replies else None)
        await send(context, replies[1:])

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
        await invoke_response(context, Text(catalog_text(lang, "error.not_this_app")))

    async def _apologise(self, context: TurnContext, key: str) -> None:
        """Tell the user something went wrong (catalog ``key``), without details; never raises."""
        activity = context.activity
        if _removes_bot(activity):
            return  # nobody to tell: the bot is no longer in the conversation
        apology = Text(catalog_text(language_for_locale(activity.locale or DEFAULT_LOCALE), key))
        try:
            if activity.type == ActivityTypes.invoke:
                await invoke_response(context, apology)
            else:
                await send(context, [apology])
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
        return any(m.id == bot_id for m in removed) or event in TEAM_GONE_EVENTS
    return False


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
