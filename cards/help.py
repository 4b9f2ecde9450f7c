"""The help card: every command with what it does, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from cards import verbs
from cards.elements import Element, card, execute, heading, paragraph
from cards.i18n import Language, text
from cards.markdown import bold

# The app's name in Teams (manifest/manifest.json), as people @mention it.
APP_NAME = "OKR check-ins"

# The order help lists commands in: most used first.
HELP_ORDER = (
    "checkin",
    "my_okrs",
    "team_okrs",
    "status",
    "new",
    "templates",
    "digest",
    "settings",
    "close",
    "language",
    "help",
)


# Commands that need words after them; every other one is a button on the card.
NEEDS_ARGUMENT = frozenset({"status", "language"})


def command_button(lang: Language, name: str, *, style: str | None = None) -> Element:
    """A button that runs the command ``name`` (``my_okrs``) as if it had been typed."""
    extra = {"style": style} if style else {}
    return execute(
        text(lang, f"command.{name}.usage"),
        verbs.COMMAND_RUN,
        {"command": name},
        associatedInputs="none",
        **extra,
    )


def help_card(
    lang: Language, commands: Sequence[str] = HELP_ORDER, *, channel: bool = False
) -> Element:
    """Every command and what it does; the ones that need no words are buttons to press.

    In a channel, a hint to @mention the bot.
    """
    body: list[Element] = [
        heading(text(lang, "help.title")),
        paragraph(text(lang, "help.intro"), isSubtle=True),
    ]
    for name in commands:
        if name in NEEDS_ARGUMENT:
            command: Element = paragraph(bold(text(lang, f"command.{name}.usage")))
        else:
            command = {"type": "ActionSet", "actions": [command_button(lang, name)]}
        body.append(
            {
                "type": "ColumnSet",
                "spacing": "Small",
                "columns": [
                    {
                        "type": "Column",
                        "width": 40,
                        "verticalContentAlignment": "Center",
                        "items": [command],
                    },
                    {
                        "type": "Column",
                        "width": 60,
                        "verticalContentAlignment": "Center",
                        "items": [paragraph(text(lang, f"command.{name}.description"))],
                    },
                ],
            }
        )
    if channel:
        body.append(paragraph(text(lang, "help.channel_hint", bot_name=APP_NAME), isSubtle=True))
    return card(body)
