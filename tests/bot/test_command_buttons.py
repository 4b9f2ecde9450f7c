"""Commands are buttons: on the help card and the welcome card, one tap runs what typing would."""

from __future__ import annotations

from cards import verbs
from tests import factories as f
from tests.bot.test_authoring import all_actions, card_text, invoke
from tests.conftest import BotClient
from tests.connector import Connector


async def test_the_help_cards_commands_are_buttons_that_answer_as_typing_would(
    bot: BotClient, connector: Connector
) -> None:
    await bot.post(f.personal_message("help", connector.url, user=f.BINH))
    [help_card] = connector.cards()
    buttons = {
        a["data"]["command"]: a for a in all_actions(help_card) if a["verb"] == verbs.COMMAND_RUN
    }
    assert {"checkin", "my_okrs", "team_okrs", "new", "templates", "settings"} <= set(buttons)
    assert "status" not in buttons and "language" not in buttons  # they need words after them
    assert buttons["my_okrs"]["title"] == "okr của tôi"  # Binh reads Vietnamese
    connector.calls.clear()

    pressed = await invoke(
        bot, connector, verbs.COMMAND_RUN, buttons["templates"]["data"], user=f.BINH
    )
    assert pressed["type"] == "application/vnd.microsoft.activity.message"  # the help card stays
    [templates] = connector.cards()
    typed_answer = templates
    connector.calls.clear()
    await bot.post(f.personal_message("mẫu", connector.url, user=f.BINH))
    assert connector.cards() == [typed_answer]


async def test_a_forged_command_button_runs_nothing(bot: BotClient, connector: Connector) -> None:
    for data in ({"command": "status"}, {"command": "drop tables"}, {"command": ["help"]}, {}):
        answer = await invoke(bot, connector, verbs.COMMAND_RUN, data)
        assert answer["type"] == "application/vnd.microsoft.activity.message"
        assert "out of date" in card_text(answer) or "no longer" in card_text(answer).lower()
    assert connector.cards() == []


async def test_the_welcome_card_offers_the_first_three_steps(
    bot: BotClient, connector: Connector
) -> None:
    await bot.post(f.installation_update("add", connector.url))
    [welcome] = connector.cards()
    titles = [a["title"] for a in all_actions(welcome)]
    assert titles == ["settings", "Create an objective", "templates"] or len(titles) == 3
    verbs_ = [a["verb"] for a in all_actions(welcome)]
    assert verbs_ == [verbs.COMMAND_RUN, verbs.OBJECTIVE_NEW, verbs.COMMAND_RUN]


async def test_a_greeting_is_greeted_with_the_main_buttons_in_either_language(
    bot: BotClient, connector: Connector
) -> None:
    for text_, user in (("hi", f.ALICE), ("Xin chào!", f.BINH), ("chao ban", f.BINH)):
        connector.calls.clear()
        await bot.post(f.personal_message(text_, connector.url, user=user))
        [card] = connector.cards()
        shown = card_text({"value": card})
        assert ("Hi Alice!" in shown) if user is f.ALICE else ("Chào Bình!" in shown)
        commands = [a["data"]["command"] for a in all_actions(card)]
        assert commands == ["checkin", "my_okrs", "help"]
    connector.calls.clear()
    await bot.post(f.personal_message("hi there, what is my okr", connector.url))
    assert connector.cards() == [] and "help" in connector.texts()[0]  # not a greeting: unknown
