"""What the tab's API reads: what a view shows, never the whole tenant, never another tenant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import app as app_module
from okr.models import Member, Objective, ObjectiveState, Team
from settings import Settings
from storage.counting import CountingBackend, counting
from storage.factory import backend_from_settings
from storage.store import OkrStore
from tests import factories as f
from tests.conftest import Clock, StartBot
from tests.tab.conftest import TabClient
from tests.tab.seed import ALICE_ID, OTHER_MEMBER_ID, Q4, SEEDED, seed

FOREIGN_TEAM = "19:team-fabrikam@thread.tacv2"
VIEWS = (
    "api/tab/session",
    "api/tab/teams",
    "api/tab/okrs?view=my",
    f"api/tab/okrs?view=team&team={f.SALES.id}",
    f"api/tab/objectives/{SEEDED.revenue}",
)


async def test_another_tenants_ids_are_not_found_and_show_nothing(tab: TabClient) -> None:
    await tab.bot.store.save_team(Team(tenant_id=f.OTHER_TENANT_ID, id=FOREIGN_TEAM, name="Fab"))

    for path in (
        f"api/tab/objectives/{SEEDED.foreign}",
        f"api/tab/okrs?view=team&team={FOREIGN_TEAM}",
    ):
        response = await tab.get(path)
        assert response.status == 404, path
        assert await response.json() == {
            "error": "not_found",
            "message": "This was not found. It may have been deleted.",
        }
    for path in ("api/tab/alignment", f"api/tab/okrs?view=my&owner={OTHER_MEMBER_ID}"):
        assert "Fabrikam secret" not in await (await tab.get(path)).text()


async def test_the_foreign_tenants_person_sees_only_their_own_tenant(tab: TabClient) -> None:
    await tab.sign_in(OTHER_MEMBER_ID, f.OTHER_TENANT_ID)

    mine = await tab.json("api/tab/okrs?view=my")
    revenue = await tab.get(f"api/tab/objectives/{SEEDED.revenue}")
    sales = await tab.get(f"api/tab/okrs?view=team&team={f.SALES.id}")

    assert [o["title"] for o in mine["objectives"]] == ["Fabrikam secret"]
    assert revenue.status == 404 and sales.status == 404


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[CountingBackend]:
    """The app's stores built over a counting backend."""
    made: list[CountingBackend] = []

    def store_from_settings(settings: Settings, **kwargs: Any) -> OkrStore:
        made.append(counting(backend_from_settings(settings, **kwargs)))
        return OkrStore(made[-1])

    monkeypatch.setattr(app_module, "store_from_settings", store_from_settings)
    return made


async def _counts(tab: TabClient, backend: CountingBackend) -> dict[str, tuple[int, int]]:
    found = {}
    for path in VIEWS:
        backend.reset()
        await tab.json(path)
        counts = backend.reset()
        found[path] = (counts.total, counts.documents)
    return found


async def test_a_view_costs_what_it_shows_not_what_the_tenant_holds(
    start_bot: StartBot, counted: list[CountingBackend], clock: Clock
) -> None:
    bot = await start_bot()
    tab = TabClient(bot, await seed(bot.store))
    await tab.sign_in(ALICE_ID, f.TENANT_ID)
    backend = counted[0]
    small = await _counts(tab, backend)

    # The tenant grows: 300 people and another team's 200 objectives.
    await bot.store.save_team(
        Team(tenant_id=f.TENANT_ID, id="19:team-ops@thread.tacv2", name="Ops")
    )
    for n in range(300):
        await bot.store.save_member(Member(tenant_id=f.TENANT_ID, id=f"29:1-p{n}", name=f"P{n}"))
    for n in range(200):
        await bot.store.save_objective(
            Objective(
                tenant_id=f.TENANT_ID,
                id=f"ops-{n}",
                title=f"Ops {n}",
                owner_id=f"29:1-p{n}",
                period=Q4,
                state=ObjectiveState.ACTIVE,
                team_id="19:team-ops@thread.tacv2",
            )
        )
    clock.now += timedelta(minutes=2)  # the team's digest is read again, not remembered
    large = await _counts(tab, backend)

    assert large == small
    # People are read by id, a hundred to a query: never the tenant's member list.
    clock.now += timedelta(minutes=2)
    backend.reset()
    await tab.json(f"api/tab/okrs?view=team&team={f.SALES.id}")
    assert backend.counts.by_kind["query", "member"] <= 2
