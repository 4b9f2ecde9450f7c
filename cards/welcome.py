"""The welcome card sent when the bot is installed in a team or a personal chat."""

from __future__ import annotations

from cards import verbs
from cards.elements import Element, card, execute, heading, paragraph
from cards.help import command_button
from cards.i18n import Language, text


def welcome_card(lang: Language, name: str | None = None) -> Element:
    """What the bot does and how to start; in a personal chat, greeting the person."""
    body: list[Element] = [
        heading(text(lang, "welcome.title")),
        paragraph(text(lang, "welcome.body")),
    ]
    if name:
        body.append(paragraph(text(lang, "welcome.personal", name=name)))
    # The first three steps, one tap each.
    return card(
        body,
        [
            command_button(lang, "settings", style="positive"),
            execute(text(lang, "action.create"), verbs.OBJECTIVE_NEW, {}),
            command_button(lang, "templates"),
        ],
    )


# What people type to say hello, folded (no case, no accents): English and Vietnamese.
GREETINGS = frozenset(
    {"hi", "hello", "hey", "hi there", "good morning", "good afternoon", "yo"}
    | {"xin chao", "chao", "chao ban", "chao bot", "alo", "chao buoi sang"}
)


def greeting_card(lang: Language, name: str) -> Element:
    """The answer to "hi" or "xin chào": a friendly line and the main things to do."""
    return card(
        [
            paragraph(
                text(lang, "greeting.hello", name=name)
                if name
                else text(lang, "greeting.hello_anonymous")
            )
        ],
        [
            command_button(lang, "checkin", style="positive"),
            command_button(lang, "my_okrs"),
            command_button(lang, "help"),
        ],
    )
