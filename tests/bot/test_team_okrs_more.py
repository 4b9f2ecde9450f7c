"""``team okrs`` shows the team's first objectives, and "Show more" the next ones, read-only."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from bot.browsing import MAX_LISTED, TEAM_PAGE
from cards import verbs
from okr.models import Objective, ObjectiveState
from tests import factories as f
from tests.bot.test_authoring import actions, card_text, invoke
from tests.bot.test_checkin import Q4, team_bot  # noqa: F401  (team_bot: fixture)
from tests.conftest import BotClient
from tests.connector import Connector


async def _objectives(bot: BotClient, count: int) -> list[str]:
    titles = [f"Mục tiêu số {n:02}" for n in range(count)]
    for n, title in enumerate(titles):
        await bot.store.save_objective(
            Objective(
                tenant_id=f.TENANT_ID,
                id=f"obj-{n:02}",
                title=title,
                owner_id=f.ALICE.id,
                period=Q4,
                state=ObjectiveState.ACTIVE,
                team_id=f.SALES.id,
            )
        )
    return titles


def _shown(said: str, titles: list[str]) -> list[str]:
    return [t for t in titles if t in said]


async def _stored(bot: BotClient) -> list[Any]:
    return [dataclasses.replace(o, etag=None) for o in await bot.store.list_objectives(f.TENANT_ID)]


async def test_the_first_page_then_show_more_until_the_list_ends(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
) -> None:
    titles = await _objectives(team_bot, 13)  # with the seeded one: 14 open objectives
    before = await _stored(team_bot)
    await team_bot.post(f.channel_message("team okrs", connector.url))
    [sent] = connector.sent()
    card = sent.body["attachments"][0]["content"]
    said = json.dumps(card, ensure_ascii=False)
    assert len(_shown(said, titles)) == TEAM_PAGE - 1  # and the seeded "Tăng doanh thu"
    more = actions(card)[verbs.TEAM_OKRS_MORE]
    assert more["title"] == "Show more" and more["data"]["shown"] == TEAM_PAGE

    body = await invoke(team_bot, connector, verbs.TEAM_OKRS_MORE, {"shown": TEAM_PAGE})
    assert len(_shown(card_text(body), titles)) == 13  # all of them now
    assert verbs.TEAM_OKRS_MORE not in actions(body["value"])  # nothing more to show
    assert await _stored(team_bot) == before  # a read, never a write


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("ten", 2 * TEAM_PAGE),  # not a number: as if the card showed the first page
        (True, 2 * TEAM_PAGE),
        (None, 2 * TEAM_PAGE),
        (-50, 2 * TEAM_PAGE),  # as if it showed at least a page
        (3, 2 * TEAM_PAGE),
        (10**12, MAX_LISTED),  # never longer than a card holds
    ],
)
async def test_a_forged_or_absurd_count_shows_a_sensible_page(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
    shown: object,
    expected: int,
) -> None:
    titles = await _objectives(team_bot, 40)
    before = await _stored(team_bot)
    body = await invoke(team_bot, connector, verbs.TEAM_OKRS_MORE, {"shown": shown})
    listed = _shown(card_text(body), titles)
    assert len(listed) + ("Tăng doanh thu" in card_text(body)) == expected
    more = actions(body["value"]).get(verbs.TEAM_OKRS_MORE)
    if expected < MAX_LISTED:
        assert more is not None and more["data"]["shown"] == expected
    else:
        assert more is None  # the card's limit: narrow down instead
    assert await _stored(team_bot) == before


async def test_show_more_in_vietnamese(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
) -> None:
    await _objectives(team_bot, 12)
    await team_bot.post(f.personal_message("okr của nhóm", connector.url, user=f.BINH))
    [sent] = connector.sent()
    card = sent.body["attachments"][0]["content"]
    assert actions(card)[verbs.TEAM_OKRS_MORE]["title"] == "Xem thêm"
