"""The settings cards: a team's check-in rhythm and digest (team owners), and a person's own.

Two cards, each with its reader for what Teams sends back:

* :func:`team_settings_card` / :func:`read_team_settings_form`: cadence, weekday,
  time of day, team time zone, the skip rule, the reminder delay, the digest
  (on or off, channel, weekday, time) and the team's language (of what the bot
  posts in its channels). Saved with :data:`cards.verbs.SETTINGS_SAVE`.
* :func:`personal_settings_card` / :func:`read_personal_settings_form`: pause my
  prompts, my language, my time zone. Saved with :data:`cards.verbs.PREFERENCES_SAVE`.

The team card carries :func:`settings_version` of the settings it shows, so that a
save from a card older than the stored settings (another owner saved meanwhile)
is recognised instead of silently undoing that owner's change.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from cards import verbs
from cards.elements import (
    Element,
    card,
    execute,
    heading,
    paragraph,
)
from cards.forms import (
    NONE,
    TOGGLE_OFF,
    TOGGLE_ON,
    Field,
    Form,
    FormResult,
    Kind,
    parse_wall_time,
)
from cards.i18n import Language, babel_locale, language_for_locale, text
from cards.locale_format import format_datetime
from cards.origin import Origin, cancel_action
from okr.models import Cadence, Channel, TeamSettings

# Offered in the time-zone pick-lists (any other IANA zone is still accepted, and a
# stored zone that is not here is offered too): where Teams users commonly are.
TIME_ZONES: tuple[str, ...] = (
    "UTC",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Toronto",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Warsaw",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Ho_Chi_Minh",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Manila",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
)

SKIP_DAYS_RANGE = (0, 14)
REMINDER_HOURS_RANGE = (1, 168)

# The personal time-zone choice meaning "not set" (a choice's value may not be empty).
NO_TIME_ZONE = NONE


def _hh_mm(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def _field(name: str) -> str:
    return f"settings.field.{name}"


TEAM_SETTINGS_FORM = Form(
    items=(
        Field(
            "cadence",
            Kind.CHOICE,
            _field("cadence"),
            hint="settings.cadence.monthly_hint",
            stored=lambda s, _: s.cadence.value,
        ),
        Field("weekday", Kind.CHOICE, _field("weekday"), stored=lambda s, _: str(s.weekday)),
        Field(
            "time_of_day",
            Kind.TIME,
            _field("time_of_day"),
            error="settings.problem.time",
            stored=lambda s, _: _hh_mm(s.time_of_day),
        ),
        Field(
            "time_zone",
            Kind.CHOICE,
            _field("time_zone"),
            hint="settings.time_zone.hint",
            stored=lambda s, _: s.time_zone,
        ),
        Field(
            "skip_days",
            Kind.NUMBER,
            _field("skip_days"),
            bounds=SKIP_DAYS_RANGE,
            error="settings.problem.range",
            stored=lambda s, _: str(s.skip_if_checked_in_within_days),
        ),
        Field(
            "reminder_hours",
            Kind.NUMBER,
            _field("reminder_hours"),
            bounds=REMINDER_HOURS_RANGE,
            error="settings.problem.range",
            stored=lambda s, _: str(s.reminder_delay_hours),
        ),
        Field(
            "digest_enabled",
            Kind.TOGGLE,
            _field("digest_enabled"),
            stored=lambda s, _: TOGGLE_ON if s.digest_enabled else TOGGLE_OFF,
        ),
        Field(
            "digest_channel",
            Kind.CHOICE,
            _field("digest_channel"),
            stored=lambda s, _: s.digest_channel_id or "",
        ),
        Field(
            "digest_weekday",
            Kind.CHOICE,
            _field("digest_weekday"),
            stored=lambda s, _: str(s.digest_weekday),
        ),
        Field(
            "digest_time",
            Kind.TIME,
            _field("digest_time"),
            error="settings.problem.time",
            hint="settings.digest.hint",
            stored=lambda s, _: _hh_mm(s.digest_time),
        ),
        Field(
            "team_language",
            Kind.OPTIONS,
            _field("team_language"),
            hint="settings.team_language.hint",
        ),
    )
)

# Fields a card from before they existed does not send: a save from it keeps what is stored.
_ADDED_LATER = ("digest_enabled", "team_language")

PERSONAL_SETTINGS_FORM = Form(
    items=(
        Field(
            "prompts_paused",
            Kind.TOGGLE,
            _field("prompts_paused"),
            hint="settings.prompts_paused.hint",
            stored=lambda m, _: TOGGLE_ON if m.prompts_paused else TOGGLE_OFF,
        ),
        Field("language", Kind.OPTIONS, _field("language")),
        Field(
            "time_zone",
            Kind.CHOICE,
            _field("my_time_zone"),
            none_option="settings.my_time_zone.none",
            stored=lambda m, _: m.preferred_time_zone or m.time_zone or "",
        ),
    )
)


# -- reading what Teams sends ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonalSettingsInput:
    """What a person chose on their settings card.

    Attributes:
        prompts_paused: Whether scheduled check-in cards and reminders stop for them.
        language: The language to speak with them.
        time_zone: Their IANA time zone, or None to leave it unset.
    """

    prompts_paused: bool
    language: Language
    time_zone: str | None


def read_team_settings_form(
    data: Mapping[str, Any],
    lang: Language,
    current: TeamSettings,
    channels: Sequence[Channel],
) -> FormResult[TeamSettings]:
    """Read the team settings card into ``current`` with the typed changes.

    Args:
        data: The action's data merged with the card's inputs, as Teams sent it.
        lang: The language of the problems.
        current: The stored settings (fields the card does not edit are kept).
        channels: The team's channels (:func:`digest_channels`): the digest may
            only go to one of them.

    Returns:
        The typed values, the new settings when every field is valid, and the
        problems by field otherwise.
    """
    values = TEAM_SETTINGS_FORM.raw(data)
    problems: dict[str, str] = {}
    cadence = _enum(Cadence, values["cadence"], "cadence", lang, problems)
    weekday = _weekday(values["weekday"], "weekday", lang, problems)
    at = _time(values["time_of_day"], "time_of_day", lang, problems)
    zone = _zone(values["time_zone"], "time_zone", lang, problems)
    skip_days = _whole(values["skip_days"], "skip_days", SKIP_DAYS_RANGE, lang, problems)
    reminder = _whole(
        values["reminder_hours"], "reminder_hours", REMINDER_HOURS_RANGE, lang, problems
    )
    channel = _channel(values["digest_channel"], channels, lang, problems)
    digest_weekday = _weekday(values["digest_weekday"], "digest_weekday", lang, problems)
    digest_time = _time(values["digest_time"], "digest_time", lang, problems)
    shown = {name: name in data for name in _ADDED_LATER}
    digest_enabled = current.digest_enabled
    if shown["digest_enabled"]:
        if values["digest_enabled"] in (TOGGLE_ON, TOGGLE_OFF):
            digest_enabled = values["digest_enabled"] == TOGGLE_ON
        else:
            problems["digest_enabled"] = text(lang, "validation.invalid_choice")
    team_language = current.language
    if shown["team_language"]:
        try:
            team_language = Language(values["team_language"]).value
        except ValueError:
            problems["team_language"] = text(lang, "settings.problem.team_language")
    if (
        problems
        or cadence is None
        or weekday is None
        or at is None
        or zone is None
        or skip_days is None
        or reminder is None
        or digest_weekday is None
        or digest_time is None
    ):
        return FormResult(values, None, problems)
    return FormResult(
        values,
        dataclasses.replace(
            current,
            cadence=cadence,
            weekday=weekday,
            time_of_day=at,
            time_zone=zone,
            skip_if_checked_in_within_days=skip_days,
            reminder_delay_hours=reminder,
            digest_channel_id=channel,
            digest_weekday=digest_weekday,
            digest_time=digest_time,
            digest_enabled=digest_enabled,
            language=team_language,
        ),
    )


def read_personal_settings_form(
    data: Mapping[str, Any], lang: Language
) -> FormResult[PersonalSettingsInput]:
    """Read the personal settings card; :data:`NO_TIME_ZONE` (or nothing) means "not set"."""
    values = PERSONAL_SETTINGS_FORM.raw(data)
    problems: dict[str, str] = {}
    paused: bool | None = None
    if values["prompts_paused"] in (TOGGLE_ON, TOGGLE_OFF):
        paused = values["prompts_paused"] == TOGGLE_ON
    else:
        problems["prompts_paused"] = text(lang, "validation.invalid_choice")
    language = _enum(Language, values["language"], "language", lang, problems)
    zone = (
        None
        if values["time_zone"] in ("", NO_TIME_ZONE)
        else _zone(values["time_zone"], "time_zone", lang, problems)
    )
    if problems or paused is None or language is None:
        return FormResult(values, None, problems)
    return FormResult(values, PersonalSettingsInput(paused, language, zone))


def _enum[E: (Cadence, Language)](
    cls: type[E], raw: str, name: str, lang: Language, problems: dict[str, str]
) -> E | None:
    if not raw:
        problems[name] = text(lang, "validation.required")
        return None
    try:
        return cls(raw)
    except ValueError:
        problems[name] = text(lang, "validation.invalid_choice")
        return None


def _whole(
    raw: str, name: str, bounds: tuple[int, int], lang: Language, problems: dict[str, str]
) -> int | None:
    """A whole number within ``bounds`` (Input.Number may send ``"2"`` or ``"2.0"``)."""
    typed = raw.strip()
    if not typed:
        problems[name] = text(lang, "validation.required")
        return None
    low, high = bounds
    try:
        number = Decimal(typed[:32])
    except InvalidOperation:
        problems[name] = text(lang, "validation.not_a_number", value=typed[:40])
        return None
    if not number.is_finite() or number != number.to_integral_value() or not low <= number <= high:
        problems[name] = text(lang, "settings.problem.range", min=low, max=high)
        return None
    return int(number)


def _weekday(raw: str, name: str, lang: Language, problems: dict[str, str]) -> int | None:
    if not raw:
        problems[name] = text(lang, "validation.required")
        return None
    if raw not in {str(day) for day in range(7)}:
        problems[name] = text(lang, "validation.invalid_choice")
        return None
    return int(raw)


def _time(raw: str, name: str, lang: Language, problems: dict[str, str]) -> time | None:
    if not raw.strip():
        problems[name] = text(lang, "validation.required")
        return None
    parsed = parse_wall_time(raw)
    if parsed is None:
        problems[name] = text(lang, "settings.problem.time")
    return parsed


def _zone(raw: str, name: str, lang: Language, problems: dict[str, str]) -> str | None:
    if not raw:
        problems[name] = text(lang, "validation.required")
        return None
    if raw not in _known_zones():
        problems[name] = text(lang, "settings.problem.time_zone")
        return None
    return raw


def _channel(
    raw: str, channels: Sequence[Channel], lang: Language, problems: dict[str, str]
) -> str | None:
    if not raw and not channels:
        return None  # nothing to choose from yet: the digest goes to General
    if not raw:
        problems["digest_channel"] = text(lang, "validation.required")
        return None
    if raw not in {c.id for c in channels}:
        problems["digest_channel"] = text(lang, "settings.problem.channel")
        return None
    return raw


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


# -- what the cards show -----------------------------------------------------------------


def settings_version(settings: TeamSettings) -> str:
    """A short fingerprint of ``settings``: changes whenever any setting changes."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def digest_channels(team_id: str, channels: Sequence[Channel]) -> tuple[Channel, ...]:
    """The channels the digest may go to: the team's, General first even when not listed yet.

    General's id is the team's own; a team whose channels could not be read at
    install (or was installed before they were stored) still has it.
    """
    if any(c.id == team_id for c in channels):
        return tuple(channels)
    return (Channel(id=team_id), *channels)


