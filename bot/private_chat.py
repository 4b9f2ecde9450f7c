"""Answers for one person go to their personal chat, wherever the button or command was.

A card the bot posts in a channel or group chat is seen by everyone there.
Teams shows a card answered to an ``adaptiveCard/action`` invoke in place of the
pressed card, for the presser alone: they would lose the shared card and nobody
else would see anything. So a button on a shared card that opens something is
answered in the presser's personal chat (opened by the bot when there is none
yet), and the invoke with a message, which leaves the shared card as it is. A
private command typed in a channel (``settings``, ``checkin``) is answered the
same way, with one short line in the channel. See ``docs/shared-cards.md``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime

from microsoft_agents.hosting.core import TurnContext

from bot import teams_api
from bot.features import Card, CardAction, Command, Reply, Text, Turn, VerbHandler, as_reply_list
from bot.installation import activate_conversation
from bot.replies import invoke_response, message, send
from cards.help import APP_NAME
from cards.i18n import language_for_locale
from cards.i18n import text as catalog_text
from okr.models import ConversationKind, ConversationRef
from storage.store import OkrStore

log = logging.getLogger("okr.bot")


class PrivateChat:
    """Sends into people's personal chats from a turn elsewhere; one per app."""

    def __init__(self, store: OkrStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    async def open_privately(
        self, context: TurnContext, turn: Turn, handler: VerbHandler, action: CardAction
    ) -> None:
        """A button on a shared card that opens something: answered in the personal chat.

        A single line (a refusal, "out of date") is shown to the presser as it is.
        """
        replies = as_reply_list(await handler(in_personal_chat(turn), action))
        if len(replies) <= 1 and not any(isinstance(r, Card) for r in replies):
            await invoke_response(context, replies[0] if replies else None)
            return
        # The shared card stays as it is: what only answers in place is not sent.
        replies = [r for r in replies if not r.in_place] or replies
        sent = await self._send_privately(context, turn, replies)
        key = "shared.sent_to_chat" if sent else "shared.chat_unreachable"
        await invoke_response(context, Text(_shared_line(turn, key)))

    async def command_privately(
        self, context: TurnContext, turn: Turn, command: Command, args: str
    ) -> None:
        """A private command typed in a channel or group chat: answered in the personal chat.

        The channel gets one short line and nothing personal (``settings`` would
        otherwise show a person's time zone to everyone).
        """
        replies = as_reply_list(await command.handler(in_personal_chat(turn), args))
        if not replies:
            return
        sent = await self._send_privately(context, turn, replies)
        key = "shared.command_sent" if sent else "shared.chat_unreachable"
        await send(context, [Text(_shared_line(turn, key))])

    async def send_personal(
        self, context: TurnContext, tenant_id: str, member_id: str, reply: Reply
    ) -> str:
        """Send ``reply`` into the person's 1:1 chat and return the chat's id.

        The stored chat first (one request); when there is none, or Teams refuses
        it, the chat is opened (Teams answers with the existing one) and stored.

        Raises:
            Exception: Teams refused (403/404 when the person's organisation or
                the person blocks the bot) or failed; the caller decides.
        """
        activity = context.activity
        known = await self._store.get_conversation(tenant_id, member_id)
        if (
            known is not None
            and known.active
            and known.kind is ConversationKind.PERSONAL
            and known.service_url == activity.service_url
        ):
            try:
                await teams_api.send_to_conversation(context, known.conversation_id, message(reply))
                return known.conversation_id
            except Exception as exc:  # a stale chat: open it again below
                log.info("the stored personal chat refused a message (%s)", type(exc).__name__)
        now = self._clock()
        conversation_id = await teams_api.send_to_personal_chat(
            context, tenant_id, member_id, message(reply)
        )
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
        return conversation_id

    async def _send_privately(self, context: TurnContext, turn: Turn, replies: list[Reply]) -> bool:
        """Send ``replies`` to the person's personal chat; False if it could not be reached."""
        first, *rest = replies
        try:
            chat = await self.send_personal(context, turn.tenant_id, turn.member.id, first)
            for reply in rest:  # into the same chat: one request to Teams each
                await teams_api.send_to_conversation(context, chat, message(reply))
        except Exception as exc:
            log.warning("could not reach the person's personal chat (%s)", type(exc).__name__)
            return False
        return True


def in_personal_chat(turn: Turn) -> Turn:
    """``turn`` answered in the person's personal chat (its team, if any, is still the team)."""
    return dataclasses.replace(turn, is_personal=True)


def _shared_line(turn: Turn, key: str) -> str:
    """The short line of a shared conversation (catalog ``key``) in the person's language."""
    return catalog_text(language_for_locale(turn.locale), key, app=APP_NAME)
