"""``python app.py import`` and ``export`` as an operator runs them."""

from __future__ import annotations

import dataclasses
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from cli.main import NO_TAB_LINE
from okr.models import Objective, ObjectiveState, Team, TeamSettings
from okr.periods import Period
from storage.sqlite import SqliteBackend
from storage.store import OkrStore
from tests.cli.operator import GOOD, TEAM, TENANT, app, seed


async def test_import_and_export_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "okr.sqlite3"
    async with OkrStore(SqliteBackend(db)) as store:
        await seed(store)
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("120,30,tickets", "120,lots,tickets"), encoding="utf-8")

    refused = app(db, "import", str(bad), "--tenant", TENANT, "--team", TEAM)
    assert refused.returncode == 1
    assert "nothing imported" in refused.stderr and "line 3: target 'lots'" in refused.stderr

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    imported = app(db, "import", str(good), "--tenant", TENANT, "--team", TEAM)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "imported 3 objectives and 5 key results\n"

    out = tmp_path / "export.csv"
    exported = app(db, "export", "--tenant", TENANT, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(
        ",progress,status,checkins,last_checkin,score,closing_note,closed_at,closed_by,kr_score"
    )
    assert len(lines) == 7


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = app(
        tmp_path / "x.sqlite3",
        "import",
        str(tmp_path / "nope.csv"),
        "--tenant",
        TENANT,
        "--team",
        TEAM,
    )
    assert result.returncode == 2 and "nope.csv" in result.stderr


def test_package_needs_only_the_app_id(tmp_path: Path) -> None:
    """Whoever builds the Teams package often has the app id and nothing else."""
    app_id = "7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c"
    no_credentials = {k: "" for k in os.environ if k.startswith(("CONNECTIONS", "CONNECTIONSMAP"))}
    out = tmp_path / "okr-checkins.zip"

    built = app(
        tmp_path / "unused.sqlite3",
        "package",
        "--app-id",
        app_id.upper(),
        "--out",
        str(out),
        env=no_credentials,
    )

    assert built.returncode == 0, built.stderr
    assert built.stdout == f"built {out}\n{NO_TAB_LINE}\n"
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["id"] == app_id and manifest["bots"][0]["botId"] == app_id
    assert not (tmp_path / "unused.sqlite3").exists()  # no storage needed either


def test_package_builds_where_the_app_itself_would_refuse_to_start(tmp_path: Path) -> None:
    """A client id without STORAGE or ALLOWED_TENANTS stops the app, not the packaging."""
    app_id = "7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c"
    configured = {
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": app_id,
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHTYPE": "UserManagedIdentity",
        "STORAGE": "",
        "ALLOWED_TENANTS": "",
    }
    out = tmp_path / "okr-checkins.zip"
    built = app(tmp_path / "unused.sqlite3", "package", "--out", str(out), env=configured)
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["id"] == app_id
    serving = app(tmp_path / "unused.sqlite3", "export", "--tenant", TENANT, env=configured)
    assert serving.returncode == 2 and "configuration error" in serving.stderr


def test_package_with_a_domain_has_the_tab_and_says_where_it_is_served(tmp_path: Path) -> None:
    app_id = "7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c"
    out = tmp_path / "okr-checkins.zip"
    built = app(
        tmp_path / "unused.sqlite3",
        "package",
        "--app-id",
        app_id,
        "--out",
        str(out),
        "--domain",
        "okr.contoso.com",
    )
    assert built.returncode == 0, built.stderr
    assert built.stdout == f"built {out}\nthe tab is served from https://okr.contoso.com/tab/\n"
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["staticTabs"][1]["contentUrl"] == (
        "https://okr.contoso.com/tab/index.html?view=my"
    )
    assert manifest["webApplicationInfo"]["resource"] == f"api://okr.contoso.com/{app_id}"


def test_package_with_a_wildcard_tab_domain_says_so(tmp_path: Path) -> None:
    out = tmp_path / "okr-checkins.zip"
    result = app(
        tmp_path / "x.sqlite3",
        "package",
        "--app-id",
        "7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c",
        "--out",
        str(out),
        "--domain",
        "*.contoso.com",
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "the first domain, '*.contoso.com', is where the tab is served" in result.stderr
    assert not out.exists()


def test_package_with_a_wrong_app_id_says_so(tmp_path: Path) -> None:
    result = app(tmp_path / "x.sqlite3", "package", "--app-id", "28:not-a-guid")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(
        "error: cannot build the package: the bot app id '28:not-a-guid'"
    )


async def test_a_pass_that_sends_nothing_says_when_the_next_round_is(tmp_path: Path) -> None:
    """`sent=0` alone reads like a broken schedule; the operator is told why instead."""
    db = tmp_path / "okr.sqlite3"
    async with OkrStore(SqliteBackend(db)) as store:
        await seed(store)
        team = await store.get_team(TENANT, TEAM)
        assert team is not None
        hanoi = dataclasses.replace(team.settings, time_zone="Asia/Ho_Chi_Minh")
        await store.save_team(dataclasses.replace(team, settings=hanoi))
        await store.save_team(Team(tenant_id=TENANT, id="19:idle@thread.tacv2", name="Idle"))
        await store.save_objective(
            Objective(
                tenant_id=TENANT,
                id="o1",
                title="Grow",
                owner_id="29:an",
                period=Period.quarter(2026, 4),
                state=ObjectiveState.ACTIVE,
                team_id=TEAM,
            )
        )

    # Wednesday 9 December 2026, 10:00 in Hanoi: Monday's round is past, the next is the 14th.
    ran = app(db, "run", "checkins", "--now", "2026-12-09T03:00:00+00:00", "--tenant", TENANT)

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1] == (
        "no team is due at this time; next round for Sales: Mon 14/12 09:00 Asia/Ho_Chi_Minh; "
        "1 team(s) have no active objectives, so no rounds (activate one to start them)"
    )
    reminders = app(db, "run", "reminders", "--now", "2026-12-09T03:00:00+00:00")
    assert reminders.stdout.splitlines()[-1].startswith(
        "no reminder is due at this time; next round for Sales: Mon 14/12 09:00"
    )

    # Digests: Sales moved its digest on Tuesday, so Friday 4 Dec's is not posted.
    async with OkrStore(SqliteBackend(db)) as store:
        team = await store.get_team(TENANT, TEAM)
        assert team is not None
        moved = dataclasses.replace(
            team.settings, digest_changed_at=datetime(2026, 12, 8, tzinfo=UTC)
        )
        await store.save_team(dataclasses.replace(team, settings=moved))
        await store.save_team(
            Team(
                tenant_id=TENANT,
                id="19:quiet@thread.tacv2",
                name="Quiet",
                settings=TeamSettings(digest_enabled=False),
            )
        )
        await store.save_objective(
            Objective(
                tenant_id=TENANT,
                id="o2",
                title="Calm",
                owner_id="29:an",
                period=Period.quarter(2026, 4),
                state=ObjectiveState.ACTIVE,
                team_id="19:quiet@thread.tacv2",
            )
        )
    digests = app(db, "run", "digests", "--now", "2026-12-09T03:00:00+00:00")
    assert digests.returncode == 0, digests.stderr
    assert digests.stdout.splitlines()[-2].startswith(
        "digests at 2026-12-09T03:00:00+00:00: sent=0"
    )
    assert digests.stdout.splitlines()[-1] == (
        "no digest is due at this time; next digest for Sales: Fri 11/12 16:00 Asia/Ho_Chi_Minh; "
        "1 team(s) turned their digest off; "
        "1 team(s) have no active objectives, so no digests (activate one to start them)"
    )