def team_settings_values(
    settings: TeamSettings, channels: Sequence[Channel], team_locale: str | None = None
) -> dict[str, str]:
    """The team card's input values for stored ``settings``.

    A digest channel that is unset or no longer among the team's channels shows
    as the first channel (General, whose id Teams gives the team itself).
    ``team_locale``: the team's language as it stands (its own, else the tenant's;
    English when None).
    """
    # The values are the same in every language: times as HH:MM, numbers as digits.
    values = TEAM_SETTINGS_FORM.prefill(settings, Language.EN)
    values["team_language"] = language_for_locale(settings.language or team_locale).value
    ids = [c.id for c in channels]
    if values["digest_channel"] not in ids:
        values["digest_channel"] = ids[0] if ids else ""
    return values


@dataclass(frozen=True, slots=True)
class PendingOwnerLine:
    """Someone an import named as an owner in the team, whom the bot has not met yet.

    Attributes:
        email: Their e-mail or UPN, as the import file gave it.
        objectives: How many of the team's objectives they will own.
        key_results: How many of the team's key results they will own.
    """

    email: str
    objectives: int
    key_results: int


@dataclass(frozen=True, slots=True)
class TeamSettingsView:
    """Everything the team settings card shows.

    Attributes:
        team_id: The Teams team id (carried in the save action).
        team_name: Shown in the title.
        channels: The channels offered for the digest (:func:`digest_channels`).
        values: The inputs' values (stored, or as typed when shown again).
        version: :func:`settings_version` of the stored settings the card edits.
        problems: Problems by field, already in the card's language.
        notice: A sentence shown above the fields (e.g. "changed meanwhile").
        saved: Show the card in its "saved" state.
        next_checkin: The saving person's next check-in, already formatted.
        next_round: The team's next round (:func:`describe_next_round`).
        pending_owners: Owners of the team's OKRs the bot has not met yet.
        more_pending: There are more pending owners than ``pending_owners`` shows.
        opened_by: Who the card is for (a member id): its Cancel answers them and
            the team's owners; anyone else is told it is not theirs.
    """

    team_id: str
    team_name: str
    channels: Sequence[Channel]
    values: Mapping[str, str]
    version: str
    problems: Mapping[str, str] = field(default_factory=dict)
    notice: str | None = None
    saved: bool = False
    next_checkin: str | None = None
    next_round: str | None = None
    pending_owners: Sequence[PendingOwnerLine] = ()
    more_pending: bool = False
    opened_by: str = ""


