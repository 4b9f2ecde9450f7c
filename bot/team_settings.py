"""``settings`` (``cài đặt``) and ``language en|vi`` (``ngôn ngữ``): a team's rhythm and one's own.

* Team owners get the team settings card: for the channel's team in a channel,
  or one card per team they own in the personal chat. Saving checks every field
  and that the card still shows the stored settings (another owner may have saved
  meanwhile), then writes with the team's ETag.
* Everyone gets their own settings card: pause their check-in prompts, their
  language, their time zone. A person who is not an owner of the channel's team
  is told so politely and gets their own card instead.
* ``language en|vi`` sets the person's language directly and answers in it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from bot import okr_views
from bot.command_text import ALIASES, CommandName, language_choice
from bot.features import Card, CardAction, Features, Replies, Reply, Text, Turn
from bot.upsert import upsert
from cards import verbs
from cards.i18n import Language, language_for_locale, text
from cards.settings import (
    NO_TIME_ZONE,
    PendingOwnerLine,
    PersonalSettingsView,
    TeamSettingsView,
    describe_next_checkin,
    describe_next_round,
    digest_channels,
    personal_settings_card,
    read_personal_settings_form,
    read_team_settings_form,
    settings_version,
    team_settings_card,
    team_settings_values,
)
from okr.cadence import current_round_date, due_at, next_due_at, next_round_at, owner_zone, zone_or
from okr.digest_due import team_locale
from okr.models import Cadence, Member, Team, TeamSettings, Tenant
from okr.permissions import is_team_owner
from storage.errors import ConflictError

# Most team cards one ``settings`` sends in the personal chat; owners of more
# teams change the others from the team's channel.
MAX_TEAM_CARDS = 5

# Pending owners the team card reads at most, and shows at most (see _pending_owners).
MAX_PENDING_RECORDS = 100
MAX_PENDING_SHOWN = 10

# The locale stored when a person picks a language.
LOCALES: Mapping[Language, str] = {Language.EN: "en-US", Language.VI: "vi-VN"}

_ANCHORED = (Cadence.BIWEEKLY, Cadence.TRIWEEKLY)


def register(features: Features) -> None:
    """Register ``settings``, ``language`` and the settings cards' verbs."""
    # A person's settings show their time zone: typed in a channel, they go to the personal chat.
    features.add_command(
        "settings", settings_command, aliases=ALIASES[CommandName.SETTINGS][1:], private=True
    )
    features.add_command("language", language_command, aliases=ALIASES[CommandName.LANGUAGE][1:])
    features.add_verb(verbs.SETTINGS_SAVE, save_team_settings)
    features.add_verb(verbs.PREFERENCES_SAVE, save_personal_settings)
    features.add_verb(verbs.TEAM_SETTINGS_OPEN, open_team_settings)


# -- commands ---------------------------------------------------------------------------


async def settings_command(turn: Turn, args: str) -> Replies:
    """``settings``: the team card(s) for owners, and everyone's own card."""
    lang = okr_views.language(turn)
    if turn.team_id is not None:
        team = await turn.store.get_team(turn.tenant_id, turn.team_id)
        if team is not None and is_team_owner(turn.member.id, team):
            return await _team_card(turn, team, lang)
        name = team.name if team is not None and team.name else text(lang, "settings.this_team")
        return [
            Text(text(lang, "settings.not_owner", team=name)),
            await _personal_card(turn, turn.member, lang),
        ]
    # The person's own teams, read by id: an owner of a team is one of its people.
    teams = await turn.reads.teams(turn.member.team_ids)
    owned = sorted(
        (t for t in teams.values() if t.installed and is_team_owner(turn.member.id, t)),
        key=lambda t: t.name.casefold(),
    )
    replies: list[Reply] = [await _personal_card(turn, turn.member, lang)]
    replies += [await _team_card(turn, team, lang) for team in owned[:MAX_TEAM_CARDS]]
    if len(owned) > MAX_TEAM_CARDS:
        replies.append(Text(text(lang, "settings.more_teams", count=len(owned) - MAX_TEAM_CARDS)))
    return replies


