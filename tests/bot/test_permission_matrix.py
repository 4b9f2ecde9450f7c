"""Who may write what, as a matrix: every role × every verb that writes, through the endpoint.

Each case starts from the same stored tenant, presses one button as one person
(from their personal chat, and from the channel of a team that is *not* the
object's own), and compares what is stored afterwards. A refused request
changes nothing; an allowed one changes exactly what it says.

The object's own team decides (``okr/permissions.py``): an owner of Marketing
asking from Marketing's channel is judged against Sales, the objects' team.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from cards import verbs
from cards.elements import CARD_SCHEMA
from cards.settings import settings_version
from okr.models import (
    Cadence,
    Channel,
    Comparison,
    Initiative,
    KeyResult,
    KeyResultKind,
    Kpi,
    Member,
    Objective,
    ObjectiveState,
    Team,
)
from okr.periods import Period
from storage.store import OkrStore
from tests import factories as f
from tests.bot.test_authoring import OBJECTIVE_FORM as AUTHORING_FORM
from tests.bot.test_team_settings import BIWEEKLY_TUESDAY, PIPELINE
from tests.conftest import BotClient
from tests.connector import Connector
from tests.stored import snapshot

Q4 = Period.quarter(2026, 4)
SALES = f.SALES
MARKETING = f.TeamInfo(
    id="19:team-marketing@thread.tacv2",
    name="Marketing",
    channel_id="19:team-marketing@thread.tacv2",
)

TEAM_OWNER = f.ALICE  # owns Sales in Teams
KR_OWNER = f.BINH
OBJECTIVE_OWNER = f.User(id="29:1-chi", aad_object_id="aad-chi", name="Chi Lê", time_zone=None)
OTHER_TEAM_OWNER = f.User(id="29:1-dana", aad_object_id="aad-dana", name="Dana", time_zone=None)
MEMBER = f.User(id="29:1-eve", aad_object_id="aad-eve", name="Eve", time_zone=None)


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    user: f.User
    tenant_id: str = f.TENANT_ID


ROLES = (
    Role("kr_owner", KR_OWNER),
    Role("objective_owner", OBJECTIVE_OWNER),
    Role("team_owner", TEAM_OWNER),
    Role("other_team_owner", OTHER_TEAM_OWNER),
    Role("member", MEMBER),
    # Same Teams user id as Sales' owner, but from another organisation.
    Role("other_tenant", TEAM_OWNER, tenant_id=f.OTHER_TENANT_ID),
)


async def seed(store: OkrStore) -> None:
    """Sales (Alice owns it) with Chi's objective, Binh's key result, an initiative, a KPI,
    a draft objective; Marketing (Dana owns it)."""
    t = f.TENANT_ID
    await store.save_team(
        Team(
            tenant_id=t,
            id=SALES.id,
            name=SALES.name,
            channels=(Channel(SALES.id, ""), Channel(PIPELINE, "Pipeline")),
            owner_ids=(TEAM_OWNER.id,),
        )
    )
    await store.save_team(
        Team(tenant_id=t, id=MARKETING.id, name=MARKETING.name, owner_ids=(OTHER_TEAM_OWNER.id,))
    )
    for user, teams in (
        (TEAM_OWNER, (SALES.id,)),
        (KR_OWNER, (SALES.id,)),
        (OBJECTIVE_OWNER, (SALES.id,)),
        (MEMBER, (SALES.id,)),
        (OTHER_TEAM_OWNER, (MARKETING.id,)),
    ):
        await store.save_member(
            Member(
                tenant_id=t,
                id=user.id,
                name=user.name,
                aad_object_id=user.aad_object_id,
                team_ids=teams,
            )
        )
    for objective_id, state in (("obj", ObjectiveState.ACTIVE), ("draft", ObjectiveState.DRAFT)):
        await store.save_objective(
            Objective(
                tenant_id=t,
                id=objective_id,
                title=f"Grow revenue ({objective_id})",
                owner_id=OBJECTIVE_OWNER.id,
                period=Q4,
                state=state,
                team_id=SALES.id,
            )
        )
    await store.save_key_result(
        KeyResult(
            tenant_id=t,
            id="kr",
            objective_id="obj",
            title="New customers",
            owner_id=KR_OWNER.id,
            kind=KeyResultKind.NUMBER,
            start=Decimal(0),
            target=Decimal(100),
            current=Decimal(0),
        )
    )
    await store.save_initiative(
        Initiative(tenant_id=t, id="ini", objective_id="obj", title="Partner program")
    )
    await store.save_kpi(
        Kpi(
            tenant_id=t,
            id="kpi",
            title="Site uptime",
            threshold=Decimal("99.5"),
            comparison=Comparison.AT_LEAST,
            owner_id=OBJECTIVE_OWNER.id,
            team_id=SALES.id,
        )
    )


# -- the verbs that write, each with the data its card sends and the change it makes --------

Effect = Callable[[OkrStore], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Write:
    name: str
    verb: str
    data: Callable[[OkrStore], Awaitable[dict[str, Any]]]
    applied: Effect  # True once the change is stored
    allowed: frozenset[str]


async def _static(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _fixed(data: dict[str, Any]) -> Callable[[OkrStore], Awaitable[dict[str, Any]]]:
    return lambda _store: _static(data)


async def _kr(store: OkrStore) -> KeyResult:
    kr = await store.get_key_result(f.TENANT_ID, "kr")
    assert kr is not None
    return kr


async def _objective(store: OkrStore, objective_id: str = "obj") -> Objective:
    objective = await store.get_objective(f.TENANT_ID, objective_id)
    assert objective is not None
    return objective


async def _checked_in(store: OkrStore) -> bool:
    return (await _kr(store)).current == 99


async def _objective_renamed(store: OkrStore) -> bool:
    return (await _objective(store)).title == "Hijacked"


async def _activated(store: OkrStore) -> bool:
    return (await _objective(store, "draft")).state is ObjectiveState.ACTIVE


async def _kr_renamed(store: OkrStore) -> bool:
    return (await _kr(store)).title == "Hijacked KR"


async def _kr_added(store: OkrStore) -> bool:
    return len(await store.list_key_results(f.TENANT_ID, objective_id="obj")) == 2


async def _initiative_added(store: OkrStore) -> bool:
    return len(await store.list_initiatives(f.TENANT_ID, "obj")) == 2


async def _initiative_renamed(store: OkrStore) -> bool:
    initiative = await store.get_initiative(f.TENANT_ID, "ini")
    return initiative is not None and initiative.title == "Hijacked initiative"


async def _kpi_changed(store: OkrStore) -> bool:
    kpi = await store.get_kpi(f.TENANT_ID, "kpi")
    return kpi is not None and kpi.title == "Hijacked KPI"


async def _settings_changed(store: OkrStore) -> bool:
    team = await store.get_team(f.TENANT_ID, SALES.id)
    return team is not None and team.settings.cadence is Cadence.BIWEEKLY


async def _settings_data(store: OkrStore) -> dict[str, Any]:
    team = await store.get_team(f.TENANT_ID, SALES.id)
    assert team is not None
    return {
        "team_id": SALES.id,
        "settings_version": settings_version(team.settings),
        **BIWEEKLY_TUESDAY,
    }


OBJECTIVE_FORM = {
    **AUTHORING_FORM,
    "objective_id": "obj",
    "title": "Hijacked",
    "owner": OBJECTIVE_OWNER.id,
}
KR_FORM = {
    "objective_id": "obj",
    "title": "Hijacked KR",
    "owner": KR_OWNER.id,
    "kind": "number",
    "start": "0",
    "target": "100",
    "current": "",
    "unit": "customers",
    "currency": "",
    "due_date": "",
}
INITIATIVE_FORM = {"objective_id": "obj", "owner": "", "key_result": "none", "state": "in_progress"}
KPI_FORM = {
    "kpi_id": "kpi",
    "title": "Hijacked KPI",
    "comparison": ">=",
    "threshold": "99.5",
    "current": "99.9",
    "unit": "%",
    "owner": OBJECTIVE_OWNER.id,
}
CHECKIN = {
    "card_id": "forged-card",
    "key_results": ["kr"],
    "round_id": None,
    "value_0": "99",
    "status_0": "on_track",
    "note_0": "",
}

OWNERS = frozenset({"objective_owner", "team_owner"})
WRITES = (
    Write(
        "checkin",
        verbs.CHECKIN_SUBMIT,
        _fixed(CHECKIN),
        _checked_in,
        OWNERS | {"kr_owner"},
    ),
    Write(
        "objective.edit", verbs.OBJECTIVE_SAVE, _fixed(OBJECTIVE_FORM), _objective_renamed, OWNERS
    ),
    Write(
        "objective.activate",
        verbs.OBJECTIVE_ACTIVATE,
        _fixed({"objective_id": "draft"}),
        _activated,
        OWNERS,
    ),
    Write(
        "key_result.edit",
        verbs.KEY_RESULT_SAVE,
        _fixed({**KR_FORM, "key_result_id": "kr"}),
        _kr_renamed,
        OWNERS | {"kr_owner"},
    ),
    Write(
        "key_result.new",
        verbs.KEY_RESULT_SAVE,
        _fixed({**KR_FORM, "title": "Extra KR"}),
        _kr_added,
        OWNERS,
    ),
    Write(
        "initiative.new",
        verbs.INITIATIVE_SAVE,
        _fixed({**INITIATIVE_FORM, "title": "Second initiative"}),
        _initiative_added,
        OWNERS,
    ),
    Write(
        "initiative.edit",
        verbs.INITIATIVE_SAVE,
        _fixed({**INITIATIVE_FORM, "initiative_id": "ini", "title": "Hijacked initiative"}),
        _initiative_renamed,
        OWNERS,
    ),
    # The KPI's owner is the objective owner (Chi).
    Write("kpi.edit", verbs.KPI_SAVE, _fixed(KPI_FORM), _kpi_changed, OWNERS),
    Write(
        "settings",
        verbs.SETTINGS_SAVE,
        _settings_data,
        _settings_changed,
        frozenset({"team_owner"}),
    ),
)

WHERE = {"personal": None, "other_team_channel": MARKETING}


@pytest.mark.parametrize("where", list(WHERE))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
async def test_who_may_write_what(
    bot: BotClient, connector: Connector, write: Write, role: Role, where: str
) -> None:
    await seed(bot.store)
    before = await snapshot(bot.store)
    data = {"schema": CARD_SCHEMA, **await write.data(bot.store)}
    activity = f.card_action(
        write.verb,
        data,
        connector.url,
        user=role.user,
        team=WHERE[where],
        tenant_id=role.tenant_id,
    )
    response = await bot.post(activity)
    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    after = await snapshot(bot.store)
    if role.name in write.allowed:
        assert await write.applied(bot.store), f"{role.name} could not {write.name}"
    else:
        assert after == before, f"{role.name} changed stored data with {write.name}"
        assert not await write.applied(bot.store)
        # The person is told, with a message rather than a saved card.
        assert body["type"] == "application/vnd.microsoft.activity.message", body
