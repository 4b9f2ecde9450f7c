"""Issue 15, forms without dead ends: Cancel and Back, the templates card, required
fields that say what to enter, problems named at the top, and one "Edit" per thing.

Every test goes through the real endpoint, in English and in Vietnamese.
"""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.bot.test_authoring import inputs, team_bot  # noqa: F401  (fixture)
from tests.conftest import BotClient
from tests.connector import Connector

REQUIRED_TITLE = {
    "en": ("Objective", "Enter the objective's title."),
    "vi": ("Mục tiêu", "Hãy nhập tên mục tiêu."),
}


@pytest.mark.parametrize("user", [f.ALICE, f.BINH], ids=["en", "vi"])
async def test_a_required_field_says_what_to_enter_not_its_label(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
    user: f.User,
) -> None:
    await team_bot.post(f.personal_message("new", connector.url, user=user))
    [form] = connector.cards()
    title = inputs(form)["title"]
    label, sentence = REQUIRED_TITLE[user.locale[:2]]
    assert title["isRequired"] is True
    assert title["label"] == label
    assert title["errorMessage"] == sentence