async def language_command(turn: Turn, args: str) -> Replies:
    """``language en|vi``: speak that language with this person from now on."""
    chosen = language_choice(args)
    if chosen is None:
        return Text(text(okr_views.language(turn), "language.unknown"))
    await _save_member(
        turn,
        lambda member: dataclasses.replace(
            member, preferred_locale=LOCALES[chosen], updated_at=turn.now
        ),
    )
    return Text(text(chosen, "language.changed"))


# -- team settings -------------------------------------------------------------------------


async def open_team_settings(turn: Turn, action: CardAction) -> Replies:
    """One team's settings card, from a button (the owners' welcome); owners only.

    ``focus: digest`` opens it with a line pointing at the digest fields.
    """
    lang = okr_views.language(turn)
    team_id = _id(action.data, "team_id")
    team = await turn.store.get_team(turn.tenant_id, team_id) if team_id else None
    if not action.is_current or team is None or not team.installed:
        return Text(text(lang, "settings.card_expired"))
    if not is_team_owner(turn.member.id, team):
        return Text(
            text(
                lang, "settings.not_owner_save", team=team.name or text(lang, "settings.this_team")
            )
        )
    notice = text(lang, "settings.digest_focus") if action.data.get("focus") == "digest" else None
    return await _team_card(turn, team, lang, notice=notice)


async def save_team_settings(turn: Turn, action: CardAction) -> Replies:
    """Check and store a team settings card; answer with the card, saved or with problems."""
    lang = okr_views.language(turn)
    team_id = _id(action.data, "team_id")
    version = _id(action.data, "settings_version")
    team = await turn.store.get_team(turn.tenant_id, team_id) if team_id else None
    if not action.is_current or team is None or version is None:
        return Text(text(lang, "settings.card_expired"))
    for _attempt in range(2):
        if not is_team_owner(turn.member.id, team):
            name = team.name or text(lang, "settings.this_team")
            return Text(text(lang, "settings.not_owner_save", team=name))
        if version != settings_version(team.settings):
            return await _team_card(
                turn, team, lang, notice=text(lang, "settings.changed_meanwhile")
            )
        channels = digest_channels(team.id, team.channels)
        form = read_team_settings_form(action.data, lang, team.settings, channels)
        if not form.ok or form.parsed is None:
            return await _team_card(turn, team, lang, values=form.values, problems=form.problems)
        wanted = _with_rhythm_change(
            team.settings, _with_anchor(team.settings, form.parsed, turn), turn
        )
        wanted = _with_digest_change(team.settings, wanted, turn)
        wanted = await _with_language_unpinned(turn, team.settings, wanted)
        try:
            saved = await turn.store.save_team(dataclasses.replace(team, settings=wanted))
        except ConflictError:
            # Someone wrote the team meanwhile (often only its roster or channels):
            # read it again; the version check above tells a settings change apart.
            team = await turn.store.get_team(turn.tenant_id, team.id)
            if team is None:
                return Text(text(lang, "settings.card_expired"))
            continue
        return await _team_card(turn, saved, lang, saved=True)
    return await _team_card(turn, team, lang, notice=text(lang, "settings.changed_meanwhile"))


def _with_rhythm_change(before: TeamSettings, after: TeamSettings, turn: Turn) -> TeamSettings:
    """``after``, stamped with now when the rhythm changed (see ``rhythm_changed_at``)."""
    rhythm = ("cadence", "weekday", "time_of_day", "time_zone", "anchor_date")
    if all(getattr(before, name) == getattr(after, name) for name in rhythm):
        return dataclasses.replace(after, rhythm_changed_at=before.rhythm_changed_at)
    return dataclasses.replace(after, rhythm_changed_at=turn.now)


