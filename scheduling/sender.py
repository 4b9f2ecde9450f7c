"""What the delivery engine needs from whoever talks to Teams.

Implemented in ``bot/proactive.py`` with the Agents SDK (rate limits, retries,
creating 1:1 chats); tests and benchmarks may use other implementations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from okr.models import ConversationRef


class SendOutcome(StrEnum):
    """How a proactive send ended, after the sender's own retries."""

    SENT = "sent"
    FAILED = "failed"  # gave up: 400/401, or retries exhausted on 429/5xx/timeouts
    UNREACHABLE = "unreachable"  # 403 (blocked, uninstalled, disabled) or 404: never retry


@dataclass(frozen=True, slots=True)
class SendResult:
    """The end of one proactive send.

    Attributes:
        outcome: Sent, failed or unreachable.
        activity_id: The id Teams gave the sent message (to update the card later).
        attempts: HTTP attempts made (1 when it went through first time).
        status: The last HTTP status seen (0 for a timeout or connection error).
        error: A short reason for logs and delivery records; never a token.
        conversation: The conversation used; a new one when the sender had to
            open a 1:1 chat (the caller stores it for next time).
    """

    outcome: SendOutcome
    activity_id: str | None = None
    attempts: int = 1
    status: int = 0
    error: str = ""
    conversation: ConversationRef | None = None


@dataclass(frozen=True, slots=True)
class PersonalTarget:
    """Who to reach in a 1:1 chat when no conversation is stored yet."""

    tenant_id: str
    member_id: str
    service_url: str
    bot_id: str


class Sender(Protocol):
    """Sends one card proactively, within Teams' limits, retrying what is worth retrying."""

    async def send_card(
        self,
        target: ConversationRef | PersonalTarget,
        card: Mapping[str, Any],
        fallback_text: str,
    ) -> SendResult:
        """Send ``card`` into ``target``; open a 1:1 chat first for a PersonalTarget.

        Never raises for HTTP or network failures: they end in the result.
        """

    async def update_card(
        self,
        target: ConversationRef,
        activity_id: str,
        card: Mapping[str, Any],
        fallback_text: str,
    ) -> SendResult:
        """Replace the card of message ``activity_id`` in ``target`` (Teams' update activity).

        The same card again changes nothing, so a repeated update is harmless.
        Never raises for HTTP or network failures: they end in the result.
        """
