"""What the digests pass tests share: a sender that records channel posts, and a team to post for.

The team is :func:`tests.scheduling.test_rounds.seed`'s (Sales, Ho Chi Minh City,
one active objective of Q4 2026): its digest slot is Friday 16:00 in Ho Chi Minh
City, :data:`FRIDAY_SLOT` (09:00 UTC).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from okr.models import ConversationKind, ConversationRef
from scheduling.sender import PersonalTarget, SendOutcome, SendResult

FRIDAY = date(2026, 12, 4)
FRIDAY_SLOT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 16:00 in Ho Chi Minh City
NEXT_FRIDAY_SLOT = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Post:
    """One card that went out, and where to."""

    conversation_id: str
    service_url: str
    kind: ConversationKind | None
    card: dict[str, Any]
    fallback_text: str

    @property
    def text(self) -> str:
        """Everything the card says, to search in."""
        return str(self.card)


class PostingSender:
    """Records every send; answers with ``outcome`` (SENT by default)."""

    def __init__(self, outcome: SendOutcome = SendOutcome.SENT) -> None:
        self.posts: list[Post] = []
        self.outcome = outcome
        self._ids = 0

    async def send_card(
        self, target: ConversationRef | PersonalTarget, card: Mapping[str, Any], fallback_text: str
    ) -> SendResult:
        if isinstance(target, PersonalTarget):
            raise AssertionError("a channel post never opens a 1:1 chat")
        if self.outcome is not SendOutcome.SENT:
            return SendResult(self.outcome, status=403, error="refused")
        self._ids += 1
        self.posts.append(
            Post(target.conversation_id, target.service_url, target.kind, dict(card), fallback_text)
        )
        return SendResult(SendOutcome.SENT, activity_id=f"post-{self._ids}", status=201)

    async def update_card(
        self, target: ConversationRef, activity_id: str, card: Mapping[str, Any], fallback_text: str
    ) -> SendResult:
        raise AssertionError("the digests pass never updates a card")


def with_channel(ref: ConversationRef, **changes: Any) -> ConversationRef:
    """``ref`` changed, as a new record (no ETag)."""
    return dataclasses.replace(ref, etag=None, **changes)
