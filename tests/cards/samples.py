"""Every card sample the card checks take, and the representative data behind them.

The data follows the source document's examples (revenue $12M → $24M, support
tickets 120 → 30 a month, a milestone) so that every card is checked and
pictured with the shapes real OKRs take. Each sample is registered with
``@card_sample`` (see ``tests/cards/registry.py``); they are grouped by the card
module whose cards they build. Test data only: the running bot never sees it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from cards import verbs
from cards.authoring import (
    KeyResultLine,
    ObjectiveSummary,
    ObjectiveView,
    objective_card,
    objective_list_card,
    templates_card,
)
from cards.checkin import (
    CheckInItem,
    DoneLine,
    MissingOwner,
    RecordedLine,
    all_done_card,
    checkin_card,
    later_set_card,
    missing_summary_card,
    recorded_card,
    to_close_card,
)
from cards.deliveries import checkin_items
from cards.elements import execute
from cards.help import help_card
from cards.i18n import Language, text
from cards.initiative_form import initiative_form
from cards.key_result_form import key_result_form
from cards.kpi_form import kpi_form
from cards.locale_format import format_date, format_datetime, format_period, format_value
from cards.objective_form import Choices, objective_form
from cards.origin import Origin, Place, nothing_changed_card
from cards.settings import (
    PendingOwnerLine,
    PersonalSettingsView,
    TeamSettingsView,
    describe_next_checkin,
    describe_next_round,
    personal_settings_card,
    read_team_settings_form,
    settings_version,
    team_settings_card,
    team_settings_values,
)
from cards.tab_links import TabLinks
from cards.welcome import FirstRound, greeting_card, owner_welcome_card, welcome_card
from okr.guidance import objective_warnings
from okr.models import (
    Channel,
    CheckInStatus,
    Initiative,
    InitiativeState,
    KeyResult,
    KeyResultKind,
    Level,
    Objective,
    ObjectiveState,
    ObjectiveType,
    TeamSettings,
)
from okr.pace import PaceStatus
from okr.periods import Period
from okr.templates import templates_for
from tests.cards.registry import card_sample

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
PERIOD = Period.quarter(2026, 1)
MEMBERS = (("Lan Nguyễn", "member-lan"), ("Minh Trần", "member-minh"), ("Alex Kim", "member-alex"))

OBJECTIVE = Objective(
    tenant_id=TENANT,
    id="objective-revenue",
    title="Grow the online store",
    owner_id="member-lan",
    period=PERIOD,
    level=Level.TEAM,
    type=ObjectiveType.COMMITTED,
    state=ObjectiveState.ACTIVE,
    team_id="19:sales@thread.tacv2",
    description="Double online revenue while support load falls.",
)

KEY_RESULTS = (
    KeyResult(
        tenant_id=TENANT,
        id="kr-revenue",
        objective_id=OBJECTIVE.id,
        title="Increase online revenue",
        owner_id="member-lan",
        kind=KeyResultKind.CURRENCY,
        start=Decimal(12_000_000),
        target=Decimal(24_000_000),
        current=Decimal(15_600_000),
        currency="USD",
    ),
    KeyResult(
        tenant_id=TENANT,
        id="kr-tickets",
        objective_id=OBJECTIVE.id,
        title="Reduce support tickets",
        owner_id="member-minh",
        kind=KeyResultKind.NUMBER,
        start=Decimal(120),
        target=Decimal(30),
        current=Decimal(84),
        unit="tickets/month",
    ),
    KeyResult(
        tenant_id=TENANT,
        id="kr-checkout",
        objective_id=OBJECTIVE.id,
        title="Launch one-page checkout",
        owner_id="member-alex",
        kind=KeyResultKind.MILESTONE,
        start=Decimal(0),
        target=Decimal(1),
        current=Decimal(0),
        due_date=date(2026, 3, 15),
    ),
)

INITIATIVES = (
    Initiative(
        tenant_id=TENANT,
        id="initiative-ads",
        objective_id=OBJECTIVE.id,
        title="Run a search-ads campaign",
        owner_id="member-lan",
        key_result_id="kr-revenue",
        state=InitiativeState.IN_PROGRESS,
    ),
)


def owner_name(member_id: str | None) -> str:
    """The display name of a sample member."""
    return next((name for name, id_ in MEMBERS if id_ == member_id), "")


def progress(key_result: KeyResult) -> float:
    """Progress of a sample key result, clamped for display."""
    span = key_result.target - key_result.start
    raw = float((key_result.current - key_result.start) / span)
    return min(max(raw, 0.0), 1.0)


def period_choices(lang: Language) -> tuple[tuple[str, str], ...]:
    """The sample period as the objective form offers it: shown by name, stored by label."""
    shown = format_period(PERIOD, lang, with_dates=True)
    return ((text(lang, "form.period.this_quarter", period=shown), PERIOD.label),)


def objective_view(lang: Language) -> ObjectiveView:
    """The sample objective as the objective card shows it (as bot/okr_views.py formats it)."""
    lines = []
    for kr in KEY_RESULTS:
        shown = [
            format_value(value, kr.kind, lang, currency=kr.currency, unit=kr.unit, compact=True)
            for value in (kr.start, kr.target, kr.current)
        ]
        values = text(lang, "okr.values", start=shown[0], target=shown[1], current=shown[2])
        can_check_in = kr.owner_id == OBJECTIVE.owner_id  # the reader owns this one
        lines.append(
            KeyResultLine(kr, owner_name(kr.owner_id), values, progress(kr), True, can_check_in)
        )
    return ObjectiveView(
        objective=OBJECTIVE,
        owner_name=owner_name(OBJECTIVE.owner_id),
        period_text=format_period(PERIOD, lang, with_dates=True),
        progress=sum(line.progress for line in lines) / len(lines),
        expected=0.5,
        pace=PaceStatus.BEHIND,
        key_results=lines,
        initiatives=INITIATIVES,
        warnings=tuple(objective_warnings(OBJECTIVE, KEY_RESULTS)),
        can_edit=True,
    )


# -- cards/welcome.py ---------------------------------------------------------------


@card_sample("welcome")
def _welcome(lang: Language) -> Mapping[str, Any]:
    return welcome_card(lang, "Lan")


# The first round of a team in Hanoi: Monday 30 Nov 2026, 09:00 there.
FIRST_ROUND = FirstRound(
    at=datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
    zone="Asia/Ho_Chi_Minh",
    team_zone="Asia/Ho_Chi_Minh",
)


@card_sample("welcome.channel", in_docs=True)
def _welcome_channel(lang: Language) -> Mapping[str, Any]:
    return welcome_card(lang, None, FIRST_ROUND)


@card_sample("welcome.first_checkin")
def _welcome_first_checkin(lang: Language) -> Mapping[str, Any]:
    return welcome_card(lang, "Lan", FIRST_ROUND)


@card_sample("welcome.owner", in_docs=True)
def _welcome_owner(lang: Language) -> Mapping[str, Any]:
    return owner_welcome_card(lang, "19:team-sales@thread.tacv2", "Sales", FIRST_ROUND)


# -- cards/authoring.py -------------------------------------------------------------


@card_sample("objective.form.new")
def _objective_form_new(lang: Language) -> Mapping[str, Any]:
    return objective_form(lang, {}, {}, Choices(members=MEMBERS, periods=period_choices(lang)))


@card_sample("objective.form.problems", in_docs=True)
def _objective_form_problems(lang: Language) -> Mapping[str, Any]:
    values = {"title": "", "owner": "member-lan", "period": PERIOD.label}
    problems = {"title": text(lang, "validation.required")}
    choices = Choices(members=MEMBERS, periods=period_choices(lang))
    return objective_form(lang, values, problems, choices, objective_id=OBJECTIVE.id)


@card_sample("key_result.form")
def _key_result_form(lang: Language) -> Mapping[str, Any]:
    return key_result_form(lang, OBJECTIVE, {"title": "Increase online revenue"}, {}, MEMBERS)


@card_sample("initiative.form")
def _initiative_form(lang: Language) -> Mapping[str, Any]:
    return initiative_form(lang, OBJECTIVE, KEY_RESULTS, {}, {}, MEMBERS)


@card_sample("initiative.form.edit")
def _initiative_form_edit(lang: Language) -> Mapping[str, Any]:
    values = {"title": "Run a search-ads campaign", "owner": "member-lan", "state": "in_progress"}
    return initiative_form(
        lang, OBJECTIVE, KEY_RESULTS, values, {}, MEMBERS, initiative_id="initiative-ads"
    )


@card_sample("kpi.form")
def _kpi_form(lang: Language) -> Mapping[str, Any]:
    return kpi_form(lang, {"title": "Site uptime"}, {}, MEMBERS)


@card_sample("kpi.form.edit")
def _kpi_form_edit(lang: Language) -> Mapping[str, Any]:
    values = {"title": "Site uptime", "comparison": ">=", "threshold": "99.5", "current": "99.2"}
    return kpi_form(lang, values, {}, MEMBERS, kpi_id="kpi-uptime")


@card_sample("objective.card", in_docs=True)
def _objective_card(lang: Language) -> Mapping[str, Any]:
    return objective_card(lang, objective_view(lang))


# An objective still being written: no key results, no pace yet.
DRAFT_OBJECTIVE = dataclasses.replace(
    OBJECTIVE, id="objective-hiring", title="Hire the support team", state=ObjectiveState.DRAFT
)


@card_sample("objective.list", in_docs=True)
def _objective_list(lang: Language) -> Mapping[str, Any]:
    view = objective_view(lang)
    # Pace and the owners' most worrying status, as the objective card has them.
    summaries = [
        ObjectiveSummary(
            OBJECTIVE,
            view.progress,
            len(KEY_RESULTS),
            view.owner_name,
            expected=view.expected,
            pace=view.pace,
            status=CheckInStatus.OFF_TRACK,
        ),
        ObjectiveSummary(DRAFT_OBJECTIVE, None, 0, view.owner_name),  # a draft: no pace
    ]
    return objective_list_card(
        lang, text(lang, "list.my_okrs.title"), summaries, "list.my_okrs.empty"
    )


@card_sample("objective.list.more")
def _objective_list_more(lang: Language) -> Mapping[str, Any]:
    # The team's first objectives, with "Show more" under them.
    view = objective_view(lang)
    summaries = [
        ObjectiveSummary(
            OBJECTIVE, view.progress, len(KEY_RESULTS), view.owner_name, view.expected, view.pace
        )
    ] * 3
    more = execute(text(lang, "list.show_more"), verbs.TEAM_OKRS_MORE, {"shown": 3})
    return objective_list_card(
        lang, text(lang, "list.team_okrs.title"), summaries, "list.team_okrs.empty", more=more
    )


@card_sample("objective.list.empty")
def _objective_list_empty(lang: Language) -> Mapping[str, Any]:
    return objective_list_card(lang, text(lang, "list.team_okrs.title"), [], "list.team_okrs.empty")


@card_sample("templates", in_docs=True)
def _templates(lang: Language) -> Mapping[str, Any]:
    return templates_card(lang, templates_for(lang.value))


# -- cards/origin.py (issue 15: forms without dead ends) -----------------------------


@card_sample("objective.card.from_my_okrs")
def _objective_card_from_my_okrs(lang: Language) -> Mapping[str, Any]:
    back = Origin("member-lan", Place.MY_OKRS)
    return objective_card(lang, dataclasses.replace(objective_view(lang), back=back))


# -- cards/tab_links.py (issue 12: "Open in tab", only when the tab is deployed) -----------

TAB_LINKS = TabLinks("7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c")


def in_tab(view: ObjectiveView) -> ObjectiveView:
    """``view`` with its deep link into the Teams tab, as bot/okr_views.py adds it."""
    return dataclasses.replace(view, tab_link=TAB_LINKS.objective(view.objective.id, TENANT))


@card_sample("objective.card.in_tab")
def _objective_card_in_tab(lang: Language) -> Mapping[str, Any]:
    # The most buttons the card has: Back, Open in tab, and the secondary ones.
    back = Origin("member-lan", Place.MY_OKRS)
    return objective_card(lang, in_tab(dataclasses.replace(objective_view(lang), back=back)))


@card_sample("objective.card.in_tab.draft")
def _objective_card_in_tab_draft(lang: Language) -> Mapping[str, Any]:
    draft = dataclasses.replace(
        objective_view(lang), objective=DRAFT_OBJECTIVE, progress=None, pace=None, expected=None
    )
    return objective_card(lang, in_tab(draft))


@card_sample("objective.card.in_tab.read_only")
def _objective_card_in_tab_read_only(lang: Language) -> Mapping[str, Any]:
    return objective_card(lang, in_tab(dataclasses.replace(objective_view(lang), can_edit=False)))


@card_sample("objective.form.cancel")
def _objective_form_cancel(lang: Language) -> Mapping[str, Any]:
    values = {"title": OBJECTIVE.title, "owner": "member-lan", "period": PERIOD.label}
    choices = Choices(members=MEMBERS, periods=period_choices(lang))
    origin = Origin("member-lan", Place.OBJECTIVE, OBJECTIVE.id, Place.MY_OKRS)
    return objective_form(lang, values, {}, choices, objective_id=OBJECTIVE.id, origin=origin)


@card_sample("form.nothing_changed")
def _nothing_changed(lang: Language) -> Mapping[str, Any]:
    return nothing_changed_card(lang)


@card_sample("templates.form")
def _template_form(lang: Language) -> Mapping[str, Any]:
    """The form from the Sales example: its name as title, an owner for each key result."""
    [sales] = [t for t in templates_for(lang.value) if t.key == "sales"]
    values = {"title": sales.objective, "owner": "member-lan", "kr_owner_1": "member-minh"}
    choices = Choices(members=MEMBERS, periods=period_choices(lang))
    return objective_form(lang, values, {}, choices, template=sales, origin=Origin("member-lan"))


@card_sample("checkin.problems.far_below")
def _checkin_problems_far_below(lang: Language) -> Mapping[str, Any]:
    """A long card whose only problem is on its last key result: the top line names it."""
    items = _checkin_items(lang, KEY_RESULTS + MORE_KEY_RESULTS)
    last = f"value_{len(items) - 1}"
    return checkin_card(
        lang,
        items,
        card_id="sample-card",
        round_id="checkin|team|2026-03-02",
        values={last: "lots"},
        problems={last: text(lang, "validation.not_a_number", value="lots")},
    )


# -- cards/checkin.py ---------------------------------------------------------------


# Mid-February: a little under half of Q1 2026 gone, so the plan says ~55%.
CHECKIN_NOW = datetime(2026, 2, 19, 2, 0, tzinfo=UTC)
CHECKIN_ZONE = "Asia/Ho_Chi_Minh"

# A second objective, for a card of five key results under two titles.
OBJECTIVE_SUPPORT = dataclasses.replace(
    OBJECTIVE, id="objective-support", title="Delight our customers"
)
MORE_KEY_RESULTS = (
    dataclasses.replace(
        KEY_RESULTS[1],
        id="kr-session",
        objective_id=OBJECTIVE_SUPPORT.id,
        title="Increase time users are active per session",
        kind=KeyResultKind.DURATION,
        start=Decimal(157),
        target=Decimal(225),
        current=Decimal(190),
        unit="",
        last_status=CheckInStatus.AT_RISK,
    ),
    dataclasses.replace(
        KEY_RESULTS[1],
        id="kr-nps",
        objective_id=OBJECTIVE_SUPPORT.id,
        title="Raise customer satisfaction",
        kind=KeyResultKind.PERCENTAGE,
        start=Decimal(80),
        target=Decimal(90),
        current=Decimal(83),
        unit="",
    ),
)


def _checkin_items(
    lang: Language, key_results: tuple[KeyResult, ...] = KEY_RESULTS
) -> list[CheckInItem]:
    objectives = {OBJECTIVE.id: OBJECTIVE, OBJECTIVE_SUPPORT.id: OBJECTIVE_SUPPORT}
    return checkin_items(key_results, objectives, lang, CHECKIN_NOW, CHECKIN_ZONE)


@card_sample("checkin.input.five")
def _checkin_five(lang: Language) -> Mapping[str, Any]:
    items = _checkin_items(lang, KEY_RESULTS + MORE_KEY_RESULTS)
    return checkin_card(lang, items, card_id="sample-card", round_id="checkin|team|2026-03-02")


@card_sample("checkin.input.to_close")
def _checkin_input_to_close(lang: Language) -> Mapping[str, Any]:
    items = _checkin_items(lang)
    return checkin_card(lang, items, card_id="sample-card", round_id=None, to_close=2)


@card_sample("checkin.input", in_docs=True)
def _checkin_input(lang: Language) -> Mapping[str, Any]:
    return checkin_card(
        lang, _checkin_items(lang), card_id="sample-card", round_id="checkin|team|2026-03-02"
    )


@card_sample("checkin.problems")
def _checkin_problems(lang: Language) -> Mapping[str, Any]:
    return checkin_card(
        lang,
        _checkin_items(lang),
        card_id="sample-card",
        round_id=None,
        values={"value_0": "lots", "value_1": "80"},
        problems={"value_0": text(lang, "validation.not_a_number", value="lots")},
    )


@card_sample("checkin.reminder")
def _checkin_reminder(lang: Language) -> Mapping[str, Any]:
    return checkin_card(
        lang, _checkin_items(lang)[:1], card_id="sample-reminder", round_id=None, reminder=True
    )


# The round of Monday 2 March 2026; the owner answered at 09:14 their time.
ROUND_DATE = date(2026, 3, 2)
RECORDED_AT = datetime(2026, 3, 2, 2, 14, tzinfo=UTC)


def _recorded_line(lang: Language, status: CheckInStatus, note: str) -> RecordedLine:
    kr = KEY_RESULTS[0]
    return RecordedLine(
        title=kr.title,
        value=format_value(Decimal(18_000_000), kr.kind, lang, currency=kr.currency),
        status=status,
        note=note,
        progress=0.5,
    )


@card_sample("checkin.recorded")
def _checkin_recorded(lang: Language) -> Mapping[str, Any]:
    line = _recorded_line(lang, CheckInStatus.ON_TRACK, "Partner deals closed early.")
    sent = format_datetime(RECORDED_AT, lang, CHECKIN_ZONE)
    return recorded_card(lang, [line], sent, unchanged=2)


@card_sample("checkin.recorded.correct", in_docs=True)
def _checkin_recorded_correctable(lang: Language) -> Mapping[str, Any]:
    line = _recorded_line(lang, CheckInStatus.AT_RISK, "")
    sent = format_datetime(RECORDED_AT, lang, CHECKIN_ZONE)
    return recorded_card(lang, [line], sent, unchanged=0, correct=["sample-card|kr-revenue"])


@card_sample("checkin.correct")
def _checkin_correction(lang: Language) -> Mapping[str, Any]:
    items = _checkin_items(lang)[:1]
    values = {"value_0": "18000000", "status_0": "at_risk", "note_0": "Partner deals closed early."}
    return checkin_card(
        lang,
        items,
        card_id="sample-correction",
        round_id="checkin|team|2026-03-02",
        values=values,
        corrects=["sample-card|kr-revenue"],
    )


def _done_lines(lang: Language) -> list[DoneLine]:
    return [
        DoneLine(
            title=kr.title,
            value=format_value(kr.current, kr.kind, lang, currency=kr.currency, unit=kr.unit),
            status=kr.last_status or CheckInStatus.ON_TRACK,
            checkin_id=f"sample-card|{kr.id}",
        )
        for kr in KEY_RESULTS
    ]


@card_sample("checkin.input.done")
def _checkin_with_done(lang: Language) -> Mapping[str, Any]:
    items = _checkin_items(lang, MORE_KEY_RESULTS)
    return checkin_card(
        lang, items, card_id="sample-card", round_id=None, done=_done_lines(lang)[:2]
    )


@card_sample("checkin.problems.done")
def _checkin_problems_with_done(lang: Language) -> Mapping[str, Any]:
    items = _checkin_items(lang, MORE_KEY_RESULTS)
    return checkin_card(
        lang,
        items,
        card_id="sample-card",
        round_id=None,
        values={"value_0": "lots"},
        problems={"value_0": text(lang, "validation.not_a_number", value="lots")},
        done=_done_lines(lang)[:2],
    )


@card_sample("checkin.all_done")
def _checkin_all_done(lang: Language) -> Mapping[str, Any]:
    return all_done_card(lang, _done_lines(lang))


@card_sample("checkin.all_done.to_close")
def _checkin_all_done_to_close(lang: Language) -> Mapping[str, Any]:
    return all_done_card(lang, _done_lines(lang), to_close=12)


@card_sample("checkin.to_close")
def _checkin_to_close(lang: Language) -> Mapping[str, Any]:
    return to_close_card(lang, 1)


@card_sample("checkin.summary", in_docs=True)
def _missing_summary(lang: Language) -> Mapping[str, Any]:
    missing = [
        MissingOwner("Minh Trần", ["Reduce support tickets"], unreachable=False),
        MissingOwner("Alex Kim", ["Launch one-page checkout"], unreachable=True),
        MissingOwner("Lan Phạm", ["Raise customer satisfaction"], unreachable=False),
    ]
    nudge = {"team_id": OBJECTIVE.team_id or "", "round_id": "checkin|team|2026-03-02"}
    # Twelve asked, three missing: "9 of 12 checked in".
    return missing_summary_card(
        lang, "Sales", format_date(ROUND_DATE, lang), missing, asked=12, nudge=nudge
    )


@card_sample("checkin.summary.everyone")
def _missing_summary_empty(lang: Language) -> Mapping[str, Any]:
    return missing_summary_card(lang, "Sales", format_date(ROUND_DATE, lang), [])


# -- cards/help.py -------------------------------------------------------------------


@card_sample("help", in_docs=True)
def _help(lang: Language) -> Mapping[str, Any]:
    return help_card(lang)


@card_sample("help.channel")
def _help_channel(lang: Language) -> Mapping[str, Any]:
    return help_card(lang, channel=True)


# -- cards/settings.py ---------------------------------------------------------------

SETTINGS_NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
CHANNELS = (
    Channel(id="19:team-sales@thread.tacv2", name=""),
    Channel(id="19:okr-channel@thread.tacv2", name="OKRs"),
)


def team_settings_view(**changes: Any) -> TeamSettingsView:
    """The sample team's settings card, with ``changes`` to the view."""
    settings = TeamSettings(time_zone="Asia/Ho_Chi_Minh")
    view = TeamSettingsView(
        team_id="19:team-sales@thread.tacv2",
        team_name="Sales",
        channels=CHANNELS,
        values=team_settings_values(settings, CHANNELS),
        version=settings_version(settings),
    )
    return dataclasses.replace(view, **changes)