@dataclass(frozen=True, slots=True)
class PersonalSettingsView:
    """Everything the personal settings card shows.

    Attributes:
        member_id: Whose settings these are (carried in the save action: in a
            channel, everyone sees the card and could press Save).
        values: The inputs' values: ``prompts_paused`` ("true"/"false"),
            ``language`` ("en"/"vi"), ``time_zone`` (IANA name or :data:`NO_TIME_ZONE`).
        problems: Problems by field, already in the card's language.
        saved: Show the card in its "saved" state.
        next_checkin: The person's next check-in, already formatted.
    """

    member_id: str
    values: Mapping[str, str]
    problems: Mapping[str, str] = field(default_factory=dict)
    saved: bool = False
    next_checkin: str | None = None


def team_settings_card(lang: Language, view: TeamSettingsView, now: datetime) -> Element:
    """The team owners' card: check-in rhythm, reminders and digest.

    Args:
        lang: The card's language.
        view: What to show.
        now: The current time, for the time zones' current UTC offsets.
    """
    values, problems = view.values, view.problems
    body: list[Element] = [
        heading(text(lang, "settings.team.title", team=view.team_name)),
        paragraph(text(lang, "settings.team.hint"), isSubtle=True),
        *_status(lang, TEAM_SETTINGS_FORM, problems, view.notice, view.saved, view.next_checkin),
    ]
    if view.next_round:
        body.append(paragraph(view.next_round, weight="Bolder"))
    weekdays = weekday_choices(lang)
    choices: dict[str, list[tuple[str, str]]] = {
        "cadence": [(text(lang, f"settings.cadence.{c.value}"), c.value) for c in Cadence],
        "weekday": weekdays,
        "time_zone": time_zone_choices(values.get("time_zone", ""), now),
        "digest_channel": channel_choices(lang, view.channels),
        "digest_weekday": weekdays,
        "team_language": language_choices(lang),
    }
    body += TEAM_SETTINGS_FORM.inputs(lang, values, problems, choices)
    body += _pending_owners(lang, view.pending_owners, view.more_pending)
    data = {"team_id": view.team_id, "settings_version": view.version}
    save = execute(text(lang, "action.save"), verbs.SETTINGS_SAVE, data, style="positive")
    # Cancel leaves everything as stored, for the person it was sent to or an owner.
    cancel = cancel_action(lang, Origin(view.opened_by, team_id=view.team_id))
    return card(body, [save, cancel])


