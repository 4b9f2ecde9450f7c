"""Each form is declared once: what a stored object pre-fills reads back as that same object.

The card, the reader and the pre-fill all come from one declaration per form
(``cards/forms.py``); these tests hold them together in both languages, for
every kind of key result, so a field added to one and not the others fails.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from cards.forms import Field, Form, Kind
from cards.i18n import Language
from cards.initiative_form import INITIATIVE_FORM, initiative_form, read_initiative_form
from cards.key_result_form import KEY_RESULT_FORM, key_result_form, read_key_result_form
from cards.kpi_form import KPI_FORM, kpi_form, read_kpi_form
from cards.objective_form import OBJECTIVE_FORM, Choices, objective_form, read_objective_form
from okr.authoring import Context
from okr.models import Comparison, Initiative, InitiativeState, KeyResult, KeyResultKind, Kpi
from okr.periods import Period
from tests.bot.test_authoring import inputs
from tests.cards.samples import KEY_RESULTS, MEMBERS, OBJECTIVE

CONTEXT = Context(
    member_ids=frozenset(m for _, m in MEMBERS),
    objective_ids=frozenset({OBJECTIVE.id, "objective-parent"}),
    parents={OBJECTIVE.id: None, "objective-parent": None},
)
LANGUAGES = list(Language)


def _shown(form: Form, card: dict[str, object]) -> dict[str, str]:
    """What the built card shows in each of the form's inputs."""
    found = inputs(card)
    assert set(found) == set(form.names), "the card shows exactly the declared fields"
    return {name: str(found[name].get("value", "")) for name in form.names}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_objective_reads_back_as_itself(lang: Language) -> None:
    stored = dataclasses.replace(
        OBJECTIVE, description="Mở rộng kênh bán hàng trực tuyến", parent_id="objective-parent"
    )
    values = OBJECTIVE_FORM.prefill(stored, lang)
    choices = Choices(members=MEMBERS, periods=((stored.period.label, stored.period.label),))
    card = objective_form(lang, values, {}, choices, objective_id=stored.id)
    read = read_objective_form(_shown(OBJECTIVE_FORM, card), lang, CONTEXT, 1, stored.id)
    assert read.ok, read.problems
    assert read.parsed is not None
    assert (read.parsed.title, read.parsed.owner_id, read.parsed.period) == (
        stored.title,
        stored.owner_id,
        stored.period,
    )
    assert (read.parsed.level, read.parsed.type, read.parsed.parent_id) == (
        stored.level,
        stored.type,
        stored.parent_id,
    )
    assert read.parsed.description == stored.description


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_objective_with_dates_of_its_own_shows_and_reads_them(lang: Language) -> None:
    custom = Period.custom(date(2026, 2, 15), date(2026, 5, 15))
    stored = dataclasses.replace(OBJECTIVE, period=custom)
    values = OBJECTIVE_FORM.prefill(stored, lang)
    choices = Choices(members=MEMBERS, periods=(("2026-Q1", "2026-Q1"),))
    shown = _shown(OBJECTIVE_FORM, objective_form(lang, values, {}, choices, objective_id="o"))
    assert (shown["period"], shown["period_start"]) == ("custom", "2026-02-15")
    read = read_objective_form(shown, lang, CONTEXT, 1, "o")
    assert read.parsed is not None and read.parsed.period == custom


