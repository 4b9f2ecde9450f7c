"""Pace through the real endpoint: an objective's expected line starts when it does.

The bot's clock stands at 27 Nov 2026 02:00 UTC, two thirds into 2026-Q4.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cards import verbs
from cards.i18n import Language, label, text
from cards.locale_format import format_progress
from okr.models import CheckInStatus, Objective, ObjectiveState
from okr.pace import expected_progress
from tests import factories as f
from tests.bot.test_authoring import (  # noqa: F401  (team_bot: fixture)
    ADAPTIVE,
    OBJECTIVE_FORM,
    card_text,
    inputs,
    invoke,
    nodes,
    team_bot,
)
from tests.conftest import BotClient, Clock
from tests.connector import Connector

_WORDS = {
    # user, on pace, behind, far behind, plan to date 0%
    "en": (f.ALICE, "On pace", "Behind pace", "Far behind", "Plan to date: 0%"),
    "vi": (
        f.BINH,
        "Theo kịp kế hoạch",
        "Chậm hơn kế hoạch",
        "Chậm xa kế hoạch",
        "Kế hoạch đến nay: 0%",
    ),
}


_NEW_CUSTOMERS = {"title": "New customers", "start": "0", "target": "40", "current": ""}


async def _activated_objective(
    bot: BotClient,
    connector: Connector,
    user: f.User,
    key_result: dict[str, str] = _NEW_CUSTOMERS,
    **form: str,
) -> tuple[Objective, str]:
    """Create an objective with one key result, activate it; the stored objective and its card."""
    body = await invoke(
        bot,
        connector,
        verbs.OBJECTIVE_SAVE,
        {**OBJECTIVE_FORM, "owner": user.id, "starts_on": "", **form},
        user=user,
    )
    assert body["type"] == ADAPTIVE
    [objective] = await bot.store.list_objectives(f.TENANT_ID)
    kr_form = {"owner": user.id, "kind": "number", "unit": "", "currency": "", "due_date": ""}
    await invoke(
        bot,
        connector,
        verbs.KEY_RESULT_SAVE,
        {"objective_id": objective.id, **kr_form, **key_result},
        user=user,
    )
    card = card_text(
        await invoke(bot, connector, verbs.OBJECTIVE_ACTIVATE, {"objective_id": objective.id}, user)
    )
    stored = await bot.store.get_objective(f.TENANT_ID, objective.id)
    assert stored is not None and stored.state is ObjectiveState.ACTIVE
    return stored, card


async def _plan_to_date(bot: BotClient, objective: Objective, clock: Clock, lang: str) -> str:
    """ "Plan to date: 41%" as the cards should write it now, from the domain rule."""
    expected = expected_progress(objective, clock.now, await _team_zone(bot))
    written = format_progress(float(expected), Language(lang))
    return text(Language(lang), "pace.expected", expected=written)


async def _team_zone(bot: BotClient) -> ZoneInfo:
    team = await bot.store.get_team(f.TENANT_ID, f.SALES.id)
    assert team is not None
    return ZoneInfo(team.settings.time_zone)


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_an_objective_activated_mid_quarter_is_on_pace_with_nothing_expected_yet(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
    clock: Clock,
    lang: str,
) -> None:
    user, on_pace, behind, far_behind, nothing_expected = _WORDS[lang]
    bot = team_bot
    stored, card = await _activated_objective(bot, connector, user)

    activation_day = clock.now.astimezone(await _team_zone(bot)).date()
    assert stored.starts_on == activation_day  # in the team's zone
    assert on_pace in card and nothing_expected in card
    assert behind not in card and far_behind not in card

    # The check-in card says the same.
    await bot.post(f.personal_message("checkin", connector.url, user=user))
    checkin = "\n".join(n.get("text", "") for n in nodes(connector.cards()[-1]))
    assert on_pace in checkin

    # Activated again weeks later (a replayed card): the start stays.
    clock.now += timedelta(weeks=3)
    await invoke(bot, connector, verbs.OBJECTIVE_ACTIVATE, {"objective_id": stored.id}, user)
    again = await bot.store.get_objective(f.TENANT_ID, stored.id)
    assert again is not None and again.starts_on == activation_day


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_a_start_date_the_owner_sets_moves_the_plan(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
    clock: Clock,
    lang: str,
) -> None:
    user, _, _, far_behind, _ = _WORDS[lang]
    bot = team_bot
    # From the end of 1 November the plan expects about 25 of 60 days by now:
    # 0% is far behind (more than 25 points under the line).
    stored, card = await _activated_objective(bot, connector, user, starts_on="2026-11-01")
    assert stored.starts_on == date(2026, 11, 1)
    assert Decimal("0.40") < expected_progress(stored, clock.now, await _team_zone(bot)) < 0.43
    plan = await _plan_to_date(bot, stored, clock, lang)
    assert far_behind in card and plan in card

    # The edit form shows the start, and its hint.
    form = await invoke(bot, connector, verbs.OBJECTIVE_EDIT, {"objective_id": stored.id}, user)
    assert inputs(form["value"])["starts_on"]["value"] == "2026-11-01"


@pytest.mark.parametrize(
    ("lang", "starts_on", "problem"),
    [
        ("en", "2027-01-05", "Choose a date between 10/01/2026 and 12/31/2026."),
        ("vi", "2026-09-30", "Hãy chọn một ngày từ 01/10/2026 đến 31/12/2026."),
        ("en", "next week", "Choose a date."),
        ("vi", "2026-13-45", "Hãy chọn một ngày."),
    ],
)
async def test_a_start_date_outside_the_period_is_refused_and_nothing_is_stored(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
    lang: str,
    starts_on: str,
    problem: str,
) -> None:
    user = _WORDS[lang][0]
    body = await invoke(
        team_bot,
        connector,
        verbs.OBJECTIVE_SAVE,
        {**OBJECTIVE_FORM, "owner": user.id, "starts_on": starts_on},
        user=user,
    )
    assert problem in card_text(body)
    assert await team_bot.store.list_objectives(f.TENANT_ID) == []


_NEGATIVE_ZERO = re.compile(r"[-\u2212]0(?:[.,]0+)?(?![\d.,]*[1-9])")


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("current", ["120", "121"])
async def test_a_decreasing_key_result_never_shows_minus_zero(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
    lang: str,
    current: str,
) -> None:
    user = _WORDS[lang][0]
    bot = team_bot
    tickets = {"title": "Support tickets a month", "start": "120", "target": "30"}
    _, card = await _activated_objective(bot, connector, user, {**tickets, "current": current})
    [kr] = await bot.store.list_key_results(f.TENANT_ID)
    assert kr.current == Decimal(current)  # stored as typed: 120 -> 30, now at or past the start
    shown = {"objective card": card}
    for command in ("checkin", "team okrs", "my okrs", "digest"):
        connector.calls.clear()
        await bot.post(f.personal_message(command, connector.url, user=user))
        [card] = connector.cards()
        shown[command] = "\n".join(
            str(n.get(k)) for n in nodes(card) for k in ("text", "value") if k in n
        )
    for where, written in shown.items():
        assert "0%" in written or where == "checkin", where
        assert not _NEGATIVE_ZERO.search(written), (where, _NEGATIVE_ZERO.search(written))


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_the_lists_and_the_digest_show_each_objectives_pace_and_status_as_its_card_does(
    team_bot: BotClient,  # noqa: F811
    connector: Connector,
    clock: Clock,
    lang: str,
) -> None:
    user, _, _, far_behind, _ = _WORDS[lang]
    bot = team_bot
    stored, card = await _activated_objective(bot, connector, user, starts_on="2026-11-01")
    [kr] = await bot.store.list_key_results(f.TENANT_ID)
    await bot.store.save_key_result(dataclasses.replace(kr, last_status=CheckInStatus.OFF_TRACK))
    plan = await _plan_to_date(bot, stored, clock, lang)
    assert far_behind in card and plan in card
    off_track = label(Language(lang), CheckInStatus.OFF_TRACK)
    # The digest too: a calm list beside a red digest (or the other way) costs trust.
    for command in ("team okrs", "my okrs", "digest"):
        connector.calls.clear()
        await bot.post(f.personal_message(command, connector.url, user=user))
        [listed] = connector.cards()
        badges = [n["text"] for n in nodes(listed) if n.get("type") == "Badge"]
        # The objective's badges (the digest then lists the key result at risk, with its own).
        assert badges[:2] == [far_behind, off_track], command
        assert len(badges) == (3 if command == "digest" else 2), command
        lines = [n.get("text", "") for n in nodes(listed)]
        assert any(plan in line and "0%" in line for line in lines), command