def _pending_owners(
    lang: Language, pending: Sequence[PendingOwnerLine], more: bool
) -> list[Element]:
    """Who will own the team's OKRs once the bot meets them (nothing when nobody)."""
    if not pending:
        return []
    shown = [
        paragraph(text(lang, "settings.pending.title"), weight="Bolder", separator=True),
        paragraph(text(lang, "settings.pending.hint"), isSubtle=True, size="Small"),
    ]
    shown += [
        paragraph(
            text(lang, "settings.pending.line", email=line.email, owns=_what_they_own(lang, line)),
            spacing="Small",
        )
        for line in pending
    ]
    if more:
        shown.append(paragraph(text(lang, "settings.pending.more"), isSubtle=True, size="Small"))
    return shown


def _what_they_own(lang: Language, line: PendingOwnerLine) -> str:
    parts = [
        text(lang, key, count=count)
        for key, count in (
            ("settings.pending.objectives", line.objectives),
            ("settings.pending.key_results", line.key_results),
        )
        if count
    ]
    return ", ".join(parts)


def personal_settings_card(lang: Language, view: PersonalSettingsView, now: datetime) -> Element:
    """Everyone's own card: pause prompts, language, time zone."""
    values, problems = view.values, view.problems
    body: list[Element] = [
        heading(text(lang, "settings.personal.title")),
        paragraph(text(lang, "settings.personal.hint"), isSubtle=True),
        *_status(lang, PERSONAL_SETTINGS_FORM, problems, None, view.saved, view.next_checkin),
    ]
    shown = {"language": lang.value, **values}
    choices: dict[str, list[tuple[str, str]]] = {
        "language": language_choices(lang),
        "time_zone": time_zone_choices(values.get("time_zone", ""), now),
    }
    body += PERSONAL_SETTINGS_FORM.inputs(lang, shown, problems, choices)
    data = {"member_id": view.member_id}
    save = execute(text(lang, "action.save"), verbs.PREFERENCES_SAVE, data, style="positive")
    return card(body, [save, cancel_action(lang, Origin(view.member_id))])