@card_sample("settings.team")
def _team_settings(lang: Language) -> Mapping[str, Any]:
    return team_settings_card(lang, team_settings_view(), SETTINGS_NOW)


@card_sample("settings.team_errors")
def _team_settings_errors(lang: Language) -> Mapping[str, Any]:
    values = {"cadence": "weekly", "weekday": "9", "time_of_day": "25:99", "time_zone": "Mars"}
    form = read_team_settings_form(values, lang, TeamSettings(), CHANNELS)
    return team_settings_card(
        lang, team_settings_view(values=form.values, problems=form.problems), SETTINGS_NOW
    )


@card_sample("settings.team_saved")
def _team_settings_saved(lang: Language) -> Mapping[str, Any]:
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    next_checkin = describe_next_checkin(lang, datetime(2026, 11, 30, 2, 0, tzinfo=UTC), zone)
    return team_settings_card(
        lang, team_settings_view(saved=True, next_checkin=next_checkin), SETTINGS_NOW
    )


@card_sample("settings.team_next_round")
def _team_settings_next_round(lang: Language) -> Mapping[str, Any]:
    next_round = describe_next_round(
        lang, FIRST_ROUND.at, ZoneInfo("Asia/Ho_Chi_Minh"), SETTINGS_NOW, first_of_new_rhythm=False
    )
    return team_settings_card(lang, team_settings_view(next_round=next_round), SETTINGS_NOW)


