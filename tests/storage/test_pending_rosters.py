"""Teams whose roster is still to be read are found without reading every team (every backend)."""

from __future__ import annotations

import dataclasses

from storage.store import OkrStore
from tests.storage import samples

A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"


async def test_only_installed_teams_with_a_pending_roster_are_listed(store: OkrStore) -> None:
    base = samples.team(A)
    for team_id, pending, installed in (
        ("19:a@thread.tacv2", True, True),
        ("19:b@thread.tacv2", False, True),
        ("19:c@thread.tacv2", True, False),
    ):
        await store.save_team(
            dataclasses.replace(base, id=team_id, roster_pending=pending, installed=installed)
        )
    assert [t.id for t in await store.list_pending_rosters(A)] == ["19:a@thread.tacv2"]
