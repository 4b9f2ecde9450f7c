"""``help`` and the answer to text that is no command: the closest commands."""

from __future__ import annotations

import re

from bot import okr_views
from bot.command_text import ALIASES, CommandName, suggest
from bot.features import Card, CardAction, Features, Replies, Text, Turn, as_reply_list
from cards import verbs
from cards.help import HELP_ORDER, NEEDS_ARGUMENT, help_card
from cards.i18n import Language, text
from cards.locale_format import format_list
from cards.markdown import Markdown
from cards.welcome import GREETINGS, greeting_card
from okr.text import fold


def register(features: Features) -> None:
    """Register ``help`` (``trợ giúp``), its command buttons, and the answer to unknown text."""
    features.add_command("help", show_help, aliases=ALIASES[CommandName.HELP][1:])
    features.on_unknown(unknown)

    async def run_command(turn: Turn, action: CardAction) -> Replies:
        """A command button (help, welcome): the command's answer, as if it had been typed."""
        lang = okr_views.language(turn)
        name = action.data.get("command")
        if not isinstance(name, str) or name not in HELP_ORDER or name in NEEDS_ARGUMENT:
            return Text(text(lang, "error.card_expired_gone"))
        command = features.command_named(name.replace("_", " "))
        if command is None:
            return Text(text(lang, "error.card_expired_gone"))
        # The pressed card stays as it was; the answer arrives as the command's would.
        usage = text(lang, f"command.{name}.usage")
        said = Text(text(lang, "command.running", usage=usage), in_place=True)
        return [said, *as_reply_list(await command.handler(turn, ""))]

    features.add_verb(verbs.COMMAND_RUN, run_command)


async def show_help(turn: Turn, args: str) -> Replies:
    """The help card."""
    lang = okr_views.language(turn)
    return Card(
        help_card(lang, channel=not turn.is_personal), fallback_text=text(lang, "help.title")
    )


def is_greeting(typed: str) -> bool:
    """Whether ``typed`` says hello: case, accents, punctuation and emoji aside ("Xin chào 👋!")."""
    words = re.sub(r"[^\w\s]|_", " ", fold(typed)).split()
    return " ".join(words) in GREETINGS


async def unknown(turn: Turn, args: str) -> Replies:
    """Not a command: a greeting is greeted; otherwise say so briefly and offer the
    closest commands, not a wall of text."""
    lang = okr_views.language(turn)
    if is_greeting(args):
        first_name = (turn.member.name or "").split(" ")[-1 if lang is Language.VI else 0]
        card = greeting_card(lang, first_name)
        return Card(card, fallback_text=text(lang, "greeting.hello", name=first_name))
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
