"""The help card: every command with what it does, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from cards.elements import Element, card, facts, heading, paragraph
from cards.i18n import Language, text

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


def help_card(
    lang: Language, commands: Sequence[str] = HELP_ORDER, *, channel: bool = False
) -> Element:
    """Commands as ``usage: description`` facts; in a channel, a hint to @mention the bot."""
    body: list[Element] = [
        heading(text(lang, "help.title")),
        paragraph(text(lang, "help.intro"), isSubtle=True),
        facts(
            (text(lang, f"command.{name}.usage"), text(lang, f"command.{name}.description"))
            for name in commands
        ),
    ]
    if channel:
        body.append(paragraph(text(lang, "help.channel_hint", bot_name=APP_NAME), isSubtle=True))
    return card(body)

