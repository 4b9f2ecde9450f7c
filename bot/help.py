"""The ``help`` command: what the bot does and which commands exist."""

from __future__ import annotations

from bot.features import Features, Replies, Text, Turn
from bot.phrases import phrase


def register(features: Features) -> None:
    """Register ``help`` (``trợ giúp``) and make it the answer to unknown text."""

    async def show_help(turn: Turn, args: str) -> Replies:
        names = ", ".join(f"**{command.name}**" for command in features.commands)
        return Text(phrase("help", turn.locale, commands=names))

    async def unknown(turn: Turn, args: str) -> Replies:
        return Text(phrase("unknown_command", turn.locale))

    features.add_command("help", show_help, aliases=("trợ giúp",))
    features.on_unknown(unknown)
