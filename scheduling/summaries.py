"""Keeping a round's summary true after it was sent: late answers update it in place.

When someone checks in after their round's summary went out, each team
owner's summary card is replaced with the round as it stands now ("10 of 12
checked in", and one name fewer), through Teams' update-activity call with the
activity id its delivery record kept. Replacing a card with the same card
changes nothing, so refreshing twice is harmless.

Bounded by the round, never the tenant: the team and its owners' summary
records by point reads (most check-ins stop there: no summary was sent yet),
then the team's objectives and key results, the round's records, and the
people concerned by point reads.
"""

from __future__ import annotations

import asyncio
import logging

from okr.due import DeliveryKind, delivery_id, parse_round_id, round_summary
from okr.models import ConversationKind, DeliveryState
from scheduling.composer import Composer
from scheduling.rounds import active_key_results, asked_in, team_snapshot
from scheduling.sender import Sender, SendOutcome
from storage.store import OkrStore

log = logging.getLogger("okr.scheduling")


class SummaryRefresh:
    """Brings the sent summaries of one round up to date.

    Args:
        store: The open store.
        sender: Talks to Teams (its update-activity call).
        composer: Builds the summary card, as the reminder pass does.
    """

    def __init__(self, store: OkrStore, sender: Sender, *, composer: Composer) -> None:
        self._store = store
        self._sender = sender
        self._composer = composer

    async def __call__(self, tenant_id: str, round_id: str) -> int:
        """Update every summary of ``round_id`` already sent; return how many were updated.

        A summary that could not be updated is logged (and left as it was).
        """
        store = self._store
        parsed = parse_round_id(round_id)
        if parsed is None:
            return 0
        team_id, round_date = parsed
        team = await store.get_team(tenant_id, team_id)
        if team is None:
            return 0
        # The summaries are the team owners' (a handful): point reads, on every check-in.
        found_records = await asyncio.gather(
            *(
                store.get_delivery(tenant_id, delivery_id(round_id, owner, DeliveryKind.SUMMARY))
                for owner in team.owner_ids
            )
        )
        sent = [
            d
            for d in found_records
            if d is not None and d.state is DeliveryState.SENT and d.activity_id
        ]
        if not sent:
            return 0  # most check-ins stop here: no summary went out yet
        objectives = await store.list_objectives(tenant_id, team_id=team.id)
        key_results = await active_key_results(store, tenant_id, objectives)
        people = {kr.owner_id for kr in key_results if kr.owner_id} | {d.member_id for d in sent}
        found = await store.get_members(tenant_id, people)
        snapshot = team_snapshot(team, tuple(found), objectives, key_results)
        summary = round_summary(snapshot, round_date)
        if summary is None:
            return 0
        asked = asked_in(await store.list_deliveries(tenant_id, round_id))
        summary = summary.among(asked)
        updated = 0
        for record in sent:
            assert record.activity_id is not None
            chat = await store.get_conversation(tenant_id, record.member_id)
            if chat is None or chat.kind is not ConversationKind.PERSONAL:
                log.warning("summary %s not updated: no personal chat stored", record.id)
                continue
            composed = self._composer.summary(
                team,
                snapshot.member(record.member_id),
                round_date,
                summary.missing,
                round_id=round_id,
                asked=len(asked),
            )
            result = await self._sender.update_card(
                chat, record.activity_id, composed.content, composed.fallback_text
            )
            if result.outcome is SendOutcome.SENT:
                updated += 1
            else:
                log.warning("summary %s not updated: %s", record.id, result.error)
        return updated
