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
from decimal import Decimal
from typing import Any

from okr.models import (
    Channel,
    ConversationKind,
    ConversationRef,
    KeyResult,
    KeyResultKind,
    Member,
    Objective,
    ObjectiveState,
    Team,
    TeamSettings,
    Tenant,
)
from okr.periods import Period
from scheduling.sender import PersonalTarget, SendOutcome, SendResult
from storage.store import OkrStore
from tests.scheduling.test_rounds import TENANT

FRIDAY = date(2026, 12, 4)
FRIDAY_SLOT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 16:00 in Ho Chi Minh City
NEXT_FRIDAY_SLOT = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
INSTALLED = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday: Friday's slot is the first


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


def team_id(i: int) -> str:
    """The id of :func:`seed_digest_teams`'s team ``i`` (also its General channel's)."""
    return f"19:team-{i}@thread.tacv2"


async def seed_digest_teams(store: OkrStore, service_url: str, teams: int) -> list[str]:
    """``teams`` teams in Ho Chi Minh City, each with an active objective of Q4 2026.

    Each was installed on Monday 30 Nov 2026 (its first slot is Friday's,
    :data:`FRIDAY_SLOT`), has General's reference stored with ``service_url``
    and one key result owned by its own member. Returns the team ids.
    """
    await store.save_tenant(Tenant(id=TENANT, name="Contoso"))
    ids = []
    for i in range(teams):
        team = team_id(i)
        ids.append(team)
        await store.save_team(
            Team(
                tenant_id=TENANT,
                id=team,
                name=f"Team {i}",
                channels=(Channel(team, "General"),),
                settings=TeamSettings(time_zone="Asia/Ho_Chi_Minh", language="en"),
                created_at=INSTALLED,
            )
        )
        await store.save_conversation(
            ConversationRef(
                tenant_id=TENANT,
                id=team,
                kind=ConversationKind.CHANNEL,
                conversation_id=team,
                service_url=service_url,
                bot_id="28:bot",
                team_id=team,
            )
        )
        owner = f"29:owner-{i}"
        await store.save_member(
            Member(tenant_id=TENANT, id=owner, name=f"Owner {i}", team_ids=(team,))
        )
        await store.save_objective(
            Objective(
                tenant_id=TENANT,
                id=f"obj-{i}",
                title=f"Objective {i}",
                owner_id=owner,
                period=Period.quarter(2026, 4),
                state=ObjectiveState.ACTIVE,
                team_id=team,
            )
        )
        await store.save_key_result(
            KeyResult(
                tenant_id=TENANT,
                id=f"kr-{i}",
                objective_id=f"obj-{i}",
                title=f"Key result {i}",
                owner_id=owner,
                kind=KeyResultKind.NUMBER,
                start=Decimal(0),
                target=Decimal(10),
                current=Decimal(i % 10),
            )
        )
    return ids