def _with_digest_change(before: TeamSettings, after: TeamSettings, turn: Turn) -> TeamSettings:
    """``after``, stamped with now when the digest's slot moved or it was turned on.

    Slots due before the stamp are never posted (``okr.digest_due``): moving
    Friday's digest to Monday on a Tuesday waits for next Monday.
    """
    slot = ("digest_weekday", "digest_time", "time_zone")
    moved = any(getattr(before, name) != getattr(after, name) for name in slot)
    turned_on = after.digest_enabled and not before.digest_enabled
    if moved or turned_on:
        return dataclasses.replace(after, digest_changed_at=turn.now)
    return dataclasses.replace(after, digest_changed_at=before.digest_changed_at)


async def _with_language_unpinned(
    turn: Turn, before: TeamSettings, after: TeamSettings
) -> TeamSettings:
    """``after``, still following the tenant's default language if it did and was left as shown."""
    if before.language is not None or after.language is None:
        return after
    if after.language == language_for_locale(await _team_locale(turn, before)).value:
        return dataclasses.replace(after, language=None)
    return after


async def _team_locale(turn: Turn, settings: TeamSettings) -> str:
    """The team's language as it stands: its own, else the tenant's default."""
    tenant = await turn.store.get_tenant(turn.tenant_id) or Tenant(id=turn.tenant_id)
    return team_locale(settings, tenant)


def _with_anchor(before: TeamSettings, after: TeamSettings, turn: Turn) -> TeamSettings:
    """``after``, its every-2/3-weeks rhythm starting this week when the rhythm changed.

    Without this, "every 2 weeks" would count from a fixed date in the past, and
    which week the first round falls in would look arbitrary to the owner.
    """
    if after.cadence not in _ANCHORED or (after.cadence, after.weekday) == (
        before.cadence,
        before.weekday,
    ):
        return after
    today = turn.now.astimezone(zone_or(after.time_zone)).date()
    return dataclasses.replace(after, anchor_date=today.isoformat())


async def _team_card(
    turn: Turn,
    team: Team,
    lang: Language,
    *,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    notice: str | None = None,
    saved: bool = False,
) -> Card:
    pending, more_pending = await _pending_owners(turn, team)
    channels = digest_channels(team.id, team.channels)
    if values is None:
        values = team_settings_values(
            team.settings, channels, await _team_locale(turn, team.settings)
        )
    view = TeamSettingsView(
        team_id=team.id,
        team_name=team.name or text(lang, "settings.this_team"),
        channels=channels,
        values=values,
        version=settings_version(team.settings),
        problems=problems or {},
        notice=notice,
        saved=saved,
        next_round=_next_round(turn, lang, team.settings),
        pending_owners=pending,
        more_pending=more_pending,
        opened_by=turn.member.id,
    )
    content = team_settings_card(lang, view, turn.now)
    return Card(content, fallback_text=text(lang, "settings.team.title", team=view.team_name))


async def _pending_owners(turn: Turn, team: Team) -> tuple[list[PendingOwnerLine], bool]:
    """Who owns the team's OKRs without the bot having met them, and whether there are more.

    One bounded query: the card's cost does not grow with a large import.
    """
    records = await turn.store.list_pending_owners(
        turn.tenant_id, team_id=team.id, limit=MAX_PENDING_RECORDS
    )
    owned: dict[str, list[int]] = {}
    for record in records:
        counts = owned.setdefault(record.email, [0, 0])
        counts[0 if record.key_result_id is None else 1] += 1
    lines = [
        PendingOwnerLine(email, objectives=o, key_results=k)
        for email, (o, k) in sorted(owned.items())
    ]
    more = len(records) == MAX_PENDING_RECORDS or len(lines) > MAX_PENDING_SHOWN
    return lines[:MAX_PENDING_SHOWN], more


