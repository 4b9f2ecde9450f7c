"""``digest`` in chat: the team's progress (the period close is bot/closing.py)."""

from __future__ import annotations

from bot import okr_views
from bot.checkin import checkin_command
from bot.checkin_cards import MAX_ID
from bot.command_text import ALIASES, CommandName
from bot.features import Card, CardAction, Features, Replies, Text, Turn, as_reply_list
from cards import verbs
from cards.i18n import text
from cards.reports import AtRiskLine, KpiLine, digest_card, kpi_value
from okr.kpi import kpi_health
from okr.models import CheckInStatus, Objective, ObjectiveState
from okr.permissions import may_change
from okr.progress import key_result_progress, objective_progress

MAX_OBJECTIVES = 25


def register(features: Features) -> None:
    """Register ``digest`` (``close`` is bot/closing.py)."""
    features.add_command("digest", digest, aliases=ALIASES[CommandName.DIGEST][1:])
    features.add_verb(verbs.CHECKIN_NOW, checkin_now)


async def _team_objectives(turn: Turn) -> list[Objective]:
    team_ids = [turn.team_id] if turn.team_id else list(turn.member.team_ids)
    found: list[Objective] = []
    for team_id in team_ids:
        found += await turn.store.list_objectives(turn.tenant_id, team_id=team_id)
    if not team_ids:
        found = await turn.store.list_objectives(turn.tenant_id, owner_id=turn.member.id)
    return [o for o in found if o.state is ObjectiveState.ACTIVE][:MAX_OBJECTIVES]


async def digest(turn: Turn, args: str) -> Replies:
    """The team's progress now: overall, per objective, and what is at risk and whose it is."""
    lang = okr_views.language(turn)
    objectives = await _team_objectives(turn)
    summaries = await okr_views.summaries(turn, objectives)
    names = okr_views.names_by_id(await turn.store.list_members(turn.tenant_id))
    at_risk: list[AtRiskLine] = []
    all_krs = []
    for objective in objectives:
        krs = await turn.store.list_key_results(turn.tenant_id, objective_id=objective.id)
        all_krs += krs
        for kr in krs:
            if kr.last_status in (CheckInStatus.AT_RISK, CheckInStatus.OFF_TRACK):
                at_risk.append(
                    AtRiskLine(
                        title=kr.title,
                        owner=names.get(kr.owner_id or "", ""),
                        status=kr.last_status,
                        progress=float(key_result_progress(kr).clamped),
                    )
                )
    overall = objective_progress(all_krs)
    kpis = await _kpi_lines(turn)
    card = digest_card(lang, summaries, at_risk, None if overall is None else float(overall), kpis)
    return Card(card, fallback_text=card["body"][0]["text"])


async def _kpi_lines(turn: Turn) -> list[KpiLine]:
    lang = okr_views.language(turn)
    team_ids = [turn.team_id] if turn.team_id else list(turn.member.team_ids)
    lines = []
    for team_id in team_ids:
        team = await turn.store.get_team(turn.tenant_id, team_id)
        for kpi in await turn.store.list_kpis(turn.tenant_id, team_id):
            lines.append(
                KpiLine(
                    kpi_id=kpi.id,
                    title=kpi.title,
                    value=kpi_value(lang, kpi),
                    health=kpi_health(kpi),
                    can_edit=may_change(turn.member, kpi, team),
                )
            )
    return lines


async def checkin_now(turn: Turn, action: CardAction) -> Replies:
    """ "Check in now" on a digest: the presser's own check-in card, in their personal chat.

    Pressed on a channel's digest, the answer goes to the presser's personal chat
    and the digest stays as it is (the verb is not answered in place). The card
    names its team: a press from anywhere that team is not (another tenant) is
    refused, and nothing is sent or stored.
    """
    lang = okr_views.language(turn)
    team_id = action.data.get("team_id")
    if not action.is_current or not (team_id is None or isinstance(team_id, str)):
        return Text(text(lang, "error.card_expired_gone"))
    if team_id is not None and (
        len(team_id) > MAX_ID or await turn.store.get_team(turn.tenant_id, team_id) is None
    ):
        return Text(text(lang, "error.card_expired_gone"))
    replies = as_reply_list(await checkin_command(turn, ""))
    if all(isinstance(reply, Text) for reply in replies):
        return replies  # nothing to check in: said as it is
    # In the personal chat the digest stays too: the check-in card comes as the next message.
    return [Text(text(lang, "digest.checkin_below"), in_place=True), *replies]
