"""``help`` and the answer to text that is no command: the closest commands."""

from __future__ import annotations

from bot import okr_views
from bot.command_text import ALIASES, CommandName, suggest
from bot.features import Card, Features, Replies, Text, Turn
from cards.help import help_card
from cards.i18n import text
from cards.locale_format import format_list
from cards.markdown import Markdown


def register(features: Features) -> None:
    """Register ``help`` (``trợ giúp``) and make it the answer to unknown text."""
    features.add_command("help", show_help, aliases=ALIASES[CommandName.HELP][1:])
    features.on_unknown(unknown)


async def show_help(turn: Turn, args: str) -> Replies:
    """The help card."""
    lang = okr_views.language(turn)
    return Card(
        help_card(lang, channel=not turn.is_personal), fallback_text=text(lang, "help.title")
    )


async def unknown(turn: Turn, args: str) -> Replies:
    """Not a command: say so briefly and offer the closest commands, not a wall of text."""
    lang = okr_views.language(turn)
    typed = args.strip()[:60]
    lines = [text(lang, "command.unknown", text=typed)]
    close = suggest(typed)
    if close:
        usages = [f"**{text(lang, f'command.{c.value}.usage')}**" for c in close]
        # Our own command names in bold: Markdown made here, not typed by anyone.
        suggestions = Markdown(format_list(usages, lang, style="or"))
        lines.append(text(lang, "command.did_you_mean", suggestions=suggestions))
    lines.append(text(lang, "command.see_help"))
    return Text(Markdown(" ".join(lines)))
