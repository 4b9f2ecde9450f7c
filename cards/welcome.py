"""The welcome cards: for a channel or a personal chat, and the team owners' first steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cards import verbs
from cards.elements import Element, card, execute, heading, paragraph
from cards.help import command_button
from cards.i18n import Language, text
from cards.locale_format import format_datetime


@dataclass(frozen=True, slots=True)
class FirstRound:
    """When a team's first check-in round comes, for the welcome cards.

    Attributes:
        at: The round's instant (UTC) in ``zone``.
        zone: The IANA zone ``at`` is shown in: the team's in a channel, the
            person's own in their personal chat.
        team_zone: The team's time zone (shown on the channel welcome).
    """

    at: datetime
    zone: str
    team_zone: str


def welcome_card(
    lang: Language,
    name: str | None = None,
    first_round: FirstRound | None = None,
) -> Element:
    """What the bot does and how to start; in a personal chat, greeting the person.

    With ``first_round``, what to expect: in a channel (no ``name``) the team's
    zone and first round, for everyone; in a personal chat, the person's own.
    """
    body: list[Element] = [
        heading(text(lang, "welcome.title")),
        paragraph(text(lang, "welcome.body")),
    ]
    if name:
        body.append(paragraph(text(lang, "welcome.personal", name=name)))
    if first_round is not None:
        when = format_datetime(first_round.at, lang, first_round.zone)
        if name:
            expect = text(lang, "welcome.your_first_checkin", when=when, zone=first_round.zone)
        else:
            body.append(paragraph(text(lang, "welcome.team_zone", zone=first_round.team_zone)))
            expect = text(lang, "welcome.first_round", when=when, zone=first_round.zone)
        body += [paragraph(expect), paragraph(text(lang, "welcome.before_then"))]
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


def owner_welcome_card(
    lang: Language, team_id: str, team_name: str, first_round: FirstRound
) -> Element:
    """A team owner's first steps, in their personal chat: schedule, digest, first objectives."""
    settings = {"team_id": team_id}
    when = format_datetime(first_round.at, lang, first_round.zone)

    def step(key: str, *buttons: Element) -> list[Element]:
        return [
            paragraph(text(lang, f"{key}.title"), weight="Bolder", separator=True),
            paragraph(text(lang, f"{key}.body"), isSubtle=True, spacing="Small"),
            {"type": "ActionSet", "actions": list(buttons)},
        ]

    body: list[Element] = [
        heading(text(lang, "owner_welcome.title", team=team_name)),
        paragraph(
            text(
                lang,
                "owner_welcome.intro",
                team=team_name,
                zone=first_round.team_zone,
                when=when,
            )
        ),
        *step(
            "owner_welcome.schedule",
            execute(
                text(lang, "owner_welcome.schedule.button"),
                verbs.TEAM_SETTINGS_OPEN,
                settings,
                style="positive",
            ),
        ),
        *step(
            "owner_welcome.digest",
            execute(
                text(lang, "owner_welcome.digest.button"),
                verbs.TEAM_SETTINGS_OPEN,
                {**settings, "focus": "digest"},
            ),
        ),
        *step(
            "owner_welcome.objectives",
            execute(text(lang, "action.new_objective"), verbs.OBJECTIVE_NEW, {}),
            command_button(lang, "templates"),
        ),
    ]
    return card(body)
