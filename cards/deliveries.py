"""The cards the scheduler delivers, composed for their recipient from domain data.

One place builds the check-in card, for the scheduled round, the reminder, the
``checkin`` command and the card shown again with problems, so all four are the
same card. The scheduler calls :class:`DeliveryCards` through its composer
protocol (``scheduling.composer``) and never imports this package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cards.checkin import (
    CheckInItem,
    DoneLine,
    MissingOwner,
    checkin_card,
    missing_summary_card,
)
from cards.closing import closing_card, closing_items, fit
from cards.digest import team_digest_card
from cards.i18n import Language, language_for_locale, language_of, text
from cards.locale_format import format_date, format_period, format_typed, format_value
from cards.period_report import period_report_card, report_lines
from okr.cadence import owner_zone
from okr.digest import TeamDigest
from okr.digest_due import PeriodReport
from okr.due import OwnerRound
from okr.models import (
    CheckInStatus,
    KeyResult,
    Member,
    Objective,
    Team,
    TeamSettings,
)
from okr.pace import pace_of
from okr.progress import key_result_progress


@dataclass(frozen=True, slots=True)
class ComposedCard:
    """A card ready to send, and the text notifications show for it."""

    content: dict[str, Any]
    fallback_text: str


def checkin_items(
    key_results: Sequence[KeyResult],
    objectives: Mapping[str, Objective],
    lang: Language,
    now: datetime,
    zone: str,
) -> list[CheckInItem]:
    """The key results as the card shows them, with expected progress and a suggested status.

    ``zone`` is the one pace is counted in: the team's (``bot.okr_views.pace_zone``).
    """
    items = []
    # Grouped by objective (the card shows each objective's title once), in order.
    order = {
        objective_id: i
        for i, objective_id in enumerate(dict.fromkeys(kr.objective_id for kr in key_results))
    }
    for kr in sorted(key_results, key=lambda k: order[k.objective_id]):
        objective = objectives.get(kr.objective_id)
        progress = key_result_progress(kr).clamped
        pace = pace_of(objective, progress, now, zone) if objective else None

        def fmt(value: Any, kr: KeyResult = kr) -> str:
            return format_value(value, kr.kind, lang, currency=kr.currency, unit=kr.unit)

        items.append(
            CheckInItem(
                key_result=kr,
                objective_title=objective.title if objective else "",
                last_value=fmt(kr.current),
                target=fmt(kr.target),
                typed_value=format_typed(kr.current, kr.kind, lang),
                progress=float(progress),
                expected=None if pace is None else float(pace.expected),
                pace=None if pace is None else pace.status,
                status=kr.last_status or CheckInStatus.ON_TRACK,
                due=format_date(kr.due_date, lang) if kr.due_date else "",
            )
        )
    return items


def team_language(team: Team) -> Language:
    """The language of what the bot posts in a team's channels: the team's, else English."""
    return language_for_locale(team.settings.language)


class DeliveryCards:
    """Composes check-in, reminder and summary cards in each recipient's language and zone."""

    def checkin(
        self,
        member: Member,
        key_results: Sequence[KeyResult],
        objectives: Mapping[str, Objective],
        *,
        now: datetime,
        card_id: str,
        round_id: str | None,
        settings: TeamSettings | None = None,
        reminder: bool = False,
        values: Mapping[str, str] | None = None,
        problems: Mapping[str, str] | None = None,
        locale: str | None = None,
        done: Sequence[DoneLine] = (),
        corrects: Sequence[str] = (),
        to_close: int = 0,
    ) -> ComposedCard:
        """The check-in card for ``member`` listing ``key_results``.

        ``values`` and ``problems`` show it again as submitted, with what to fix;
        ``locale`` is the activity's, for a person whose own is not known.
        ``done``, ``corrects`` and ``to_close`` are as in :func:`cards.checkin.checkin_card`.
        """
        lang = language_of(member, locale)
        # Pace is counted in the team's zone, as on every other card (okr.pace).
        items = checkin_items(key_results, objectives, lang, now, str(owner_zone(settings)))
        content = checkin_card(
            lang,
            items,
            card_id=card_id,
            round_id=round_id,
            reminder=reminder,
            values=values,
            problems=problems,
            done=done,
            corrects=corrects,
            to_close=to_close,
        )
        if problems:
            fallback = problems.get("_all") or text(lang, "form.fix_problems")
        else:
            key = "checkin.reminder_notification" if reminder else "checkin.notification"
            fallback = text(lang, key, count=len(items))
        return ComposedCard(content, fallback)

    def summary(
        self,
        team: Team,
        recipient: Member | None,
        round_date: date,
        missing: Sequence[OwnerRound],
        *,
        round_id: str,
        asked: int | None = None,
    ) -> ComposedCard:
        """The missing-check-in summary for one team owner, with a nudge for that round.

        ``asked``: how many people the round asked ("9 of 12 checked in").
        """
        lang = language_of(recipient)
        people = [
            MissingOwner(
                name=entry.member.name or entry.member.email or entry.member.id,
                key_results=[kr.title for kr in entry.key_results],
                unreachable=not entry.member.reachable,
            )
            for entry in missing
        ]
        content = missing_summary_card(
            lang,
            team.name,
            format_date(round_date, lang),
            people,
            asked=asked,
            nudge={"team_id": team.id, "round_id": round_id},
        )
        return ComposedCard(content, text(lang, "summary.title", team=team.name))

    def digest(self, team: Team, digest: TeamDigest, members: Mapping[str, Member]) -> ComposedCard:
        """The team's digest for its channel, in the team's language (English when unset).

        ``members``: the people the digest names (owners, those missing), by id.
        """
        lang = team_language(team)
        content = team_digest_card(lang, digest, members)
        return ComposedCard(content, text(lang, "digest.notification", team=digest.team_name))

    def period_report(
        self, team: Team, report: PeriodReport, members: Mapping[str, Member]
    ) -> ComposedCard:
        """The report of a closed period for the team's channel, in the team's language."""
        lang = team_language(team)
        name = team.name or text(lang, "settings.this_team")
        content = period_report_card(lang, name, report, report_lines(report, members, lang))
        fallback = text(
            lang, "period_report.title", period=format_period(report.period, lang), team=name
        )
        return ComposedCard(content, fallback)

    def closing(
        self,
        member: Member,
        team: Team,
        objectives: Sequence[Objective],
        key_results: Sequence[KeyResult],
        *,
        card_id: str,
    ) -> ComposedCard:
        """The closing card for one owner: their active objectives of one ended period.

        Sent instead of a check-in by the first round after the period's end
        (``okr.due.closings_due``); what does not fit one card is closed with ``close``.
        """
        lang = language_of(member)
        shown, more = fit(closing_items(lang, objectives, key_results))
        content = closing_card(lang, shown, card_id=card_id, more=more)
        period = format_period(objectives[0].period, lang) if objectives else ""
        fallback = text(lang, "closing.notification", count=len(objectives), period=period)
        return ComposedCard(content, fallback)
