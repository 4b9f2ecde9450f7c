"""Item 16, the import's side: owners the bot has not met yet do not fail the file."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.people import SeenPerson, learn_person
from cli.csv_commands import export_csv
from cli.csv_import import import_csv, summary
from okr.models import PendingOwner
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli.operator import GOOD, TEAM, TENANT, app, seed, seed_file

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
# Cuong owns the objective "Ship the app" and its key result Retention; Dung the key result
# Session length of another objective.
WITH_STRANGERS = (
    GOOD.replace("Ship the app,binh@contoso.example", "Ship the app,Cuong@Contoso.example")
    .replace("Retention,binh@", "Retention,cuong@")
    .replace("Session length,an@", "Session length,dung@")
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[OkrStore]:
    async with OkrStore(SqliteBackend(tmp_path / "okr.sqlite3")) as opened:
        yield await seed(opened)


async def test_unknown_owners_are_recorded_as_pending_and_the_file_is_imported(
    store: OkrStore,
) -> None:
    plan = await import_csv(store, TENANT, TEAM, WITH_STRANGERS, now=NOW)

    assert (plan.new_objectives, plan.new_key_results) == (3, 5)
    assert summary(plan)[1:] == [
        "2 owners the bot has not met yet, recorded as pending: each becomes the owner when "
        "the bot sees them (team roster or a message)",
        "  cuong@contoso.example: 1 objective and 1 key result",
        "  dung@contoso.example: 1 key result",
    ]
    objectives = {o.title: o for o in await store.list_objectives(TENANT)}
    krs = {k.title: k for k in await store.list_key_results(TENANT)}
    ship = objectives["Ship the app"]
    assert ship.owner_id is None and krs["Retention"].owner_id is None
    assert krs["Launch beta"].owner_id == "29:an"
    session = krs["Session length"]
    pending = {(p.email, p.id) for p in await store.list_pending_owners(TENANT)}
    assert pending == {
        ("cuong@contoso.example", PendingOwner.id_for(ship.id)),
        ("cuong@contoso.example", PendingOwner.id_for(ship.id, krs["Retention"].id)),
        ("dung@contoso.example", PendingOwner.id_for(session.objective_id, session.id)),
    }
    assert all(p.team_id == TEAM for p in await store.list_pending_owners(TENANT))


async def test_export_names_pending_owners_and_a_second_import_changes_nothing(
    store: OkrStore,
) -> None:
    await import_csv(store, TENANT, TEAM, WITH_STRANGERS, now=NOW)
    rows = list(csv.DictReader(io.StringIO((await export_csv(store, TENANT)).text)))
    ship = next(r for r in rows if r["key_result"] == "Retention")
    assert (ship["objective_owner"], ship["kr_owner"]) == (
        "cuong@contoso.example",
        "cuong@contoso.example",
    )

    again = await import_csv(store, TENANT, TEAM, WITH_STRANGERS, now=NOW)
    assert again.to_create == () and again.left_as_stored == ()
    assert [p.email for p in again.pending] == ["cuong@contoso.example", "dung@contoso.example"]
    assert len(await store.list_pending_owners(TENANT)) == 3


async def test_the_person_takes_up_ownership_when_the_bot_learns_their_email(
    store: OkrStore,
) -> None:
    await import_csv(store, TENANT, TEAM, WITH_STRANGERS, now=NOW)

    # The roster brings Cuong (his UPN, in another case); a message brings Dung.
    await learn_person(
        store, TENANT, SeenPerson(id="29:cuong", email="CUONG@contoso.example", team_id=TEAM), NOW
    )
    await learn_person(store, TENANT, SeenPerson(id="29:dung", email="dung@contoso.example"), NOW)

    objectives = {o.title: o for o in await store.list_objectives(TENANT)}
    krs = {k.title: k for k in await store.list_key_results(TENANT)}
    assert objectives["Ship the app"].owner_id == "29:cuong"
    assert krs["Retention"].owner_id == "29:cuong"
    assert krs["Session length"].owner_id == "29:dung"
    assert await store.list_pending_owners(TENANT) == []


async def test_an_owner_set_in_teams_meanwhile_is_kept(store: OkrStore) -> None:
    await import_csv(store, TENANT, TEAM, WITH_STRANGERS, now=NOW)
    retention = next(k for k in await store.list_key_results(TENANT) if k.title == "Retention")
    await store.save_key_result(retention.__class__(**{**_fields(retention), "owner_id": "29:an"}))

    await learn_person(store, TENANT, SeenPerson(id="29:cuong", email="cuong@contoso.example"), NOW)

    stored = await store.get_key_result(TENANT, retention.id)
    assert stored is not None and stored.owner_id == "29:an"
    assert [p.email for p in await store.list_pending_owners(TENANT)] == ["dung@contoso.example"]


def test_the_command_line_lists_pending_owners(tmp_path: Path) -> None:
    db = tmp_path / "okr.sqlite3"
    seed_file(db)
    file = tmp_path / "okrs.csv"
    file.write_text(WITH_STRANGERS, encoding="utf-8")

    dry = app(db, "import", str(file), "--tenant", TENANT, "--team", TEAM, "--dry-run")
    done = app(db, "import", str(file), "--tenant", TENANT, "--team", TEAM)

    assert dry.returncode == 0 and done.returncode == 0, done.stderr
    assert dry.stdout.splitlines()[0] == (
        "dry run, nothing written: would import 3 objectives and 5 key results"
    )
    assert done.stdout.splitlines() == [
        "imported 3 objectives and 5 key results",
        *dry.stdout.splitlines()[1:],
    ]
    assert "  dung@contoso.example: 1 key result" in done.stdout


def _fields(entity: object) -> dict[str, object]:
    return {name: getattr(entity, name) for name in entity.__dataclass_fields__}  # type: ignore[attr-defined]