@card_sample("settings.team_new_rhythm")
def _team_settings_new_rhythm(lang: Language) -> Mapping[str, Any]:
    # Switched to monthly after the first Monday of December: the first round is 4 Jan.
    at = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
    now = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    next_round = describe_next_round(lang, at, zone, now, first_of_new_rhythm=True)
    view = team_settings_view(saved=True, next_round=next_round)
    return team_settings_card(lang, view, SETTINGS_NOW)


@card_sample("settings.team_pending_owners")
def _team_settings_pending_owners(lang: Language) -> Mapping[str, Any]:
    pending = (
        PendingOwnerLine("cuong.pham@contoso.example", objectives=1, key_results=2),
        PendingOwnerLine("dung.le@contoso.example", objectives=0, key_results=1),
    )
    view = team_settings_view(pending_owners=pending, more_pending=True)
    return team_settings_card(lang, view, SETTINGS_NOW)


@card_sample("settings.personal")
def _personal_settings(lang: Language) -> Mapping[str, Any]:
    values = {"prompts_paused": "false", "language": lang.value, "time_zone": "Asia/Ho_Chi_Minh"}
    view = PersonalSettingsView(member_id="29:1-lan", values=values)
    return personal_settings_card(lang, view, SETTINGS_NOW)


@card_sample("checkin.later")
def _checkin_later(lang: Language) -> Mapping[str, Any]:
    return later_set_card(
        lang,
        "Thứ Hai, 02/03/2026 lúc 13:10" if lang is Language.VI else "Monday, 3/2/2026 at 1:10 PM",
    )


@card_sample("greeting")
def _greeting(lang: Language) -> Mapping[str, Any]:
    return greeting_card(lang, "Bình" if lang is Language.VI else "Alice")