def _kr(kind: KeyResultKind, start: str, target: str, current: str) -> KeyResult:
    return dataclasses.replace(
        KEY_RESULTS[0],
        kind=kind,
        start=Decimal(start),
        target=Decimal(target),
        current=Decimal(current),
        unit="articles" if kind is KeyResultKind.NUMBER else "",
        currency="VND" if kind is KeyResultKind.CURRENCY else None,
        due_date=date(2026, 3, 1),
    )


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "stored",
    [
        _kr(KeyResultKind.NUMBER, "25", "100", "37.5"),
        _kr(KeyResultKind.CURRENCY, "12000000", "24000000", "12500000.5"),
        _kr(KeyResultKind.PERCENTAGE, "80", "90", "82.25"),
        _kr(KeyResultKind.DURATION, "157", "225", "190"),
        _kr(KeyResultKind.MILESTONE, "0", "1", "1"),
    ],
    ids=lambda kr: kr.kind.value,
)
def test_a_key_result_of_every_kind_reads_back_as_itself(lang: Language, stored: KeyResult) -> None:
    values = KEY_RESULT_FORM.prefill(stored, lang)
    card = key_result_form(lang, OBJECTIVE, values, {}, MEMBERS, key_result_id=stored.id)
    read = read_key_result_form(_shown(KEY_RESULT_FORM, card), lang, OBJECTIVE.period, CONTEXT)
    assert read.ok, read.problems
    parsed = read.parsed
    assert parsed is not None
    assert (parsed.title, parsed.owner_id, parsed.kind) == (
        stored.title,
        stored.owner_id,
        stored.kind,
    )
    assert (parsed.start, parsed.target, parsed.current) == (
        stored.start,
        stored.target,
        stored.current,
    )
    assert (parsed.unit, parsed.currency, parsed.due_date) == (
        stored.unit,
        stored.currency,
        stored.due_date,
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_initiative_and_a_kpi_read_back_as_themselves(lang: Language) -> None:
    initiative = Initiative(
        tenant_id="t",
        id="i",
        objective_id=OBJECTIVE.id,
        title="Chạy chiến dịch quảng cáo",
        owner_id="member-minh",
        key_result_id=KEY_RESULTS[0].id,
        state=InitiativeState.IN_PROGRESS,
    )
    values = INITIATIVE_FORM.prefill(initiative, lang)
    card = initiative_form(lang, OBJECTIVE, KEY_RESULTS, values, {}, MEMBERS, initiative_id="i")
    kr_ids = frozenset(k.id for k in KEY_RESULTS)
    read = read_initiative_form(_shown(INITIATIVE_FORM, card), lang, CONTEXT, kr_ids)
    assert read.ok and read.parsed is not None
    assert (read.parsed.title, read.parsed.owner_id, read.parsed.state) == (
        initiative.title,
        initiative.owner_id,
        initiative.state,
    )
    assert read.parsed.key_result_id == initiative.key_result_id

    kpi = Kpi(
        tenant_id="t",
        id="k",
        title="Thời gian hoạt động",
        threshold=Decimal("99.5"),
        comparison=Comparison.AT_LEAST,
        current=Decimal("99.93"),
        unit="%",
        owner_id="member-lan",
    )
    card = kpi_form(lang, KPI_FORM.prefill(kpi, lang), {}, MEMBERS, kpi_id="k")
    read_kpi = read_kpi_form(_shown(KPI_FORM, card), lang, CONTEXT)
    assert read_kpi.ok and read_kpi.parsed is not None
    assert (read_kpi.parsed.threshold, read_kpi.parsed.current, read_kpi.parsed.unit) == (
        kpi.threshold,
        kpi.current,
        kpi.unit,
    )
    assert (read_kpi.parsed.comparison, read_kpi.parsed.owner_id) == (kpi.comparison, kpi.owner_id)


def test_a_new_initiative_does_not_ask_for_its_state() -> None:
    card = initiative_form(Language.EN, OBJECTIVE, KEY_RESULTS, {}, {}, MEMBERS)
    assert "state" not in inputs(card)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_team_and_personal_settings_read_back_as_themselves(lang: Language) -> None:
    from datetime import time

    from cards.settings import (
        PERSONAL_SETTINGS_FORM,
        TEAM_SETTINGS_FORM,
        read_personal_settings_form,
        read_team_settings_form,
        team_settings_values,
    )
    from okr.models import Cadence, Channel, Member, TeamSettings

    channels = (Channel("19:general@thread.tacv2", ""), Channel("19:pipe@thread.tacv2", "Pipe"))
    stored = TeamSettings(
        cadence=Cadence.BIWEEKLY,
        weekday=1,
        time_of_day=time(8, 30),
        time_zone="Europe/Berlin",
        skip_if_checked_in_within_days=3,
        reminder_delay_hours=48,
        digest_channel_id="19:pipe@thread.tacv2",
        digest_weekday=4,
        digest_time=time(16, 0),
    )
    values = team_settings_values(stored, channels)
    assert set(values) == set(TEAM_SETTINGS_FORM.names)
    read = read_team_settings_form(values, lang, stored, channels)
    assert read.ok and read.parsed is not None
    assert read.parsed.cadence is Cadence.BIWEEKLY and read.parsed.time_of_day == time(8, 30)
    assert read.parsed.digest_channel_id == "19:pipe@thread.tacv2"
    assert read.parsed.reminder_delay_hours == 48 and read.parsed.time_zone == "Europe/Berlin"

    person = Member(tenant_id="t", id="m", prompts_paused=True, preferred_time_zone="Asia/Tokyo")
    mine = {**PERSONAL_SETTINGS_FORM.prefill(person, lang), "language": lang.value}
    chosen = read_personal_settings_form(mine, lang)
    assert chosen.ok and chosen.parsed is not None
    assert (chosen.parsed.prompts_paused, chosen.parsed.time_zone) == (True, "Asia/Tokyo")


def test_a_required_field_cannot_be_declared_without_a_sentence_saying_what_to_enter() -> None:
    with pytest.raises(ValueError, match="no error message"):
        Field("title", Kind.TEXT, "field.objective.title", required=True)
    with pytest.raises(ValueError, match="no error message"):
        Field("at", Kind.TIME, "settings.field.time_of_day")


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("form", [OBJECTIVE_FORM, KEY_RESULT_FORM, INITIATIVE_FORM, KPI_FORM])
def test_every_required_input_says_more_than_its_label(form: Form, lang: Language) -> None:
    for declared in form.fields:
        element = declared.element(lang, "")
        if element.get("isRequired"):
            assert element["errorMessage"] not in ("", element["label"]), declared.name