def _status(
    lang: Language,
    form: Form,
    problems: Mapping[str, str],
    notice: str | None,
    saved: bool,
    next_checkin: str | None,
) -> list[Element]:
    """The lines between the title and the fields: problems, notice, saved, next check-in."""
    lines: list[Element] = []
    if notice:
        lines.append(paragraph(notice, color="Warning"))
    lines += form.summary(lang, problems)
    if saved:
        lines.append(paragraph(text(lang, "settings.saved"), color="Good", weight="Bolder"))
    if next_checkin:
        lines.append(paragraph(next_checkin))
    return lines


def weekday_choices(lang: Language) -> list[tuple[str, str]]:
    """Monday (``"0"``) to Sunday (``"6"``), named in ``lang``."""
    names = babel_locale(lang).days["format"]["wide"]
    return [(names[day], str(day)) for day in range(7)]


def language_choices(lang: Language) -> list[tuple[str, str]]:
    """English and Tiếng Việt, each by its own name."""
    return [(text(lang, f"language.name.{code.value}"), code.value) for code in Language]


def channel_choices(lang: Language, channels: Sequence[Channel]) -> list[tuple[str, str]]:
    """The team's channels; General (which Teams leaves unnamed) by its localized name."""
    return [(c.name or text(lang, "settings.channel.general"), c.id) for c in channels]


def time_zone_choices(current: str, now: datetime) -> list[tuple[str, str]]:
    """:data:`TIME_ZONES` (plus ``current`` when it is another real zone), west to east.

    Each is titled with its UTC offset at ``now``: ``(UTC+07:00) Asia/Ho Chi Minh``.
    """
    names = set(TIME_ZONES)
    if current in _known_zones():
        names.add(current)
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    offsets = {name: _offset_minutes(moment, _zone_info(name)) for name in names}
    ordered = sorted(names, key=lambda name: (offsets[name], name))
    return [(_zone_title(name, offsets[name]), name) for name in ordered]


@cache
def _zone_info(name: str) -> ZoneInfo:
    # ZoneInfo's own cache keeps only the 8 most recent zones strongly, so the list's
    # 36 would be read from disk again on every card.
    return ZoneInfo(name)


def _offset_minutes(moment: datetime, zone: ZoneInfo) -> int:
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def describe_next_checkin(lang: Language, moment: datetime, zone: ZoneInfo) -> str:
    """``Your next check-in: Monday, 11/30/2026 at 9:00 AM (your time).``"""
    return text(lang, "settings.next_checkin", when=format_datetime(moment, lang, zone))


def describe_next_round(
    lang: Language, at: datetime, zone: ZoneInfo, now: datetime, *, first_of_new_rhythm: bool
) -> str:
    """The team's next round, in the team's zone.

    ``Next round: Monday, 11/30/2026 at 9:00 AM (Asia/Ho_Chi_Minh) …``; the first
    round of a new rhythm more than a week away says how far:
    ``The first round with the new rhythm is on …, in 5 weeks.``
    """
    when = format_datetime(at, lang, zone)
    wait = at - now
    if first_of_new_rhythm and wait > timedelta(days=7):
        days = round(wait / timedelta(days=1))
        if days < 14:
            return text(
                lang, "settings.first_round_new_rhythm.days", when=when, zone=zone.key, count=days
            )
        weeks = round(wait / timedelta(weeks=1))
        return text(lang, "settings.first_round_new_rhythm", when=when, zone=zone.key, count=weeks)
    return text(lang, "settings.next_round", when=when, zone=zone.key)


def _zone_title(name: str, minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"(UTC{sign}{hours:02d}:{rest:02d}) {name.replace('_', ' ')}"
