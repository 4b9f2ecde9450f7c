"""``python app.py import`` and ``export`` as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from okr.models import Member
from storage.sqlite import SqliteBackend
from storage.store import OkrStore

ROOT = Path(__file__).resolve().parents[2]
TENANT = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
GOOD = (Path(__file__).parent / "good_okrs.csv").read_text(encoding="utf-8")


def app(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SQLITE_PATH": str(db), "LOG_FORMAT": "plain"}
    return subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_import_and_export_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "okr.sqlite3"
    async with OkrStore(SqliteBackend(db)) as store:
        for member_id, email in (
            ("29:an", "an@contoso.example"),
            ("29:binh", "binh@contoso.example"),
        ):
            await store.save_member(Member(tenant_id=TENANT, id=member_id, email=email))
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("120,30,tickets", "120,lots,tickets"), encoding="utf-8")

    refused = app(db, "import", str(bad), "--tenant", TENANT, "--team", "19:t@thread.tacv2")
    assert refused.returncode == 1
    assert "nothing imported" in refused.stderr and "line 3: target 'lots'" in refused.stderr

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    imported = app(db, "import", str(good), "--tenant", TENANT, "--team", "19:t@thread.tacv2")
    assert imported.returncode == 0, imported.stderr
    assert "imported 3 objectives, 5 key results" in imported.stdout

    out = tmp_path / "export.csv"
    exported = app(db, "export", "--tenant", TENANT, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",progress,status,checkins,last_checkin") and len(lines) == 7


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = app(
        tmp_path / "x.sqlite3",
        "import",
        str(tmp_path / "nope.csv"),
        "--tenant",
        TENANT,
        "--team",
        "19:t@thread.tacv2",
    )
    assert result.returncode == 2 and "nope.csv" in result.stderr
