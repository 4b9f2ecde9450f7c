"""Learning people from activities and the roster, with the store's ETag flow."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from bot.people import SeenPerson, learn_person, merge_person
from bot.upsert import upsert
from okr.models import Member
from storage.errors import ConflictError
from tests import factories as f
from tests.conftest import BotClient
from tests.connector import Connector
from tests.connector import Member as RosterMember

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


async def test_a_message_teaches_who_sent_it(bot: BotClient, connector: Connector) -> None:
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))

    member = await bot.store.get_member(f.TENANT_ID, f.BINH.id)
    assert member is not None
    assert member.aad_object_id == "aad-binh"
    assert member.name == "Trần Bình"
    assert member.time_zone == "Asia/Ho_Chi_Minh"
    assert member.locale == "vi-VN"
    found = await bot.store.find_member_by_aad(f.TENANT_ID, "aad-binh")
    assert found is not None and found.id == f.BINH.id


async def test_a_channel_message_adds_the_team_and_a_move_updates_the_time_zone(
    bot: BotClient, connector: Connector
) -> None:
    await bot.post(f.channel_message("help", connector.url))
    moved = dataclasses.replace(f.ALICE, time_zone="Europe/Paris", locale="fr-FR")
    await bot.post(f.personal_message("help", connector.url, user=moved))

    member = await bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert member is not None
    assert member.team_ids == (f.SALES.id,)
    assert (member.time_zone, member.locale) == ("Europe/Paris", "fr-FR")


async def test_activities_do_not_erase_what_the_roster_said(
    bot: BotClient, connector: Connector
) -> None:
    connector.add_team(
        f.SALES.id,
        f.SALES.name,
        members=[
            RosterMember(
                id=f.BINH.id, name=f.BINH.name, aad_object_id="aad-binh", email="binh@contoso.com"
            )
        ],
    )
    await bot.post(f.bot_added_to_team(connector.url))

    await bot.post(f.personal_message("help", connector.url, user=f.BINH))

    member = await bot.store.get_member(f.TENANT_ID, f.BINH.id)
    assert member is not None and member.email == "binh@contoso.com"
    assert member.time_zone == "Asia/Ho_Chi_Minh"


async def test_a_garbage_time_zone_is_not_stored(bot: BotClient, connector: Connector) -> None:
    user = dataclasses.replace(f.ALICE, time_zone="../../etc/passwd")

    await bot.post(f.personal_message("help", connector.url, user=user))

    member = await bot.store.get_member(f.TENANT_ID, f.ALICE.id)
    assert member is not None and member.time_zone is None


async def test_people_joining_and_leaving_a_team(bot: BotClient, connector: Connector) -> None:
    await bot.post(f.members_added([f.BINH], connector.url))
    joined = await bot.store.get_member(f.TENANT_ID, f.BINH.id)
    assert joined is not None and joined.team_ids == (f.SALES.id,)

    await bot.post(f.members_removed([f.BINH], connector.url))

    left = await bot.store.get_member(f.TENANT_ID, f.BINH.id)
    assert left is not None and left.team_ids == ()  # still known: they may own key results


async def test_a_personal_message_keeps_the_chat_reference_fresh(
    bot: BotClient, connector: Connector
) -> None:
    await bot.post(f.personal_message("help", connector.url))

    ref = await bot.store.get_conversation(f.TENANT_ID, f.ALICE.id)
    assert ref is not None and ref.active
    assert ref.conversation_id == f.personal_conversation_id(f.ALICE)


def test_nothing_new_means_no_write() -> None:
    member = Member(
        tenant_id="t", id="29:1", aad_object_id="a", name="An", time_zone="UTC", locale="en-US"
    )
    seen = SeenPerson(id="29:1", aad_object_id="a", name="An", time_zone="UTC", locale="en-US")

    assert merge_person(member, seen, "t", NOW) is None
    assert merge_person(member, dataclasses.replace(seen, name="An Lê"), "t", NOW) is not None


class _RacingStore:
    """Reads return the stored member; the first save loses a race to another writer."""

    def __init__(self, stored: Member | None, conflicts: int) -> None:
        self.stored = stored
        self.conflicts = conflicts
        self.saves: list[Member] = []

    async def load(self) -> Member | None:
        return self.stored

    async def save(self, member: Member) -> Member:
        if self.conflicts:
            self.conflicts -= 1
            # Someone else wrote meanwhile: their change is what the retry must build on.
            self.stored = Member(tenant_id="t", id="29:1", name="Other", etag="e2")
            raise ConflictError("stale etag")
        self.saves.append(member)
        self.stored = dataclasses.replace(member, etag="e3")
        return self.stored


async def test_upsert_rereads_and_retries_once_on_conflict() -> None:
    store = _RacingStore(Member(tenant_id="t", id="29:1", etag="e1"), conflicts=1)
    seen = SeenPerson(id="29:1", time_zone="Asia/Ho_Chi_Minh")

    result = await upsert(store.save, store.load, lambda m: merge_person(m, seen, "t", NOW))

    assert result.after is not None and result.after.etag == "e3"
    [saved] = store.saves
    assert saved.name == "Other" and saved.etag == "e2"  # built on the winner's write
    assert saved.time_zone == "Asia/Ho_Chi_Minh"


async def test_upsert_gives_up_after_a_second_conflict() -> None:
    store = _RacingStore(None, conflicts=2)

    with pytest.raises(ConflictError):
        await upsert(
            store.save,
            store.load,
            lambda m: merge_person(m, SeenPerson(id="29:1", name="Mine"), "t", NOW),
        )


async def test_learn_person_against_the_real_store(bot: BotClient) -> None:
    first = await learn_person(bot.store, f.TENANT_ID, SeenPerson(id="29:1-x", name="X"), NOW)
    again = await learn_person(bot.store, f.TENANT_ID, SeenPerson(id="29:1-x", name="X"), NOW)

    assert first.etag is not None and again.etag == first.etag  # unchanged: not rewritten