def _next_round(turn: Turn, lang: Language, settings: TeamSettings) -> str | None:
    """When the team's next round is, in the team's zone (the first of a new rhythm said so)."""
    try:
        at = next_due_at(settings, turn.now)
        latest = due_at(settings, current_round_date(settings, turn.now))
    except ValueError:  # stored settings from before validation; nothing sensible to show
        return None
    changed = settings.rhythm_changed_at
    # No round has come since the rhythm changed: the next is the new rhythm's first.
    first_of_new_rhythm = changed is not None and latest <= changed
    return describe_next_round(
        lang, at, owner_zone(settings), turn.now, first_of_new_rhythm=first_of_new_rhythm
    )


def _next_checkin(turn: Turn, lang: Language, settings: TeamSettings, member: Member) -> str | None:
    """When ``member`` is next asked under ``settings``, in their own time."""
    if member.prompts_paused:
        return text(lang, "settings.prompts_paused_note")
    moment = next_round_at(settings, turn.now, member)
    if moment is None:
        return None
    return describe_next_checkin(lang, moment, owner_zone(settings, member))


# -- personal settings ------------------------------------------------------------------------


async def save_personal_settings(turn: Turn, action: CardAction) -> Replies:
    """Store a person's own settings; answer with their card in the language they chose."""
    lang = okr_views.language(turn)
    owner = _id(action.data, "member_id")
    if not action.is_current or owner is None:
        return Text(text(lang, "settings.card_expired"))
    if owner != turn.member.id:
        return Text(text(lang, "settings.someone_elses"))
    form = read_personal_settings_form(action.data, lang)
    chosen = form.parsed
    if not form.ok or chosen is None:
        return await _personal_card(turn, turn.member, lang, form.values, form.problems)
    # Pin the language only when the person picked another one, or had pinned one:
    # otherwise it keeps following the language of their Teams client.
    pin = chosen.language is not lang or turn.member.preferred_locale is not None

    def change(member: Member) -> Member:
        return dataclasses.replace(
            member,
            prompts_paused=chosen.prompts_paused,
            preferred_time_zone=chosen.time_zone,
            preferred_locale=LOCALES[chosen.language] if pin else member.preferred_locale,
            updated_at=turn.now,
        )

    member = await _save_member(turn, change)
    return await _personal_card(turn, member, chosen.language, saved=True)


async def _personal_card(
    turn: Turn,
    member: Member,
    lang: Language,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    *,
    saved: bool = False,
) -> Card:
    shown = values or {
        "prompts_paused": "true" if member.prompts_paused else "false",
        "language": lang.value,
        "time_zone": member.preferred_time_zone or member.time_zone or NO_TIME_ZONE,
    }
    next_checkin: str | None = None
    if saved:
        team = await okr_views.team_of(turn)
        owns, _ = await okr_views.own_active_key_results(turn, 1)
        if team is not None and not member.prompts_paused and not owns:
            # Only owners of key results are asked: a date would promise a card that never comes.
            next_checkin = text(lang, "settings.no_key_results_note")
        elif team is not None:
            next_checkin = _next_checkin(turn, lang, team.settings, member)
    view = PersonalSettingsView(
        member_id=member.id,
        values=shown,
        problems=problems or {},
        saved=saved,
        next_checkin=next_checkin,
    )
    content = personal_settings_card(lang, view, turn.now)
    return Card(content, fallback_text=text(lang, "settings.personal.title"))


async def _save_member(turn: Turn, change: Callable[[Member], Member]) -> Member:
    """Apply ``change`` to the stored person (ETag-checked, one retry); returns them."""

    async def load() -> Member | None:
        return await turn.store.get_member(turn.tenant_id, turn.member.id)

    def apply(stored: Member | None) -> Member:
        return change(stored if stored is not None else turn.member)

    result = await upsert(turn.store.save_member, load, apply)
    return result.after if result.after is not None else turn.member


# -- shared -----------------------------------------------------------------------------------


def _id(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) and 0 < len(value) <= 200 else None
